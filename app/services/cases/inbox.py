"""What staff see: their department's cases, filtered, counted and paged in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class InboxFilter:
    status: str = "open"  # "open", "all" or one status
    priority: str | None = None
    touchpoint: str | None = None
    overdue: bool = False
    page: int = 1


@dataclass(frozen=True)
class InboxPage:
    cases: list[Case]
    total: int
    counts: dict[str, int]  # per status, for the user's whole inbox
    page: int
    pages: int


def inbox(session: Session, user: User | None, wanted: InboxFilter, *, now: datetime) -> InboxPage:
    """One page of the user's cases, the soonest due first (cases with no deadline last)."""
    query = visible_cases(user)
    if wanted.status == "open":
        query = query.where(Case.status.in_(OPEN_STATUSES))
    elif wanted.status != "all":
        query = query.where(Case.status == wanted.status)
    if wanted.priority:
        query = query.where(Case.priority == wanted.priority)
    if wanted.touchpoint:
        query = (
            query.join(Response, Response.id == Case.response_id)
            .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
            .where(Touchpoint.code == wanted.touchpoint)
        )
    if wanted.overdue:
        query = query.where(
            Case.status.in_(OPEN_STATUSES), Case.waiting_since.is_(None), Case.due_resolve_at < now
        )
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(wanted.page, 1), pages)
    rows = session.scalars(
        query.order_by(Case.due_resolve_at.is_(None), Case.due_resolve_at, Case.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    scope = visible_cases(user).subquery()
    counts = dict(
        session.execute(sa.select(scope.c.status, sa.func.count()).group_by(scope.c.status)).all()
    )
    return InboxPage(list(rows), total, counts, page, pages)


@dataclass(frozen=True)
class CustomerHistory:
    responses: list[Response]
    cases: list[Case]
    elsewhere: int = 0  # responses to other departments, counted but not shown to staff


def customer_history(session: Session, case: Case, user: User, limit: int = 10) -> CustomerHistory:
    """The 360° view: the customer's other responses and cases, as far as this user may see.

    Staff see what the customer told their own department, and only how many times they spoke
    to others (so they know to coordinate): what a customer says to one department is not every
    department's to read. CX managers and admins see everything.
    """
    customer_id = case.response.customer_id
    if customer_id is None:
        return CustomerHistory([], [])
    others = sa.select(Response).where(
        Response.customer_id == customer_id, Response.id != case.response_id
    )
    elsewhere = 0
    if not user.sees_all_departments:
        theirs = Response.department_id.is_distinct_from(user.department_id)
        elsewhere = (
            session.scalar(sa.select(sa.func.count()).select_from(others.where(theirs).subquery()))
            or 0
        )
        others = others.where(Response.department_id == user.department_id)
    responses = session.scalars(others.order_by(Response.submitted_at.desc()).limit(limit)).all()
    cases = session.scalars(
        visible_cases(user)
        .join(Response, Response.id == Case.response_id)
        .where(Response.customer_id == customer_id, Case.id != case.id)
        .order_by(Case.opened_at.desc())
        .limit(limit)
    ).all()
    return CustomerHistory(list(responses), list(cases), elsewhere)
