"""SLA alerts: a reminder before the deadline, then escalation, each once, on the timeline.

Each step is claimed with a conditional update of the case, so two workers never send it twice;
the e-mails go through the outbox in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Session

from app.models import OPEN_STATUSES, Case, Role, User
from app.services.cases.lifecycle import record_event
from app.services.distribution.letters import write_letter
from app.services.distribution.outbox import enqueue_email
from workflows.escalation_rules import SlaState, Step, next_step


def alert_due_cases(
    session: Session, *, now: datetime, remind_before: timedelta, base_url: str
) -> Counter[str]:
    """Send every SLA alert that is due; how many of each step were sent."""
    sent: Counter[str] = Counter()
    candidates = session.scalars(
        sa.select(Case).where(
            Case.status.in_(OPEN_STATUSES),
            Case.escalation_level < 2,
            Case.waiting_since.is_(None),  # the clock is stopped while the customer is awaited
            Case.due_resolve_at <= now + remind_before,
        )
    ).all()
    for case in candidates:
        state = SlaState(
            case.opened_at, case.due_resolve_at, case.sla_reminded_at is not None,
            case.escalation_level,
        )  # fmt: skip
        step = next_step(state, now, remind_before)
        if step is None or not _claim(session, case, step, now):
            continue
        for user in _recipients(session, case, step):
            _email(session, case, step, user, now, base_url)
        record_event(session, case, None, f"sla_{step}", None, None, _note(step), now)
        sent[step] += 1
    return sent


def _claim(session: Session, case: Case, step: Step, now: datetime) -> bool:
    """Mark the step done only if no other worker did it first."""
    update = sa.update(Case).where(Case.id == case.id).execution_options(synchronize_session=False)
    if step == Step.REMIND:
        update = update.where(Case.sla_reminded_at.is_(None)).values(sla_reminded_at=now)
    else:
        level = case.escalation_level
        update = update.where(Case.escalation_level == level).values(escalation_level=level + 1)
    claimed = session.execute(update).rowcount == 1
    session.refresh(case)
    return claimed


def _recipients(session: Session, case: Case, step: Step) -> list[User]:
    active = (User.active, User.email.is_not(None))
    if step == Step.REMIND:
        if case.assignee is not None:
            return [case.assignee]
        query = sa.select(User).where(*active, User.department_id == case.department_id)
    elif step == Step.ESCALATE_DEPARTMENT:
        query = sa.select(User).where(
            *active, User.department_id == case.department_id, User.heads_department
        )
    else:
        query = sa.select(User).where(*active, User.role == Role.CX_MANAGER)
    return list(session.scalars(query))


def _note(step: Step) -> str:
    return {
        Step.REMIND: "Resolution deadline is near: assignee reminded",
        Step.ESCALATE_DEPARTMENT: "Resolution deadline breached: escalated to the department head",
        Step.ESCALATE_CX: "Breached twice over: escalated to the CX managers",
    }[step]


def _email(
    session: Session, case: Case, step: Step, user: User, now: datetime, base_url: str
) -> None:
    context = {"case": case, "step": str(step), "link": f"{base_url}/cases/{case.id}"}
    letter = write_letter(
        user.locale,
        "case_alert",
        lambda: gettext("Case %(id)s: %(what)s", id=case.id, what=_subject(step)),
        zone=user.timezone,
        **context,
    )
    enqueue_email(
        session,
        kind="case_alert",
        subject_key=f"case:{case.id}:{step}:{case.escalation_level}:{user.id}",
        recipient=user.email,
        now=now,
        **letter._asdict(),
    )


def _subject(step: Step) -> str:
    return {
        Step.REMIND: gettext("deadline approaching"),
        Step.ESCALATE_DEPARTMENT: gettext("deadline breached"),
        Step.ESCALATE_CX: gettext("escalated to CX management"),
    }[step]
