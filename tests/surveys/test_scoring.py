import pytest

from surveys.scoring import NpsCategory, net_promoter_score, nps_category


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
