import pytest

from surveys.definitions import all_definitions
from surveys.scoring import (
    NpsCategory,
    ResponseScores,
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


@pytest.mark.parametrize(
    ("read", "score", "message"),
    [
        (nps_category, -1, "NPS answer must be 0-10, got -1"),
        (nps_category, 11, "NPS answer must be 0-10, got 11"),
        (csat_satisfied, 0, "CSAT answer must be 1-5, got 0"),
        (csat_satisfied, 6, "CSAT answer must be 1-5, got 6"),
        (lambda scale: ces_score([4], scale), 10, "CES scale must be 5 or 7, got 10"),
    ],
)
def test_out_of_range_answers_are_refused(read, score, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        read(score)


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


@pytest.mark.parametrize(("answer", "easy"), [(3, 0.0), (4, 100.0)])
def test_on_five_points_only_four_and_five_count_as_easy(answer, easy):
    assert ces_score([answer], scale=5).value == easy


def test_a_response_is_scored_from_its_visible_answers():
    service = next(d for d in all_definitions() if d.id == "service_csat")
    scores = score_response(service, {"csat": 2, "ces": 3, "comment": " slow ", "consent": True})
    assert (scores.csat, scores.csat_satisfied, scores.ces, scores.ces_scale) == (2, False, 3, 7)
    assert scores.nps is None and scores.consent_to_contact is True
    assert scores.comment == " slow "


def shipped(survey_id, **changes):
    """A shipped survey with some questions changed (a dict of fields) or left out (None)."""
    survey = next(d for d in all_definitions() if d.id == survey_id)
    questions = [
        question.model_copy(update=changes.get(question.id, {}))
        for question in survey.questions
        if changes.get(question.id, {}) is not None
    ]
    return survey.model_copy(update={"questions": questions})


@pytest.mark.parametrize(
    ("definition", "answers", "scores"),
    [
        (
            shipped("touchpoint_nps"),
            {"nps": 6, "what_went_wrong": ["fees"], "comment": "Too dear", "consent": False},
            ResponseScores(
                nps=6, nps_category="detractor", comment="Too dear", consent_to_contact=False
            ),
        ),
        (shipped("touchpoint_nps"), {"nps": 8}, ResponseScores(nps=8, nps_category="passive")),
        (shipped("touchpoint_nps"), {"nps": 10}, ResponseScores(nps=10, nps_category="promoter")),
        (shipped("service_csat"), {"ces": 5}, ResponseScores(ces=5, ces_scale=7)),  # CSAT skipped
        (shipped("service_csat"), {"csat": 4}, ResponseScores(csat=4, csat_satisfied=True)),
        (shipped("service_csat", ces={"scale": 5}), {"ces": 3}, ResponseScores(ces=3, ces_scale=5)),
        (
            shipped("service_csat", ces={"scale": None}),
            {"ces": 3},
            ResponseScores(ces=3, ces_scale=7),
        ),
        (
            shipped("case_followup", comment=None),  # no comment question, nor a consent one
            {"resolved": True, "csat": 5},
            ResponseScores(csat=5, csat_satisfied=True),
        ),
    ],
)
def test_a_response_stores_only_what_was_asked_and_answered(definition, answers, scores):
    """A skipped or absent question stores nothing (None, or no comment), never a default score.

    A CES question without a scale is a 7-point one.
    """
    assert score_response(definition, answers) == scores
