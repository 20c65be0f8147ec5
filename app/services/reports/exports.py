"""Responses and cases of a filtered view as CSV or Excel, for people who take numbers elsewhere.

Rows stream from the database in batches (a server-side cursor on PostgreSQL), so an export of
a million rows never sits in memory: CSV goes out as it is written; Excel is written by
openpyxl's write-only mode to a temporary file, then sent. A comment is the customer's text, so
any text cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) gets a leading apostrophe (OWASP's advice on CSV injection). Customer
identities are not exported.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from enum import StrEnum
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Case, Department, Response, Touchpoint
from app.services.reports.filters import ReportFilter

BATCH = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Export(StrEnum):
    RESPONSES = "responses"
    CASES = "cases"


def safe_cell(value: Any) -> Any:
    """The value, with text a spreadsheet would evaluate turned into plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _response_query(wanted: ReportFilter) -> sa.Select[Any]:
    return (
        sa.select(
            Response.id.label("response_id"),
            Response.submitted_at.label("submitted_at_utc"),
            Touchpoint.code.label("touchpoint"),
            Response.journey_stage,
            Department.code.label("department"),
            Response.segment,
            Response.branch,
            Response.channel,
            Response.language,
            Response.nps,
            Response.nps_category,
            Response.csat,
            Response.ces,
            Response.ces_scale,
            Response.polarity,
            Response.comment,
        )
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .join(Department, Department.id == Response.department_id)
        .where(*wanted.responses())
        .order_by(Response.submitted_at, Response.id)
    )


def _case_query(wanted: ReportFilter) -> sa.Select[Any]:
    return (
        sa.select(
            Case.id.label("case_id"),
            Case.status,
            Case.priority,
            Department.code.label("department"),
            Touchpoint.code.label("touchpoint"),
            Response.journey_stage,
            Response.segment,
            Response.branch,
            Response.channel,
            Response.nps,
            Case.opened_at.label("opened_at_utc"),
            Case.due_first_contact_at.label("due_first_contact_at_utc"),
            Case.first_contact_at.label("first_contact_at_utc"),
            Case.due_resolve_at.label("due_resolve_at_utc"),
            Case.first_resolved_at.label("first_resolved_at_utc"),
            Case.resolved_at.label("resolved_at_utc"),
            Case.closed_at.label("closed_at_utc"),
            Case.paused_seconds,
            Case.reopen_count,
            Case.closure_kind,
            Case.root_cause,
            Case.reason,
            Response.comment,
        )
        .join(Response, Response.id == Case.response_id)
        .join(Touchpoint, Touchpoint.id == Response.touchpoint_id)
        .join(Department, Department.id == Case.department_id)
        .where(*wanted.cases())
        .order_by(Case.opened_at, Case.id)
    )


def export_rows(
    session: Session, kind: Export, wanted: ReportFilter
) -> tuple[list[str], Iterator[Sequence[Any]]]:
    """The header and the rows, neutralised and with naive UTC times, fetched in batches."""
    query = _response_query(wanted) if kind == Export.RESPONSES else _case_query(wanted)
    result = session.execute(query.execution_options(yield_per=BATCH))
    header = list(result.keys())

    def rows() -> Iterator[Sequence[Any]]:
        for row in result:
            yield [safe_cell(_plain(value)) for value in row]

    return header, rows()


def _plain(value: Any) -> Any:
    """Excel cannot hold a zone, so times go out as naive UTC (the headers say so)."""
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def csv_chunks(header: list[str], rows: Iterator[Sequence[Any]]) -> Iterator[str]:
    """CSV text in chunks of BATCH rows, a byte-order mark first so Excel reads UTF-8 Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow(row)
        if number % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(header: list[str], rows: Iterator[Sequence[Any]], title: str) -> IO[bytes]:
    """A workbook of one sheet in a temporary file (deleted on close), positioned at its start.

    openpyxl is imported here: it costs every process ~150 ms at start-up, for Excel exports only.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    target = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the caller closes it
    book.save(target)
    target.seek(0)
    return target
