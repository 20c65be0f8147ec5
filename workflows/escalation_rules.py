"""Which SLA alert a case is due for now. Pure: a case's times in, at most one step out.

Before the resolve deadline the assignee gets a reminder; when it is breached the department
head is told; when it is breached twice over (overdue by as long again as the SLA allowed) the
CX managers are. Each step happens once, in order.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta


class Step(enum.StrEnum):
    REMIND = "remind"
    ESCALATE_DEPARTMENT = "escalate_department"
    ESCALATE_CX = "escalate_cx"


@dataclass(frozen=True)
class SlaState:
    opened_at: datetime
    due_resolve_at: datetime | None
    reminded: bool
    escalation_level: int


def next_step(state: SlaState, now: datetime, remind_before: timedelta) -> Step | None:
    """The one alert due now, or None."""
    due = state.due_resolve_at
    if due is None:
        return None
    if now >= due + (due - state.opened_at) and state.escalation_level < 2:
        return Step.ESCALATE_CX if state.escalation_level == 1 else Step.ESCALATE_DEPARTMENT
    if now >= due and state.escalation_level == 0:
        return Step.ESCALATE_DEPARTMENT
    if due - remind_before <= now < due and not state.reminded:
        return Step.REMIND
    return None
