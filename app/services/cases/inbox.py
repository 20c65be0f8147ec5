"""What staff see: their department's cases, filtered, counted and paged in SQL, and the saved
views ("mine", "overdue", "P1", "all open") they open fifty times a day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.models import OPEN_STATUSES, Case, Response, Touchpoint, User

PAGE_SIZE = 25


def visible_cases(user: User | None) -> sa.Select[tuple[Case]]:
    """The cases a user may see: their department's, or all for admins, CX managers and
    bank systems with a cases scope (no user)."""
    query = sa.select(Case)
    if user is not None and not user.sees_all_departments:
        query = query.where(Case.department_id == user.department_id)
    return query


def case_for(session: Session, user: User | None, case_id: int) -> Case | None:
    """One case if the user may see it; None otherwise, so a guessed id reveals nothing."""
    return session.scalar(visible_cases(user).where(Case.id == case_id))


def sees_contact_details(user: User, case: Case) -> bool:
    """Only the case owner (its assignee) sees the customer's name and address in clear."""
    return case.assignee_id is not None and case.assignee_id == user.id


def shows_customer(user: User, case: Case) -> bool:
    """The customer's name in clear: for the case owner, and only when the customer agreed to
    be contacted; everyone else reads a masked name (the inbox and the case page alike)."""
    return bool(case.response.consent_to_contact) and sees_contact_details(user, case)


@dataclass(frozen=True)
class InboxFilter:
    status: str = "open"  # "open", "all" or one status
    priority: str | None = None
    touchpoint: str | None = None  # a touchpoint's code (the API's filter)
    overdue: bool = False
    page: int = 1
    touchpoint_id: int | None = None  # the inbox page's filter, chosen by name
    assignee_id: int | None = None


SAVED_VIEWS = ("mine", "overdue", "p1", "open")


def saved_view(name: str, user: User) -> InboxFilter:
    """The filter behind a saved view; an unknown name is every open case."""
    if name == "mine":
        return InboxFilter(assignee_id=user.id)
    if name == "overdue":
        return InboxFilter(overdue=True)
    if name == "p1":
        return InboxFilter(priority="P1")
    return InboxFilter()


def view_of(wanted: InboxFilter, user: User) -> str | None:
    """The saved view a filter is, whatever page it shows; None for a filter of one's own."""
    first_page = replace(wanted, page=1)
    return next((name for name in SAVED_VIEWS if saved_view(name, user) == first_page), None)


@dataclass(frozen=True)
class InboxPage:
    cases: list[Case]
    total: int
    counts: dict[str, int]  # per status, for the user's whole inbox
    page: int
    pages: int
    views: dict[str, int]  # cases in each saved view


def _overdue(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(
        Case.status.in_(OPEN_STATUSES), Case.waiting_since.is_(None), Case.due_resolve_at < now
    )


def _filtered(user: User | None, wanted: InboxFilter, now: datetime) -> sa.Select[tuple[Case]]:
    query = visible_cases(user).join(Response, Response.id == Case.response_id)
    if wanted.status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif wanted.status != "all":
        query = query.where(Case.status == wanted.status)
    if wanted.priority:
        query = query.where(Case.priority == wanted.priority)
    if wanted.touchpoint:
        query = query.join(Touchpoint, Touchpoint.id == Response.touchpoint_id).where(
            Touchpoint.code == wanted.touchpoint
        )
    if wanted.touchpoint_id is not None:
        query = query.where(Response.touchpoint_id == wanted.touchpoint_id)
    if wanted.assignee_id is not None:
        query = query.where(Case.assignee_id == wanted.assignee_id)
    if wanted.overdue:
        query = query.where(_overdue(now))
    return query


def inbox(session: Session, user: User | None, wanted: InboxFilter, *, now: datetime) -> InboxPage:
    """One page of the user's cases, the soonest due first (cases with no deadline last), with
    what each row shows (response, touchpoint, customer, assignee) loaded in the same query."""
    query = _filtered(user, wanted, now)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(wanted.page, 1), pages)
    rows = session.scalars(
        query.options(
            contains_eager(Case.response).joinedload(Response.touchpoint),
            contains_eager(Case.response).joinedload(Response.customer),
            joinedload(Case.assignee),
        )
        .order_by(Case.due_resolve_at.is_(None), Case.due_resolve_at, Case.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    counts, views = _tallies(session, user, now)
    return InboxPage(list(rows), total, counts, page, pages, views)


def _tallies(
    session: Session, user: User | None, now: datetime
) -> tuple[dict[str, int], dict[str, int]]:
    """Cases per status and per saved view, in one pass over the user's cases."""
    scope = visible_cases(user).subquery()
    mine = scope.c.assignee_id == user.id if user is not None else sa.false()
    rows = session.execute(
        sa.select(
            scope.c.status,
            sa.func.count(),
            sa.func.count().filter(mine),
            sa.func.count().filter(scope.c.waiting_since.is_(None), scope.c.due_resolve_at < now),
            sa.func.count().filter(scope.c.priority == "P1"),
        ).group_by(scope.c.status)
    ).all()
    counts = {status: total for status, total, *_ in rows}
    views = dict.fromkeys(SAVED_VIEWS, 0)
    for status, total, mine, overdue, urgent in rows:
        if status in OPEN_STATUSES:
            views["open"] += total
            views["mine"] += mine
            views["overdue"] += overdue
            views["p1"] += urgent
    return counts, views
