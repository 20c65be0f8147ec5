import pytest

from surveys.definitions import all_definitions
from surveys.scoring import (
    NpsCategory,
    ces_score,
    csat_satisfied,
    csat_score,
    net_promoter_score,
    nps_category,
    score_response,
)


@pytest.mark.parametrize(
    ("score", "category"),
    [
        (0, NpsCategory.DETRACTOR),
        (6, NpsCategory.DETRACTOR),
        (7, NpsCategory.PASSIVE),
        (8, NpsCategory.PASSIVE),
        (9, NpsCategory.PROMOTER),
        (10, NpsCategory.PROMOTER),
    ],
)
def test_nps_category_boundaries(score, category):
    assert nps_category(score) == category


@pytest.mark.parametrize("score", [-1, 11])
def test_out_of_range_answers_are_refused(score):
    with pytest.raises(ValueError, match="0-10"):
        nps_category(score)


def test_passives_count_in_the_denominator():
    assert net_promoter_score(promoters=5, passives=2, detractors=3) == pytest.approx(20.0)


def test_no_answers_means_no_score():
    assert net_promoter_score(0, 0, 0) is None


@pytest.mark.parametrize(("score", "satisfied"), [(1, False), (3, False), (4, True), (5, True)])
def test_csat_counts_four_and_five_as_satisfied(score, satisfied):
    assert csat_satisfied(score) is satisfied


def test_csat_is_a_share_not_a_mean():
    assert csat_score(satisfied=3, answered=4) == pytest.approx(75.0)
    assert csat_score(0, 0) is None


def test_ces_names_its_method_per_scale():
    seven = ces_score([7, 6, 2], scale=7)
    five = ces_score([5, 4, 2, 1], scale=5)
    assert (seven.value, seven.method) == (pytest.approx(5.0), "mean of 1-7")
    assert (five.value, five.method) == (pytest.approx(50.0), "% easy (4-5 of 5)")
    assert ces_score([], scale=7) is None


def test_a_response_is_scored_from_its_visible_answers():
    service = next(d for d in all_definitions() if d.id == "service_csat")
    scores = score_response(service, {"csat": 2, "ces": 3, "comment": " slow ", "consent": True})
    assert (scores.csat, scores.csat_satisfied, scores.ces, scores.ces_scale) == (2, False, 3, 7)
    assert scores.nps is None and scores.consent_to_contact is True
    assert scores.comment == " slow "
