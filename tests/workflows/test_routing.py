import pytest

from workflows.routing import ResponseFacts, route


@pytest.mark.parametrize("nps", [0, 3, 6])
def test_detractors_open_a_case_for_the_touchpoints_department(nps):
    decision = route(ResponseFacts(nps=nps, csat=None, department_id=4, segment="mass"))
    assert decision is not None
    assert decision.department_id == 4
    assert decision.rule == "nps_detractor"
    assert str(nps) in decision.reason


@pytest.mark.parametrize("nps", [7, 8, 10, None])
def test_passives_promoters_and_skipped_scores_open_nothing(nps):
    assert route(ResponseFacts(nps=nps, csat=None, department_id=4, segment="mass")) is None


def test_a_vip_detractor_is_most_urgent():
    vip = route(ResponseFacts(nps=2, csat=None, department_id=1, segment="vip"))
    mass = route(ResponseFacts(nps=2, csat=None, department_id=1, segment="mass"))
    assert vip is not None and mass is not None
    assert (vip.priority, mass.priority) == ("P1", "P2")


@pytest.mark.parametrize(("csat", "opens"), [(1, True), (2, True), (3, False), (5, False)])
def test_a_dissatisfied_csat_answer_opens_a_case(csat, opens):
    decision = route(ResponseFacts(nps=None, csat=csat, department_id=2, segment="mass"))
    assert (decision is not None) == opens
    if decision:
        assert decision.rule == "csat_dissatisfied" and f"CSAT {csat}" in decision.reason
