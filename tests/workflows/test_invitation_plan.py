from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from workflows.invitation_plan import plan_invitation, sampled

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def terms(**overrides):
    values = {
        "delay_minutes": 120,
        "send_at_local_time": None,
        "expiry_days": 7,
        "segments": None,
        "sampling_rate": 1.0,
    }
    return SimpleNamespace(**(values | overrides))


def plan(touchpoint, *, occurred_at=NOW, segment="mass", event_id="e-1"):
    return plan_invitation(
        event_id, occurred_at, touchpoint, segment=segment, timezone="Asia/Shanghai", now=NOW
    )


def test_an_invitation_is_due_after_the_touchpoints_delay():
    planned = plan(terms())
    assert planned.status == "scheduled" and planned.reason == ""
    assert planned.send_after == NOW + timedelta(hours=2)
    assert planned.expires_at == NOW + timedelta(hours=2, days=7)


def test_an_event_reported_late_is_due_now_not_in_the_past():
    planned = plan(terms(), occurred_at=NOW - timedelta(days=1))
    assert planned.send_after == NOW
    assert planned.expires_at == NOW - timedelta(days=1) + timedelta(hours=2, days=7)


def test_a_segment_the_touchpoint_does_not_survey_is_suppressed_with_its_reason():
    touchpoint = terms(segments=["vip"])
    assert plan(touchpoint, segment="vip").status == "scheduled"
    planned = plan(touchpoint, segment="mass")
    assert (planned.status, planned.reason) == ("suppressed", "segment not surveyed")


def test_an_empty_segment_list_surveys_nobody():
    assert plan(terms(segments=[]), segment="mass").status == "suppressed"


def test_sampling_keeps_about_its_rate_and_the_same_answer_for_a_retried_event():
    kept = [sampled(f"event-{n}", 0.25) for n in range(4000)]
    assert 900 < sum(kept) < 1100
    assert [sampled(f"event-{n}", 0.25) for n in range(4000)] == kept
    planned = next(
        plan(terms(sampling_rate=0.25), event_id=f"event-{n}") for n in range(4000) if not kept[n]
    )
    assert (planned.status, planned.reason) == ("suppressed", "not sampled (25%)")


def test_every_event_is_sampled_at_a_rate_of_one_and_none_at_zero():
    assert all(sampled(f"event-{n}", 1.0) for n in range(200))
    assert not any(sampled(f"event-{n}", 0.0) for n in range(200))


def test_an_event_whose_window_closed_before_it_arrived_expires_at_once():
    window = timedelta(hours=2, days=7)
    closed = plan(terms(), occurred_at=NOW - window)
    assert (closed.status, closed.reason) == (
        "expired",
        "event arrived after its survey window closed",
    )
    just_open = plan(terms(), occurred_at=NOW - window + timedelta(seconds=1))
    assert just_open.status == "scheduled"


def test_suppression_is_reported_before_expiry():
    planned = plan(terms(segments=["vip"]), occurred_at=NOW - timedelta(days=30))
    assert planned.reason == "segment not surveyed"
