"""Ingesting touchpoint events from bank systems: idempotent on the bank's event id.

A batch is stored in one pass (one query each for touchpoints and customers, then multi-row
inserts for new or changed customers, events and invitations), which is what makes thousands
of events a second possible. Statements are built once and bound per call: building them
cost more than running them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from app.models import Customer, Invitation, Touchpoint, TouchpointEvent
from app.models.customer import DEFAULT_TIMEZONE
from app.services.database.bulk import Bulk, bulk_for
from app.services.database.remembered import Remembered
from app.services.database.statements import connection_of
from app.services.database.upsert import dialect_of
from workflows.invitation_plan import plan_invitation

_touchpoint = Touchpoint.__table__.c
event_table = TouchpointEvent.__table__
invitation_table = Invitation.__table__
customer_table = Customer.__table__
ACTIVE_TOUCHPOINTS = sa.select(Touchpoint.__table__).where(
    _touchpoint.code.in_(sa.bindparam("codes", expanding=True)), _touchpoint.active
)
TOUCHPOINTS: Remembered[str, sa.Row[Any]] = Remembered()  # active ones, by code
CUSTOMER_DETAILS = (
    "email",
    "name",
    "locale",
    "segment",
    "mobile",
    "wechat_openid",
    "preferred_channel",
)
EVENT_COLUMNS = (
    "event_id",
    "touchpoint_id",
    "customer_id",
    "api_key_id",
    "occurred_at",
    "received_at",
    "attributes",
)
# What _invitation plans for an event, before the event has a row id: every column with a
# default too, since a default is not filled in for an INSERT inside a WITH.
PLANNED_COLUMNS = (
    "customer_id",
    "touchpoint_id",
    "send_after",
    "expires_at",
    "status",
    "reason",
    "reminders_sent",
    "created_at",
)
INVITATION_COLUMNS = ("event_id", *PLANNED_COLUMNS)


class Statements(NamedTuple):
    """One dialect's statements, built once (building them cost more than running them)."""

    bulk: Bulk
    customers: Any
    known: Any
    insert_events: Any  # an id already stored is skipped
    insert_invitations: Any
    # PostgreSQL: both inserts in one statement, one round trip (None elsewhere).
    insert_events_and_invitations: Any
    upsert_customers: Any  # the timezone sent replaces the one on file
    upsert_customers_keep_timezone: Any


@functools.cache
def statements_for(dialect: str) -> Statements:
    bulk = bulk_for(dialect)
    events = bulk.insert(event_table, EVENT_COLUMNS)
    customers = bulk.insert(customer_table, (*CUSTOMER_DETAILS, "external_id", "timezone"))

    def upsert(columns: tuple[str, ...]) -> Any:
        return customers.on_conflict_do_update(
            index_elements=[customer_table.c.external_id],
            set_={name: customers.excluded[name] for name in columns},
        ).returning(
            customer_table.c.external_id,
            customer_table.c.id,
            customer_table.c.segment,
            customer_table.c.timezone,
        )

    insert_events = events.on_conflict_do_nothing(
        index_elements=[event_table.c.event_id]
    ).returning(event_table.c.event_id, event_table.c.id)
    return Statements(
        bulk=bulk,
        customers=sa.select(customer_table).where(bulk.one_of(customer_table.c.external_id, "ids")),
        known=(
            sa.select(
                event_table.c.event_id,
                invitation_table.c.id,
                invitation_table.c.status,
                invitation_table.c.reason,
            )
            .select_from(
                event_table.outerjoin(
                    invitation_table, invitation_table.c.event_id == event_table.c.id
                )
            )
            .where(bulk.one_of(event_table.c.event_id, "ids"))
        ),
        insert_events=insert_events,
        insert_invitations=bulk.insert(invitation_table, INVITATION_COLUMNS).returning(
            invitation_table.c.event_id, invitation_table.c.id
        ),
        insert_events_and_invitations=(
            _events_with_invitations(insert_events) if bulk.arrays else None
        ),
        upsert_customers=upsert((*CUSTOMER_DETAILS, "timezone")),
        upsert_customers_keep_timezone=upsert(CUSTOMER_DETAILS),
    )


def _events_with_invitations(insert_events: Any) -> Any:
    """Each event inserted, and the invitation planned for it, in one PostgreSQL statement.

    The planned invitations travel as arrays keyed by the bank's event id (`planned_*`); only
    those whose event was new are inserted, and the answer pairs event ids with invitation ids.
    """
    new_events = insert_events.cte("new_events")
    planned = (
        sa.func.unnest(
            sa.bindparam("planned_key", type_=postgresql.ARRAY(event_table.c.event_id.type)),
            *(
                sa.bindparam(
                    f"planned_{name}", type_=postgresql.ARRAY(invitation_table.c[name].type)
                )
                for name in PLANNED_COLUMNS
            ),
        )
        .table_valued("key", *PLANNED_COLUMNS)
        .render_derived("planned")
    )
    new_invitations = (
        postgresql.insert(invitation_table)
        .from_select(
            ("event_id", *PLANNED_COLUMNS),
            sa.select(new_events.c.id, *(planned.c[name] for name in PLANNED_COLUMNS)).join_from(
                new_events, planned, planned.c.key == new_events.c.event_id
            ),
        )
        .returning(invitation_table.c.event_id, invitation_table.c.id)
        .cte("new_invitations")
    )
    return sa.select(new_events.c.event_id, new_invitations.c.id).join_from(
        new_invitations, new_events, new_invitations.c.event_id == new_events.c.id
    )


@dataclass(frozen=True)
class CustomerIn:
    external_id: str
    email: str | None
    name: str = ""
    locale: str = "en"
    segment: str = "mass"
    timezone: str | None = None
    mobile: str | None = None
    wechat_openid: str | None = None
    preferred_channel: str | None = None


@dataclass(frozen=True)
class EventIn:
    event_id: str
    touchpoint: str
    customer: CustomerIn
    occurred_at: datetime
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IngestResult:
    event_id: str
    status: str  # accepted, duplicate or rejected
    invitation_id: int | None = None
    invitation_status: str | None = None
    reason: str = ""


def ingest_event(
    session: Session, event: EventIn, *, now: datetime, api_key_id: int | None = None
) -> IngestResult:
    """Store one event and schedule its invitation; a repeated event id changes nothing."""
    return ingest_events(session, [event], now=now, api_key_id=api_key_id)[0]


def ingest_events(
    session: Session, events: Sequence[EventIn], *, now: datetime, api_key_id: int | None = None
) -> list[IngestResult]:
    """Store a batch; each event gets its own result, in order.

    A new event from a known customer is four statements, two of them writes; on PostgreSQL
    the two writes are one statement (`_events_with_invitations`). An event id
    already stored (a retry, or a concurrent request a moment ago) is skipped by ON CONFLICT
    DO NOTHING and answered, after one lookup for all such ids, as the duplicate it is.
    """
    statements = statements_for(dialect_of(session))
    connection = connection_of(session)
    touchpoints = _active_touchpoints(connection, {e.touchpoint for e in events}, now)
    fresh: dict[str, EventIn] = {}
    for event in events:
        if event.touchpoint in touchpoints:
            fresh.setdefault(event.event_id, event)
    customers = _customers(connection, statements, [e.customer for e in fresh.values()])
    stored = _insert_events(
        connection, statements, list(fresh.values()), touchpoints, customers, now, api_key_id
    )
    known = _known(connection, statements, {e.event_id for e in events if e.event_id not in stored})
    results = []
    for event in events:
        if event.event_id in stored:
            results.append(stored[event.event_id])
        elif event.event_id in known:
            results.append(known[event.event_id])
        else:
            results.append(IngestResult(event.event_id, "rejected", reason="unknown touchpoint"))
    first = set()
    for index, result in enumerate(results):
        if result.status == "accepted" and result.event_id in first:
            results[index] = replace(result, status="duplicate")  # repeated inside this batch
        first.add(result.event_id)
    return results


def _active_touchpoints(
    connection: sa.Connection, codes: set[str], now: datetime
) -> dict[str, sa.Row[Any]]:
    """The active touchpoints among `codes`, read only where not remembered."""
    found = {code: row for code in codes if (row := TOUCHPOINTS.get(code, now)) is not None}
    missing = codes - found.keys()
    if missing:
        for row in connection.execute(ACTIVE_TOUCHPOINTS, {"codes": list(missing)}):
            TOUCHPOINTS.put(row.code, row, now)
            found[row.code] = row
    return found


def _known(
    connection: sa.Connection, statements: Statements, ids: set[str]
) -> dict[str, IngestResult]:
    if not ids:
        return {}
    rows = connection.execute(statements.known, {"ids": list(ids)})
    return {row[0]: IngestResult(row[0], "duplicate", row[1], row[2], row[3]) for row in rows}


def _insert_events(
    connection: sa.Connection,
    statements: Statements,
    events: list[EventIn],
    touchpoints: dict[str, sa.Row[Any]],
    customers: dict[str, StoredCustomer],
    now: datetime,
    api_key_id: int | None,
) -> dict[str, IngestResult]:
    """Insert the events, and an invitation for each one this request stored."""
    if not events:
        return {}
    rows = [
        {
            "event_id": e.event_id,
            "touchpoint_id": touchpoints[e.touchpoint].id,
            "customer_id": customers[e.customer.external_id].id,
            "api_key_id": api_key_id,
            "occurred_at": e.occurred_at,
            "received_at": now,
            "attributes": e.attributes,
        }
        for e in events
    ]
    planned = {
        e.event_id: _invitation(
            e, touchpoints[e.touchpoint], customers[e.customer.external_id], now
        )
        for e in events
    }
    if statements.insert_events_and_invitations is None:
        written = _write_in_two(connection, statements, rows, planned)
    else:
        written = _write_in_one(connection, statements, rows, planned)
    return {
        event_id: IngestResult(
            event_id,
            "accepted",
            invitation_id,
            planned[event_id]["status"],
            planned[event_id]["reason"],
        )
        for event_id, invitation_id in written
    }


def _write_in_one(
    connection: sa.Connection,
    statements: Statements,
    rows: list[dict[str, Any]],
    planned: dict[str, dict[str, Any]],
) -> list[tuple[str, int]]:
    """The events and their invitations (event id, invitation id) in one round trip."""
    invitations = statements.bulk.params([{"key": key} | row for key, row in planned.items()])
    arrays = statements.bulk.params(rows) | {f"planned_{n}": v for n, v in invitations.items()}
    return [
        tuple(row) for row in connection.execute(statements.insert_events_and_invitations, arrays)
    ]


def _write_in_two(
    connection: sa.Connection,
    statements: Statements,
    rows: list[dict[str, Any]],
    planned: dict[str, dict[str, Any]],
) -> list[tuple[str, int]]:
    """The events, then the invitations of those that were new (event id, invitation id)."""
    bulk = statements.bulk
    inserted = dict(connection.execute(statements.insert_events, bulk.params(rows)).all())
    if not inserted:
        return []
    event_ids = {row_id: event_id for event_id, row_id in inserted.items()}
    invitations = [planned[key] | {"event_id": row_id} for key, row_id in inserted.items()]
    return [
        (event_ids[event_row_id], invitation_id)
        for event_row_id, invitation_id in connection.execute(
            statements.insert_invitations, bulk.params(invitations)
        )
    ]


def _invitation(
    event: EventIn, touchpoint: sa.Row[Any], customer: StoredCustomer, now: datetime
) -> dict[str, Any]:
    """The invitation row planned for an event (`workflows.invitation_plan`)."""
    plan = plan_invitation(
        event.event_id,
        event.occurred_at,
        touchpoint,
        segment=customer.segment,
        timezone=customer.timezone,
        now=now,
    )
    return {
        "customer_id": customer.id,
        "touchpoint_id": touchpoint.id,
        "send_after": plan.send_after,
        "expires_at": plan.expires_at,
        "status": plan.status,
        "reason": plan.reason,
        "reminders_sent": 0,
        "created_at": now,
    }


class StoredCustomer(NamedTuple):
    id: int
    segment: str
    timezone: str


def _customers(
    connection: sa.Connection, statements: Statements, incoming: list[CustomerIn]
) -> dict[str, StoredCustomer]:
    """The bank's latest view of each customer wins; history stays on the responses.

    Customers are read first and only new or changed ones written, so the usual event, from
    a customer the bank has sent before, writes no customer row. Writes go in external-id
    order, so two batches naming the same customers lock them in the same order; a timezone
    not sent keeps the one on file.
    """
    wanted = {c.external_id: c for c in incoming}
    if not wanted:
        return {}
    on_file = {
        row.external_id: row
        for row in connection.execute(statements.customers, {"ids": list(wanted)})
    }
    found = {
        external_id: StoredCustomer(row.id, row.segment, row.timezone)
        for external_id, row in on_file.items()
    }
    changed = sorted(
        (c for c in wanted.values() if _differs(c, on_file.get(c.external_id))),
        key=lambda c: c.external_id,
    )
    for statement, group in (
        (statements.upsert_customers, [c for c in changed if c.timezone]),
        (statements.upsert_customers_keep_timezone, [c for c in changed if not c.timezone]),
    ):
        if group:
            rows = statements.bulk.params([_customer_row(c) for c in group])
            for external_id, *stored in connection.execute(statement, rows):
                found[external_id] = StoredCustomer(*stored)
    return found


def _differs(incoming: CustomerIn, on_file: sa.Row[Any] | None) -> bool:
    if on_file is None:
        return True
    if incoming.timezone and incoming.timezone != on_file.timezone:
        return True
    return any(getattr(incoming, name) != getattr(on_file, name) for name in CUSTOMER_DETAILS)


def _customer_row(customer: CustomerIn) -> dict[str, Any]:
    row = {name: getattr(customer, name) for name in CUSTOMER_DETAILS}
    return row | {
        "external_id": customer.external_id,
        "timezone": customer.timezone or DEFAULT_TIMEZONE,
    }


def event_status(session: Session, event_id: str) -> IngestResult | None:
    """What became of an event, for the API: its invitation's status and reason."""
    statements = statements_for(dialect_of(session))
    known = _known(connection_of(session), statements, {event_id}).get(event_id)
    return None if known is None else replace(known, status="accepted")
