from datetime import UTC, datetime, timedelta

import pytest

from workflows.escalation_rules import SlaState, Step, next_step

OPENED = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
DUE = OPENED + timedelta(hours=10)
BEFORE = timedelta(hours=2)


def state(reminded=False, level=0):
    return SlaState(OPENED, DUE, reminded, level)


@pytest.mark.parametrize(
    ("now", "current", "step"),
    [
        (OPENED + timedelta(hours=1), state(), None),
        (DUE - timedelta(hours=1), state(), Step.REMIND),
        (DUE - timedelta(hours=1), state(reminded=True), None),
        (DUE, state(reminded=True), Step.ESCALATE_DEPARTMENT),
        (DUE + timedelta(hours=1), state(reminded=True, level=1), None),
        (DUE + timedelta(hours=10), state(reminded=True, level=1), Step.ESCALATE_CX),
        (DUE + timedelta(hours=10), state(reminded=True, level=2), None),
        (DUE + timedelta(hours=10), state(), Step.ESCALATE_DEPARTMENT),  # steps go in order
    ],
)
def test_each_alert_comes_once_and_in_order(now, current, step):
    assert next_step(current, now, BEFORE) == step


def test_a_case_without_a_deadline_never_escalates():
    assert next_step(SlaState(OPENED, None, False, 0), DUE + timedelta(days=9), BEFORE) is None
