"""Scores as the industry defines them, and the per-response facts the metrics group by.

- NPS: promoters answer 9-10, passives 7-8, detractors 0-6; the score is %promoters − %detractors
  with passives in the denominator and skipped answers left out.
- CSAT: the share of 4-5 answers on the 5-point scale (not the mean).
- CES: one scale per survey, with its method named: on 7 points the mean; on 5 points the share
  of 4-5 ("easy") answers.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from surveys.schema import SurveyDefinition


class NpsCategory(enum.StrEnum):
    PROMOTER = "promoter"
    PASSIVE = "passive"
    DETRACTOR = "detractor"


def nps_category(score: int) -> NpsCategory:
    """The category of one 0-10 answer."""
    if not 0 <= score <= 10:
        raise ValueError(f"NPS answer must be 0-10, got {score}")
    if score >= 9:
        return NpsCategory.PROMOTER
    if score >= 7:
        return NpsCategory.PASSIVE
    return NpsCategory.DETRACTOR


def net_promoter_score(promoters: int, passives: int, detractors: int) -> float | None:
    """NPS from category counts, -100..100; None when nobody answered."""
    total = promoters + passives + detractors
    if total == 0:
        return None
    return 100.0 * (promoters - detractors) / total


def csat_satisfied(score: int) -> bool:
    """A 5-point CSAT answer counts as satisfied at 4 or 5."""
    if not 1 <= score <= 5:
        raise ValueError(f"CSAT answer must be 1-5, got {score}")
    return score >= 4


def csat_score(satisfied: int, answered: int) -> float | None:
    """CSAT %: satisfied answers over all answers; None when nobody answered."""
    return None if answered == 0 else 100.0 * satisfied / answered


@dataclass(frozen=True)
class CesScore:
    value: float
    method: str  # "mean of 1-7" or "% easy (4-5 of 5)"


def ces_score(answers: Sequence[int], scale: int) -> CesScore | None:
    """CES for one survey's scale, with its method; None when nobody answered."""
    if not answers:
        return None
    if scale == 7:
        return CesScore(sum(answers) / len(answers), "mean of 1-7")
    if scale == 5:
        easy = sum(answer >= 4 for answer in answers)
        return CesScore(100.0 * easy / len(answers), "% easy (4-5 of 5)")
    raise ValueError(f"CES scale must be 5 or 7, got {scale}")


@dataclass(frozen=True)
class ResponseScores:
    """What a response stores beside its answers, so metrics are SQL aggregates."""

    nps: int | None = None
    nps_category: str | None = None
    csat: int | None = None
    csat_satisfied: bool | None = None
    ces: int | None = None
    ces_scale: int | None = None
    comment: str = ""
    consent_to_contact: bool | None = None


def score_response(definition: SurveyDefinition, answers: Mapping[str, Any]) -> ResponseScores:
    """Read the scores, comment and consent out of one response's (visible) answers."""
    nps, csat, ces = (_answer(definition, kind, answers) for kind in ("nps", "csat", "ces"))
    comment_q, consent_q = definition.with_role("comment"), definition.with_role("consent")
    ces_q = definition.of_type("ces")
    return ResponseScores(
        nps=nps,
        nps_category=None if nps is None else nps_category(nps),
        csat=csat,
        csat_satisfied=None if csat is None else csat_satisfied(csat),
        ces=ces,
        ces_scale=None if ces is None or ces_q is None else ces_q.scale or 7,
        comment=str(answers.get(comment_q.id) or "") if comment_q else "",
        consent_to_contact=answers.get(consent_q.id) if consent_q else None,
    )


def _answer(definition: SurveyDefinition, kind: str, answers: Mapping[str, Any]) -> int | None:
    question = definition.of_type(kind)
    return None if question is None else answers.get(question.id)
