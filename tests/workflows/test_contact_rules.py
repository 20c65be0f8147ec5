"""Contact rules, one test each, with time passed in (frozen) and DST changes around them."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from workflows.contact_rules import (
    Ask,
    ContactHistory,
    ContactPolicy,
    Verdict,
    after_quiet_hours,
    decide,
    first_send_time,
)

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
POLICY = ContactPolicy()


def ask(**overrides):
    fields = {
        "touchpoint": "branch_visit",
        "priority": 50,
        "cooldown": timedelta(days=30),
        "overrides_fatigue": False,
        "expires_at": NOW + timedelta(days=14),
        "segment": "mass",
        "timezone": "Asia/Shanghai",
        "opted_out": False,
    }
    return Ask(**{**fields, **overrides})


def test_a_fresh_customer_is_asked_now():
    assert decide(ask(), ContactHistory(), POLICY, NOW).verdict == Verdict.SEND


def test_at_most_one_survey_per_n_days_defers_to_the_end_of_the_window():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=20))
    decision = decide(ask(), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER
    assert "within 30 days" in decision.reason
    assert decision.at is not None and decision.at >= NOW + timedelta(days=10)


def test_a_deferral_past_expiry_expires_with_its_reason():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=1))
    decision = decide(ask(), history, POLICY, NOW)
    assert decision.verdict == Verdict.EXPIRE
    assert "within 30 days" in decision.reason and "after it expires" in decision.reason


def test_a_deferral_within_expiry_is_kept_for_later():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=25))
    decision = decide(ask(), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER
    assert decision.at == after_quiet_hours(NOW + timedelta(days=5), "Asia/Shanghai", POLICY)


def test_the_fatigue_window_depends_on_the_segment():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=40))
    assert decide(ask(segment="mass"), history, POLICY, NOW).verdict == Verdict.SEND
    vip = decide(ask(segment="vip", expires_at=NOW + timedelta(days=30)), history, POLICY, NOW)
    assert vip.verdict == Verdict.DEFER and "within 60 days (vip" in vip.reason


def test_a_complaint_overrides_fatigue_but_not_the_opt_out():
    history = ContactHistory(last_sent_at=NOW - timedelta(days=1))
    complaint = ask(touchpoint="complaint_resolution", overrides_fatigue=True, priority=90)
    assert decide(complaint, history, POLICY, NOW).verdict == Verdict.SEND
    opted_out = decide(ask(overrides_fatigue=True, opted_out=True), ContactHistory(), POLICY, NOW)
    assert (opted_out.verdict, opted_out.reason) == (
        Verdict.SUPPRESS,
        "customer opted out of surveys",
    )


def test_a_cooldown_per_touchpoint_holds_even_for_complaints():
    history = ContactHistory(last_sent_here_at=NOW - timedelta(days=2))
    decision = decide(ask(overrides_fatigue=True, cooldown=timedelta(days=7)), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER and "branch_visit within 7 days" in decision.reason


def test_a_higher_priority_survey_goes_first():
    history = ContactHistory(competing_priority=90)
    decision = decide(ask(priority=50), history, POLICY, NOW)
    assert decision.verdict == Verdict.DEFER and "higher-priority" in decision.reason
    assert decide(ask(priority=90), ContactHistory(competing_priority=50), POLICY, NOW).verdict == (
        Verdict.SEND
    )


def test_quiet_hours_hold_until_the_morning_in_the_customers_zone():
    late = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    decision = decide(ask(), ContactHistory(), POLICY, late)
    assert decision.verdict == Verdict.DEFER and "quiet hours" in decision.reason
    assert decision.at.astimezone(ZoneInfo("Asia/Shanghai")) == datetime(
        2026, 11, 24, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )
    same_moment_in_london = decide(ask(timezone="Europe/London"), ContactHistory(), POLICY, late)
    assert same_moment_in_london.verdict == Verdict.SEND  # 15:00 there


def test_an_expired_invitation_is_not_sent():
    decision = decide(ask(expires_at=NOW), ContactHistory(), POLICY, NOW)
    assert decision.verdict == Verdict.EXPIRE


@pytest.mark.parametrize(
    ("moment_utc", "expected_local"),
    [
        # New York falls back on 2026-11-01 (02:00 EDT -> 01:00 EST): the morning is 08:00 EST.
        (datetime(2026, 11, 1, 3, 30, tzinfo=UTC), datetime(2026, 11, 1, 8, 0)),
        # New York springs forward on 2026-03-08 (02:00 EST -> 03:00 EDT): 08:00 is EDT.
        (datetime(2026, 3, 8, 6, 30, tzinfo=UTC), datetime(2026, 3, 8, 8, 0)),
    ],
)
def test_quiet_hours_end_at_eight_local_time_across_dst_changes(moment_utc, expected_local):
    zone = ZoneInfo("America/New_York")
    after = after_quiet_hours(moment_utc, "America/New_York", POLICY)
    assert after.astimezone(zone).replace(tzinfo=None) == expected_local
    assert after.tzinfo == UTC


def test_a_quiet_window_inside_one_day_is_honoured():
    lunch = ContactPolicy(quiet_start=time(12, 0), quiet_end=time(14, 0))
    noon_shanghai = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)
    after = after_quiet_hours(noon_shanghai, "Asia/Shanghai", lunch)
    assert after == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def test_next_morning_after_a_loan_approval():
    approved = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
    due = first_send_time(approved, timedelta(hours=1), "09:30", "Asia/Shanghai")
    assert due == datetime(2026, 11, 24, 1, 30, tzinfo=UTC)  # 09:30 the next day


def test_a_local_send_time_skipped_by_dst_moves_past_the_gap():
    evening = datetime(2026, 3, 8, 5, 0, tzinfo=UTC)  # 00:00 EST on the spring-forward night
    due = first_send_time(evening, timedelta(0), "02:30", "America/New_York")
    assert due.astimezone(ZoneInfo("America/New_York")).hour == 3
