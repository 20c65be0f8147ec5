"""What a half-answered survey may keep: the survey's own fields, each within its limits.

The page's script posts the whole form as the customer types; anything else a client sends
(other field names, a thousand values, a megabyte of text) is dropped, not stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from surveys.schema import OTHER_MAX_LENGTH, Question, SurveyDefinition

CHOICE_MAX_LENGTH = 40  # a choice id, a score or yes/no


def draft_of(
    definition: SurveyDefinition, formdata: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The fields of `formdata` that belong to the survey, cut to what each may hold."""
    kept: dict[str, list[str]] = {}
    for question in definition.questions:
        values = _within(question, formdata.get(question.id, []))
        if values:
            kept[question.id] = values
        other = formdata.get(question.other_id, [])[:1] if question.other else []
        if other and other[0]:
            kept[question.other_id] = [other[0][:OTHER_MAX_LENGTH]]
    return kept


def _within(question: Question, values: list[str]) -> list[str]:
    many = len(question.choice_ids()) if question.type == "multiple_choice" else 1
    length = question.max_length if question.type == "text" else CHOICE_MAX_LENGTH
    return [value[:length] for value in values[:many] if value]
