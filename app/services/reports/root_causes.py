"""Why cases happened: the root causes of the view's resolved cases per department and per
touchpoint, and whether a case that came back was put down to another cause the second time.

The cases are the dashboard's cohort (opened in the period, its filters applied) that are
resolved or closed now, each counted once under the root cause it was last resolved with
(`Case.root_cause`), in its current department and its response's touchpoint.

A case's earlier root cause is overwritten when it is resolved again; it survives only if the
resolution's timeline entry carries it (`data["root_cause"]` of a CaseEvent moving the case to
"resolved"). A reopened case is compared only when every one of its resolutions says its cause;
the others are counted as not comparable rather than guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import ROOT_CAUSES, Case, CaseEvent, CaseStatus, Department, Response, Touchpoint
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import CLOSED, rate


@dataclass(frozen=True)
class CauseRow:
    owner: Department | Touchpoint
    cases: int
    causes: dict[str, int]  # root cause code -> cases


@dataclass(frozen=True)
class Reopened:
    cases: int  # reopened cases of the cohort that have been resolved again
    comparable: int  # of those, the ones whose every resolution recorded its cause
    changed: int  # of the comparable, those resolved with another cause than before

    @property
    def changed_rate(self) -> float | None:
        return rate(self.changed, self.comparable)


@dataclass(frozen=True)
class RootCauses:
    cases: int
    causes: list[str]  # the codes that occur, in the order of ROOT_CAUSES
    totals: dict[str, int]
    by_department: list[CauseRow]
    by_touchpoint: list[CauseRow]
    reopened: Reopened


def root_causes(session: Session, wanted: ReportFilter) -> RootCauses:
    """The cohort's resolved cases counted by root cause, per department and touchpoint."""
    resolved = [Case.status.in_(CLOSED), Case.root_cause.is_not(None)]
    rows = session.execute(
        sa.select(Case.department_id, Response.touchpoint_id, Case.root_cause, sa.func.count())
        .select_from(Case)
        .join(Response, Response.id == Case.response_id)
        .where(*wanted.cases(), *resolved)
        .group_by(Case.department_id, Response.touchpoint_id, Case.root_cause)
    ).all()
    totals: dict[str, int] = defaultdict(int)
    departments: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    touchpoints: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for department_id, touchpoint_id, cause, n in rows:
        totals[cause] += n
        departments[department_id][cause] += n
        touchpoints[touchpoint_id][cause] += n
    return RootCauses(
        cases=sum(totals.values()),
        causes=[c for c in ROOT_CAUSES if c in totals] + sorted(set(totals) - set(ROOT_CAUSES)),
        totals=dict(totals),
        by_department=_rows(session, Department, (Department.name,), departments),
        by_touchpoint=_rows(
            session, Touchpoint, (Touchpoint.journey_order, Touchpoint.name), touchpoints
        ),
        reopened=reopened_causes(session, wanted),
    )


def _rows(
    session: Session, model: Any, order: tuple[Any, ...], counts: dict[int, dict[str, int]]
) -> list[CauseRow]:
    """One row per department or touchpoint with cases, in the order people read them."""
    owners = session.scalars(sa.select(model).where(model.id.in_(list(counts))).order_by(*order))
    return [CauseRow(o, sum(counts[o.id].values()), dict(counts[o.id])) for o in owners]


def reopened_causes(session: Session, wanted: ReportFilter) -> Reopened:
    """How often a reopened case, resolved again, was put down to another root cause."""
    case_ids = session.scalars(
        sa.select(Case.id)
        .join(Response, Response.id == Case.response_id)
        .where(*wanted.cases(), Case.reopen_count > 0, Case.status.in_(CLOSED))
    ).all()
    recorded: dict[int, list[str | None]] = defaultdict(list)
    for case_id, data in session.execute(
        sa.select(CaseEvent.case_id, CaseEvent.data)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.to_status == CaseStatus.RESOLVED)
        .order_by(CaseEvent.case_id, CaseEvent.at, CaseEvent.id)
    ):
        recorded[case_id].append((data or {}).get("root_cause"))
    comparable = [causes for causes in recorded.values() if len(causes) > 1 and None not in causes]
    return Reopened(
        cases=len(case_ids),
        comparable=len(comparable),
        changed=sum(len(set(causes)) > 1 for causes in comparable),
    )
