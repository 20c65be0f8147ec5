"""The weekly summary e-mail: last week's closed loop and scores, to whoever answers for them.

CX managers get the whole bank, department heads their department, with the improvement
actions (the bank's, or their department's) due in the next seven days or overdue, and the
topics rising fastest against the week before. Each e-mail
is queued once per recipient and ISO week (the outbox's unique key), so the job can run on every
tick: when the week's e-mails are queued it costs two small queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Session

from app.models import OutboxMessage, Role, User
from app.services.cases.improvement import bank_today, due_actions
from app.services.distribution.letters import write_letter
from app.services.distribution.outbox import enqueue_once
from app.services.reports.filters import ReportFilter, day_start
from app.services.reports.loop import closed_loop
from app.services.reports.scores import GroupBy, overall, scores
from app.services.reports.topics import topic_report

KIND = "weekly_summary"


def last_week(now: datetime) -> tuple[datetime, datetime]:
    """Monday to Monday (UTC) of the last whole week."""
    monday = day_start(now.date() - timedelta(days=now.weekday()))
    return monday - timedelta(days=7), monday


def send_weekly_summaries(
    session: Session, *, now: datetime, base_url: str, min_sample: int
) -> int:
    """Queue last week's summary for every recipient who has not had it; how many were queued."""
    start, end = last_week(now)
    week = f"{start:%G-W%V}"
    done = set(
        session.scalars(
            sa.select(OutboxMessage.subject_key).where(
                OutboxMessage.kind == KIND, OutboxMessage.subject_key.startswith(f"{week}:")
            )
        )
    )
    recipients = session.scalars(
        sa.select(User).where(
            User.active,
            User.created_at < end,  # no summary of a week before one's account existed
            sa.or_(
                User.role == Role.CX_MANAGER,
                sa.and_(User.heads_department, User.department_id.is_not(None)),
            ),
        )
    ).all()
    queued = 0
    for user in recipients:
        if f"{week}:{user.id}" in done:
            continue
        department = None if user.role == Role.CX_MANAGER else user.department_id
        wanted = ReportFilter(start=start, end=end, department_id=department)
        queued += _queue(session, user, wanted, week, now=now, base_url=base_url,
                         min_sample=min_sample)  # fmt: skip
    return queued


def _queue(
    session: Session,
    user: User,
    wanted: ReportFilter,
    week: str,
    *,
    now: datetime,
    base_url: str,
    min_sample: int,
) -> bool:
    previous = wanted.previous()
    assert previous is not None
    rows = scores(session, wanted, GroupBy.TOUCHPOINT, min_sample=min_sample)
    context = {
        "user": user,
        "week": week,
        "loop": closed_loop(session, wanted, now=now),
        "previous_loop": closed_loop(session, previous, now=now),
        "scores": overall(rows, min_sample=min_sample),
        "touchpoints": rows,
        "actions": due_actions(
            session, today=bank_today(session, now), department_id=wanted.department_id
        ),
        "rising": topic_report(session, wanted, min_sample=min_sample).rising,
        "today": bank_today(session, now),
        "link": f"{base_url}/dashboard?start={wanted.start:%Y-%m-%d}"
        f"&end={wanted.end - timedelta(days=1):%Y-%m-%d}",
    }
    letter = write_letter(
        user.locale,
        "weekly_summary",
        lambda: gettext("Touchloop weekly summary, %(week)s", week=week),
        **context,
    )
    return enqueue_once(
        session,
        kind=KIND,
        subject_key=f"{week}:{user.id}",
        recipient=user.email,
        next_attempt_at=now,
        **letter._asdict(),
    )
