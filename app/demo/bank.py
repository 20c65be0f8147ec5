"""Loading the demo bank, idempotently: a second run adds nothing and changes nothing.

The bank gets its profile, departments, touchpoints, routing rules and staff, five months of
history (history.py) and today's first events, whose invitations are due as soon as the worker
runs: two newcomers in each of three time zones, so that at any hour some are awake to be asked.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.demo.catalogue import BY_CODE, DEPARTMENTS, PROFILE, TOUCHPOINTS
from app.demo.history import DemoSettings, History
from app.demo.people import STAFF, bank_customers, newcomers
from app.models import (
    Bank,
    CaseEvent,
    Department,
    OutboxCursor,
    OutboxMessage,
    OutboxStatus,
    Response,
    RoutingRule,
    Touchpoint,
    TouchpointEvent,
    User,
)
from app.services.accounts.users import create_user
from app.services.cases.departments import set_head
from app.services.cases.notifications import CURSOR, RESPONSES_CURSOR
from app.services.database.upsert import dialect_insert
from app.services.distribution.events import EventIn, ingest_event
from app.services.feedback.survey_versions import sync_surveys
from app.services.governance.bank_profile import save_bank_profile

ACTOR = "demo"
MANAGERS = [
    ("admin@demo.bank", "admin", "Demo admin"),
    ("cx.manager@demo.bank", "cx_manager", "Chen Jing"),
]


@dataclass
class DemoReport:
    departments: int = 0
    touchpoints: int = 0
    surveys: int = 0
    customers: int = 0
    events: int = 0
    responses: int = 0
    cases: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def seed_demo(
    session: Session,
    *,
    now: datetime,
    customers: int = 4000,
    history_days: int = 150,
    settings: DemoSettings | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoReport:
    """Load the demo bank; returns what was added, with any new logins' passwords."""
    report = DemoReport(surveys=sync_surveys(session))
    _profile(session)
    departments = _departments(session, report)
    _touchpoints(session, departments, report)
    _routing_rules(session, departments)
    _staff(session, departments, report)
    if session.scalar(sa.select(TouchpointEvent.id).where(TouchpointEvent.event_id.like("demo-%"))):
        return report
    outbox_before = session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    people = bank_customers(customers)
    history = History(
        session,
        now=now,
        days=history_days,
        customers=people,
        departments={code: department.id for code, department in departments.items()},
        settings=settings or DemoSettings(),
    )
    tally = history.play(progress)
    _delivered_long_ago(session, outbox_before)
    _arrivals(session, now)
    report.customers = len(people)
    report.events, report.responses, report.cases = tally.events, tally.responses, tally.cases
    return report


def _profile(session: Session) -> None:
    """The bank's name, colour and zone, unless it has a name of its own already."""
    bank = session.get(Bank, 1)
    if bank is None or not bank.name:
        save_bank_profile(session, dict(PROFILE), actor=ACTOR)


def _departments(session: Session, report: DemoReport) -> dict[str, Department]:
    found = {d.code: d for d in session.scalars(sa.select(Department))}
    for code, name, name_zh in DEPARTMENTS:
        if code not in found:
            found[code] = Department(code=code, name=name, name_zh=name_zh)
            session.add(found[code])
            report.departments += 1
    session.flush()
    return found


def _touchpoints(session: Session, departments: dict[str, Department], report: DemoReport) -> None:
    existing = set(session.scalars(sa.select(Touchpoint.code)))
    for demo in TOUCHPOINTS:
        if demo.code in existing:
            continue
        session.add(
            Touchpoint(
                code=demo.code,
                name=demo.name,
                name_zh=demo.name_zh,
                journey_stage=demo.journey_stage,
                journey_order=demo.journey_order,
                department_id=departments[demo.department].id,
                survey_code=demo.survey,
                delay_minutes=demo.delay_minutes,
                send_at_local_time=demo.send_at_local_time,
                sampling_rate=demo.sampling_rate,
                reminder_hours=[72],
                priority=demo.priority,
                overrides_fatigue=demo.overrides_fatigue,
            )
        )
        report.touchpoints += 1
    session.flush()


def _routing_rules(session: Session, departments: dict[str, Department]) -> None:
    """The demo bank's rules: fraud to complaints first, then VIPs, then every low score."""
    if session.scalar(sa.select(RoutingRule.id).limit(1)) is not None:
        return
    low = [
        {"metric": "nps", "op": "<=", "value": 6},
        {"metric": "csat", "op": "<=", "value": 2},
        {"metric": "ces", "op": "<=", "value": 3},
    ]
    session.add_all(
        [
            RoutingRule(
                name="fraud_or_unauthorised",
                position=10,
                keywords=["fraud", "scam", "unauthorized", "identity theft", "诈骗", "盗刷"],
                department_id=departments["complaints"].id,
                priority="P1",
                first_contact_hours=2,
                resolve_hours=16,
                round_robin=True,
            ),
            RoutingRule(
                name="vip_detractor_negative",
                position=20,
                scores=low,
                segments=["vip"],
                polarity_below=0,
                priority="P1",
                first_contact_hours=2,
                resolve_hours=16,
                round_robin=True,
            ),
            RoutingRule(name="low_score", position=90, scores=low, priority="P2", round_robin=True),
        ]
    )
    session.flush()


def _staff(session: Session, departments: dict[str, Department], report: DemoReport) -> None:
    """The managers and each department's staff; the first of a department heads it and, like
    the managers, gets a printed login. Colleagues' passwords are never shown: they are there
    to be assigned cases."""
    existing = set(session.scalars(sa.select(User.email)))
    for email, role, name in MANAGERS:
        if email not in existing:
            _new_login(session, report, email=email, role=role, name=name)
    for code, colleagues in STAFF.items():
        for index, colleague in enumerate(colleagues):
            if colleague.email in existing:
                continue
            if index == 0:
                head = _new_login(
                    session,
                    report,
                    email=colleague.email,
                    role="staff",
                    name=colleague.name,
                    department_code=code,
                )
                set_head(session, departments[code], head.id, actor=ACTOR)
            else:
                user = create_user(
                    session,
                    email=colleague.email,
                    role="staff",
                    name=colleague.name,
                    password=secrets.token_urlsafe(18),
                    department_code=code,
                )
                user.locale = colleague.locale


def _new_login(session: Session, report: DemoReport, **details: str) -> User:
    password = secrets.token_urlsafe(9)
    user = create_user(session, password=password, **details)
    report.logins.append((user.email, user.role, password))
    return user


def _delivered_long_ago(session: Session, outbox_before: int) -> None:
    """The history's e-mails (its SLA alerts) went out when they were written, and its case
    and response notifications too: nothing of the past waits to be sent."""
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id > outbox_before)
        .values(
            status=OutboxStatus.SENT,
            sent_at=OutboxMessage.next_attempt_at,
            created_at=OutboxMessage.next_attempt_at,
        )
        .execution_options(synchronize_session=False)
    )
    for name, model in ((CURSOR, CaseEvent), (RESPONSES_CURSOR, Response)):
        position = session.scalar(sa.select(sa.func.max(model.id))) or 0
        upsert = dialect_insert(session, OutboxCursor).values(name=name, position=position)
        session.execute(
            upsert.on_conflict_do_update(index_elements=["name"], set_={"position": position})
        )


def _arrivals(session: Session, now: datetime) -> None:
    """Today's first events: each newcomer's invitation is due when the worker next runs."""
    for number, (customer, code) in enumerate(newcomers(), start=1):
        delay = timedelta(minutes=BY_CODE[code].delay_minutes + 3)
        event = EventIn(f"demo-today-{number}", code, customer, now - delay, {})
        ingest_event(session, event, now=now)
