"""Multi-row reads and writes, written the way each database takes them fastest.

On PostgreSQL a thousand rows travel as one array per column (`INSERT … SELECT unnest(…)`,
`= ANY(…)`): the statement stays short, so psycopg parses and caches it once, where a
thousand-row VALUES list is parsed afresh on every call (psycopg caches no statement over
4 kB) and cost more than the database's own work. SQLite takes plain multi-row VALUES.
Callers pass rows as dicts either way; `params` puts them in the shape the statement wants.
"""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


class Bulk:
    """The multi-row statement forms of one dialect, for statements built once and reused."""

    def __init__(self, dialect: str) -> None:
        self.arrays = dialect == "postgresql"

    def one_of(self, column: sa.Column[Any], name: str) -> sa.ColumnElement[bool]:
        """`column` is one of the list bound as `name`."""
        if self.arrays:
            return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(column.type)))
        return column.in_(sa.bindparam(name, expanding=True))

    def insert(self, table: sa.Table, columns: tuple[str, ...]) -> Any:
        """An INSERT of many rows of `columns`, which offers on_conflict_do_*."""
        if not self.arrays:
            return sqlite.insert(table)
        arrays = [
            sa.func.unnest(sa.bindparam(name, type_=postgresql.ARRAY(table.c[name].type)))
            for name in columns
        ]
        return postgresql.insert(table).from_select(columns, sa.select(*arrays))

    def params(self, rows: list[dict[str, Any]]) -> Any:
        """The rows as the INSERT takes them: one list per column, or the rows themselves."""
        if not self.arrays:
            return rows
        return {name: [row[name] for row in rows] for name in rows[0]}


@functools.cache
def bulk_for(dialect: str) -> Bulk:
    return Bulk(dialect)
