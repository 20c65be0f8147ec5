"""The shape of a survey definition: question types, choices, skip conditions, texts.

Validated with pydantic so every mistake is reported with its path (`questions[2].show_if`),
which `surveys.definitions` turns into a line number of the YAML file.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

LANGUAGES = ("en", "zh-CN")
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]

SCALE_TYPES = {"nps": (0, 10), "csat": (1, 5)}
QuestionType = Literal[
    "nps", "csat", "ces", "rating", "single_choice", "multiple_choice", "text", "yes_no"
]


class PlacedError(ValueError):
    """A mistake found across questions, carrying where it is so the loader can name the line."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """One text in both languages; neither may be empty."""

    en: Annotated[str, StringConstraints(min_length=1)]
    zh_cn: Annotated[str, StringConstraints(min_length=1)] = Field(alias="zh-CN")

    def get(self, language: str) -> str:
        return self.zh_cn if language == "zh-CN" else self.en


class Choice(_Strict):
    id: Identifier
    text: Text


class Condition(_Strict):
    """Show a question only when an earlier answer matches; exactly one test is given."""

    question: Identifier
    equals: str | int | bool | None = None
    any_of: list[str | int] | None = None
    at_most: int | None = None
    at_least: int | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [self.equals, self.any_of, self.at_most, self.at_least]
        if sum(test is not None for test in tests) != 1:
            raise ValueError("give exactly one of equals, any_of, at_most, at_least")
        return self


OTHER_MAX_LENGTH = 200  # an "other, please say" text


class Question(_Strict):
    id: Identifier
    type: QuestionType
    text: Text
    required: bool = False
    role: Literal["comment", "consent"] | None = None
    show_if: Condition | None = None
    low_label: Text | None = None
    high_label: Text | None = None
    scale: Literal[5, 7] | None = None  # CES: 5- or 7-point
    min: int | None = None  # rating
    max: int | None = None
    style: Literal["stars", "scale"] = "scale"
    choices: list[Choice] = Field(default_factory=list)
    other: bool = False  # choice questions: "other, please say"
    max_length: int = Field(default=1000, ge=1, le=5000)

    @model_validator(mode="after")
    def _fits_type(self) -> Question:
        choice_type = self.type in ("single_choice", "multiple_choice")
        if choice_type and len(self.choices) < 2:
            raise ValueError(f"a {self.type} question needs at least two choices")
        if not choice_type and (self.choices or self.other):
            raise ValueError(f"a {self.type} question takes no choices")
        if self.type == "rating" and (self.min is None or self.max is None or self.min >= self.max):
            raise ValueError("a rating question needs min < max")
        if self.role == "consent" and self.type != "yes_no":
            raise ValueError("the consent question must be yes_no")
        if self.role == "comment" and self.type != "text":
            raise ValueError("the comment question must be text")
        return self

    def bounds(self) -> tuple[int, int] | None:
        """The numeric range of a scale question; None for the others."""
        if self.type in SCALE_TYPES:
            return SCALE_TYPES[self.type]
        if self.type == "ces":
            return (1, self.scale or 7)
        if self.type == "rating":
            assert self.min is not None and self.max is not None
            return (self.min, self.max)
        return None

    @property
    def other_id(self) -> str:
        """Where a choice question's "other, please say" text is kept, in the form and answers."""
        return f"{self.id}__other"

    def choice_ids(self) -> list[str]:
        ids = [choice.id for choice in self.choices]
        return [*ids, "other"] if self.other else ids


class SurveyDefinition(_Strict):
    id: Identifier
    version: int = Field(ge=1)
    title: Text
    intro: Text | None = None
    anonymous: bool = False
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> SurveyDefinition:
        seen: dict[str, Question] = {}
        for index, question in enumerate(self.questions):
            if question.id in seen:
                raise PlacedError(
                    ("questions", index, "id"), f"question id {question.id!r} is used twice"
                )
            condition = question.show_if
            if condition is not None and condition.question not in seen:
                raise PlacedError(
                    ("questions", index, "show_if", "question"),
                    f"{question.id!r} depends on {condition.question!r}, "
                    "which must be an earlier question",
                )
            seen[question.id] = question
        for role in ("comment", "consent"):
            if sum(q.role == role for q in self.questions) > 1:
                raise ValueError(f"only one question may have role {role!r}")
        for kind in ("nps", "csat", "ces"):
            if sum(q.type == kind for q in self.questions) > 1:
                raise ValueError(f"only one {kind} question per survey: metrics read one score")
        return self

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def with_role(self, role: str) -> Question | None:
        return next((q for q in self.questions if q.role == role), None)

    def of_type(self, kind: str) -> Question | None:
        return next((q for q in self.questions if q.type == kind), None)


def parse(data: Any) -> SurveyDefinition:
    """Validate a loaded definition (raises pydantic.ValidationError)."""
    return SurveyDefinition.model_validate(data)
