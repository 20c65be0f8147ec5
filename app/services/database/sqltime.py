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


def percentiles(
    values: sa.Subquery, column: str, percents: tuple[int, ...], *, by: str | None = None
) -> sa.Select[Any]:
    """Percentiles of one column of a subquery, interpolated like PostgreSQL's percentile_cont.

    Window functions and integer arithmetic both engines share: the p-th percentile of n sorted
    values sits at 0-based position (n - 1) * p / 100, between ranks lo + 1 and lo + 2. With
    `by`, one row per group (the group first), else one row.
    """
    partition = [values.c[by]] if by else None
    ranked = sa.select(
        *([values.c[by].label("g")] if by else []),
        values.c[column].label("v"),
        sa.func.row_number().over(partition_by=partition, order_by=values.c[column]).label("rn"),
        sa.func.count().over(partition_by=partition).label("n"),
    ).subquery()
    columns, needed = [], []
    for percent in percents:
        position = (ranked.c.n - 1) * percent
        low = position // 100
        weight = (position % 100) / 100.0
        columns.append(
            sa.func.sum(
                sa.case(
                    (ranked.c.rn == low + 1, ranked.c.v * (1 - weight)),
                    (ranked.c.rn == low + 2, ranked.c.v * weight),
                    else_=0.0,
                )
            ).label(f"p{percent}")
        )
        needed.append(ranked.c.rn.between(low + 1, low + 2))
    query = sa.select(*([ranked.c.g] if by else []), *columns).where(sa.or_(*needed))
    return query.group_by(ranked.c.g) if by else query


def median(values: sa.Subquery, column: str) -> sa.Select[tuple[float | None]]:
    """The median of one column of a subquery (the 50th percentile)."""
    return percentiles(values, column, (50,))


class week_monday(FunctionElement[Any]):  # noqa: N801 - reads as an SQL function
    """The Monday (UTC) of a stored timestamp's week in the form cheapest to group by: a
    timestamp on PostgreSQL (formatting every row as text cost ~20 % of a month's scores pass),
    YYYY-MM-DD text on SQLite. `week_label` makes it text on both.

    Migration 0013 keeps PostgreSQL statistics on this exact rendering for the response and
    invitation times (so the planner hashes the few weeks): change both together.
    """

    inherit_cache = True
    name = "week_monday"


@compiles(week_monday, "postgresql")
def _monday_pg(element: week_monday, compiler: Any, **kw: Any) -> str:
    return f"date_trunc('week', {compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC')"


@compiles(week_monday, "sqlite")
def _monday_sqlite(element: week_monday, compiler: Any, **kw: Any) -> str:
    # 'weekday 0' moves to the coming Sunday (or stays on one); six days back is its Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


class week_label(FunctionElement[str]):  # noqa: N801 - reads as an SQL function
    """A `week_monday` as YYYY-MM-DD text."""

    type = sa.String()
    inherit_cache = True
    name = "week_label"


@compiles(week_label, "postgresql")
def _label_pg(element: week_label, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM-DD')"


@compiles(week_label, "sqlite")
def _label_sqlite(element: week_label, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


def week_start(column: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    """The Monday (UTC) of a stored timestamp's week, as YYYY-MM-DD text on both engines."""
    return week_label(week_monday(column))
