"""Which questions a customer is shown, given the answers so far.

The server applies the same rules as the page's script, so a hidden question is neither
required nor stored, whatever the browser sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.schema import Condition, Question, SurveyDefinition


def condition_met(condition: Condition, answer: Any) -> bool:
    """Whether one earlier answer satisfies a show-if condition; no answer never does."""
    if answer is None or answer == [] or answer == "":
        return False
    if condition.equals is not None:
        return answer == condition.equals
    if condition.any_of is not None:
        given = answer if isinstance(answer, list) else [answer]
        return any(value in condition.any_of for value in given)
    if not isinstance(answer, int) or isinstance(answer, bool):
        return False
    if condition.at_most is not None:
        return answer <= condition.at_most
    assert condition.at_least is not None
    return answer >= condition.at_least


def visible_questions(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown; a question that depends on a hidden one is hidden too."""
    shown: list[Question] = []
    shown_ids: set[str] = set()
    for question in definition.questions:
        condition = question.show_if
        if condition is None or (
            condition.question in shown_ids
            and condition_met(condition, answers.get(condition.question))
        ):
            shown.append(question)
            shown_ids.add(question.id)
    return shown
