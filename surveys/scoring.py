"""Scores as the industry defines them.

NPS: promoters answer 9-10, passives 7-8, detractors 0-6; the score is %promoters − %detractors
with passives in the denominator and skipped answers left out.
"""

from __future__ import annotations

import enum


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
