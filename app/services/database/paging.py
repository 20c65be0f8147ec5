"""One page of a long list, counted and cut in SQL: the admin's lists, the activity log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

Row = TypeVar("Row")
PER_PAGE = 25


@dataclass(frozen=True)
class Page(Generic[Row]):
    items: list[Row]
    number: int  # 1-based, within 1..pages
    pages: int
    total: int


def page_of(
    session: Session, query: sa.Select[tuple[Row]], number: int, per_page: int = PER_PAGE
) -> Page[Row]:
    """The `number`th page of `query` (already ordered); a page past the end shows the last."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-(total or 0) // per_page))
    number = min(max(number, 1), pages)
    items: Any = session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(list(items), number, pages, total or 0)
