"""Portable SQL for time arithmetic, so durations are computed in the database on both engines."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement


class epoch_seconds(FunctionElement[float]):  # noqa: N801 - reads as an SQL function
    """Seconds since 1970 of a stored UTC timestamp."""

    type = sa.Float()
    inherit_cache = True
    name = "epoch_seconds"


@compiles(epoch_seconds, "postgresql")
def _epoch_pg(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return (
        f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"
    )


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


def seconds_between(
    start: sa.ColumnElement[Any], end: sa.ColumnElement[Any]
) -> sa.ColumnElement[float]:
    return epoch_seconds(end) - epoch_seconds(start)


def median(values: sa.Subquery, column: str) -> sa.Select[tuple[float | None]]:
    """The median of one column of a subquery, with window functions both engines have."""
    ranked = sa.select(
        values.c[column].label("v"),
        sa.func.row_number().over(order_by=values.c[column]).label("rn"),
        sa.func.count().over().label("n"),
    ).subquery()
    middle = sa.or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    return sa.select(sa.func.avg(ranked.c.v)).where(middle)
