"""Dashboard figures against numbers worked out by hand from tests/app/dashboard_bank.py.

Cohort of the period (cases opened 03-02..03-15): c1 closed (confirmed), c2 closed
(unconfirmed), c3 in progress, c4 resolved after a reopen, c5 cancelled, c6 new; c0 opened in
the previous period.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.services.database.sqltime import median
from app.services.reports.filters import ReportFilter, build_filter
from app.services.reports.loop import (
    backlog,
    closed_loop,
    league_table,
    overdue_by_department,
    weekly_closure,
)
from app.services.reports.scores import GroupBy, journey, overall, score_sets, scores
from app.services.reports.voice import detractor_keywords, responses_page, sentiment
from tests.app.dashboard_bank import END, NOW, START, build_bank

PERIOD = ReportFilter(start=START, end=END)


@pytest.fixture
def bank(session):
    return build_bank(session)


def test_closed_loop_of_the_cohort(session, bank):
    f = closed_loop(session, PERIOD, now=NOW)
    assert (f.cases_total, f.cases_closed, f.cases_cancelled) == (5, 3, 1)
    assert f.closure_rate == 0.6
    assert (f.cases_confirmed, f.cases_unconfirmed, f.confirmed_rate) == (1, 1, 0.5)
    assert (f.cases_reopened, f.reopened_rate) == (1, 0.2)
    # detractor cases c1-c4; contacted c1 (2 h), c2 (6 h, late), c4 (1 h); due in 4 h
    assert (f.detractor_cases, f.detractors_contacted, f.detractors_contacted_in_sla) == (4, 3, 2)
    assert f.close_the_loop_rate == 0.5
    # rescued: c1's follow-up CSAT 5; c4's was 2
    assert (f.detractors_rescued, f.rescue_rate) == (1, 0.3333)
    # met: c1 (10 h), c4 (first resolution 5 h) of 24 h; breached: c2 (30 h), c3 (never);
    # c6's deadline (03-20) falls after the period: not counted
    assert (f.sla_met, f.sla_due, f.sla_compliance) == (2, 4, 0.5)
    # first contact 1, 2, 6 h; first resolution 5, 10, 30 h; latest resolution 10, 20, 30 h
    assert (f.first_contact.median_hours, f.first_contact.p90_hours) == (2.0, 5.2)
    assert (f.first_resolution.median_hours, f.first_resolution.p90_hours) == (10.0, 26.0)
    assert (f.resolution.median_hours, f.resolution.p90_hours) == (20.0, 28.0)
    assert f.median_hours_to_close == 20.0


def test_previous_period_and_filters(session, bank):
    before = closed_loop(session, PERIOD.previous(), now=NOW)
    assert (before.cases_total, before.cases_closed, before.median_hours_to_close) == (1, 1, 4.0)
    loans = ReportFilter(start=START, end=END, department_id=bank.loans.id)
    assert closed_loop(session, loans, now=NOW).cases_total == 3  # c2, c3, c4
    north = ReportFilter(start=START, end=END, branch="North")
    assert closed_loop(session, north, now=NOW).cases_total == 1  # c6
    vip = ReportFilter(start=START, end=END, segment="vip")
    assert closed_loop(session, vip, now=NOW).cases_total == 0


def test_backlog_overdue_and_league(session, bank):
    # open now (03-16 00:00): c3 opened 10.6 days ago, c6 3.6 days ago
    assert [b.cases for b in backlog(session, PERIOD, now=NOW)] == [0, 0, 1, 1, 0]
    north = ReportFilter(start=START, end=END, branch="North")  # a response fact: c6 only
    assert [b.cases for b in backlog(session, north, now=NOW)] == [0, 0, 1, 0, 0]
    assert overdue_by_department(session, north, now=NOW) == []
    [overdue] = overdue_by_department(session, PERIOD, now=NOW)
    assert (overdue.department.code, overdue.cases) == ("loans", 1)  # c3
    loans, cards = league_table(session, PERIOD, now=NOW)
    assert (loans.department.code, loans.cases_total, loans.cases_closed) == ("loans", 3, 2)
    assert (loans.closure_rate, loans.median_hours_to_close) == (0.6667, 25.0)  # 20 h, 30 h
    assert (loans.sla_met, loans.sla_due) == (1, 3)
    assert (cards.closure_rate, cards.median_hours_to_close, cards.sla_compliance) == (
        0.5,
        10.0,
        1.0,
    )


def test_weekly_closure(session, bank):
    weeks = weekly_closure(session, PERIOD)
    assert [(w.week, w.cases_total, w.cases_closed) for w in weeks] == [
        ("2026-03-02", 3, 2),
        ("2026-03-09", 2, 1),
    ]


def test_scores_by_touchpoint_hide_small_samples(session, bank):
    rows = scores(session, PERIOD, GroupBy.TOUCHPOINT, min_sample=3)
    by = {row.key: row for row in rows}
    assert [row.key for row in rows] == ["branch_visit", "loan_approval", "call_centre"]
    branch = by["branch_visit"]
    assert (branch.nps_n, branch.promoters, branch.detractors, branch.nps) == (5, 2, 1, 20.0)
    assert (branch.csat_n, branch.satisfied, branch.csat) == (3, 2, 66.7)
    assert (branch.invitations_sent, branch.invitations_answered, branch.response_rate) == (
        4,
        3,
        0.75,
    )
    loan = by["loan_approval"]
    assert (loan.nps, loan.ces_n, loan.easy, loan.ces) == (-50.0, 3, 2, 66.7)  # 5/5, 6/7 easy
    assert loan.response_rate == 0.5
    call = by["call_centre"]
    assert (call.nps_n, call.nps) == (2, None)
    total = overall(rows, min_sample=3)
    # 5 promoters, 4 detractors of 11: 9.1
    assert (total.nps_n, total.nps, total.response_rate) == (11, 9.1, 0.6667)


def test_a_small_sample_keeps_its_score_to_show_as_too_few(session, bank):
    by = {row.key: row for row in scores(session, PERIOD, GroupBy.TOUCHPOINT, min_sample=3)}
    call, branch = by["call_centre"], by["branch_visit"]
    assert (call.nps, call.nps_raw, call.csat_raw) == (None, 100.0, None)  # 9, 9; no CSAT asked
    assert (branch.nps_raw, branch.csat_raw) == (branch.nps, branch.csat) == (20.0, 66.7)
    loan = by["loan_approval"]
    assert (loan.ces_raw, loan.ces) == (66.7, 66.7)


def test_days_are_whole_days_of_the_zone_asked(session, bank):
    days = {"first_day": date(2026, 3, 2), "last_day": date(2026, 3, 15)}
    assert build_filter(session, **days) == PERIOD  # UTC days: the API's
    shanghai = build_filter(session, **days, zone=ZoneInfo("Asia/Shanghai"))
    assert (shanghai.start, shanghai.end) == (
        datetime(2026, 3, 1, 16, tzinfo=UTC),
        datetime(2026, 3, 15, 16, tzinfo=UTC),
    )


def test_scores_by_week_segment_and_stage(session, bank):
    weeks = scores(session, PERIOD, GroupBy.WEEK, min_sample=3)
    assert [(w.key, w.nps_n, w.nps) for w in weeks] == [
        ("2026-03-02", 5, -20.0),
        ("2026-03-09", 6, 33.3),
    ]
    segments = {row.key: row for row in scores(session, PERIOD, GroupBy.SEGMENT, min_sample=3)}
    assert (segments["mass"].nps_n, segments["mass"].nps) == (10, 0.0)
    assert (segments["vip"].nps_n, segments["vip"].nps) == (1, None)
    stages = [(s.key, s.nps) for s in scores(session, PERIOD, GroupBy.JOURNEY_STAGE, min_sample=3)]
    assert stages == [("lending", -50.0), ("onboarding", 20.0), ("service", None)]
    departments = scores(session, PERIOD, GroupBy.DEPARTMENT, min_sample=3)
    assert [(d.key, d.nps_n) for d in departments] == [("cards", 7), ("loans", 4)]


def test_one_pass_gives_every_grouping_the_figures_of_its_own_query(session, bank):
    """The page's shared pass must match the hand-checked figures of each grouping alone."""
    together = score_sets(session, PERIOD, tuple(GroupBy), min_sample=3)
    for group in GroupBy:
        assert together[group] == scores(session, PERIOD, group, min_sample=3)


def test_journey_marks_the_weakest_touchpoint(session, bank):
    steps = journey(session, PERIOD, min_sample=3)
    assert [(s.touchpoint.code, s.cases_opened, s.cases_closed, s.weakest) for s in steps] == [
        ("branch_visit", 2, 1, False),
        ("loan_approval", 3, 2, True),
        ("call_centre", 0, 0, False),
    ]


def test_voice_of_the_customer(session, bank):
    split = sentiment(session, PERIOD)
    assert (split.negative, split.neutral, split.positive, split.unscored) == (2, 1, 1, 1)
    words = {item.touchpoint.code: item for item in detractor_keywords(session, PERIOD)}
    assert words["loan_approval"].comments == 3
    assert words["loan_approval"].words[0] == ("审批", 3)
    assert {"queue", "rude", "staff", "long"} <= {w for w, _ in words["branch_visit"].words}
    page = responses_page(session, PERIOD, keyword="审批", category="detractor")
    assert page.total == 3
    assert responses_page(session, PERIOD, keyword="QUEUE").total == 1  # any case


def test_median_is_the_fiftieth_percentile(session):
    import sqlalchemy as sa

    values = sa.select(sa.literal(4.0).label("v")).union_all(
        sa.select(sa.literal(1.0)), sa.select(sa.literal(10.0)), sa.select(sa.literal(2.0))
    )
    assert session.scalar(median(values.subquery(), "v")) == 3.0
