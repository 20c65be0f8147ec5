"""Cases over the API, with the same permissions as the inbox: staff see their department."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from pydantic import ValidationError

from app.api.auth import require_scope
from app.api.http import answer_rejected_bodies, error_reply, json_body, reply
from app.api.schemas import CaseBody, CaseList, TransitionPayload, field_errors
from app.extensions import db
from app.models import Case, utcnow
from app.services.cases.business_calendar import business_calendar
from app.services.cases.inbox import InboxFilter, case_for, inbox
from app.services.cases.lifecycle import CaseRefused, VersionConflict, resolve_case, transition_case
from app.services.governance import audit
from workflows.case_transitions import IllegalTransition

bp = Blueprint("cases_api", __name__, url_prefix="/api/v1")
answer_rejected_bodies(bp)


def _user() -> Any:
    """The signed-in staff member, or None for a bank system using a key (all departments)."""
    return None if g.api_key is not None else current_user._get_current_object()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def case_body(case: Case) -> CaseBody:
    response = case.response
    return CaseBody(
        id=case.id,
        status=case.status,
        priority=case.priority,
        department=case.department.code,
        touchpoint=response.touchpoint.code,
        rule=case.rule,
        reason=case.reason,
        opened_at=case.opened_at.isoformat(),
        due_first_contact_at=_iso(case.due_first_contact_at),
        due_resolve_at=_iso(case.due_resolve_at),
        first_contact_at=_iso(case.first_contact_at),
        resolved_at=_iso(case.resolved_at),
        closed_at=_iso(case.closed_at),
        closure_kind=case.closure_kind,
        root_cause=case.root_cause,
        waiting_since=_iso(case.waiting_since),
        paused_seconds=case.paused_seconds,
        reopen_count=case.reopen_count,
        version=case.version,
        nps=response.nps,
        csat=response.csat,
        ces=response.ces,
        comment=response.comment,
        polarity=response.polarity,
    )


@bp.get("/cases")
@require_scope("cases:read", staff_too=True)
def list_cases() -> Any:
    args = request.args
    wanted = InboxFilter(
        status=args.get("status", "open"),
        priority=args.get("priority") or None,
        touchpoint=args.get("touchpoint") or None,
        overdue=args.get("overdue") == "1",
        page=args.get("page", 1, type=int),
    )
    page = inbox(db.session, _user(), wanted, now=utcnow())
    cases = [case_body(case) for case in page.cases]
    shown = {"cases": [case.id for case in page.cases]}
    audit.record(db.session, audit.actor_of(_user()), "case.list", "cases", shown)
    db.session.commit()
    return reply(CaseList(cases=cases, total=page.total, page=page.page, pages=page.pages))


@bp.get("/cases/<int:case_id>")
@require_scope("cases:read", staff_too=True)
def get_case(case_id: int) -> Any:
    case = case_for(db.session, _user(), case_id)
    if case is None:
        return error_reply(404, "not_found", "No case with this id that you may see.")
    body = case_body(case)
    audit.record(db.session, audit.actor_of(_user()), "case.view", f"case:{case.id}")
    db.session.commit()
    return reply(body)


@bp.post("/cases/<int:case_id>/transitions")
@require_scope("cases:write", staff_too=True)
def post_transition(case_id: int) -> Any:
    case = case_for(db.session, _user(), case_id)
    if case is None:
        return error_reply(404, "not_found", "No case with this id that you may see.")
    try:
        wanted = TransitionPayload.model_validate(json_body())
    except ValidationError as error:
        return error_reply(422, "invalid", "The transition is invalid.", field_errors(error))
    calendar = business_calendar(db.session, default=current_app.config["BUSINESS_CALENDAR"])
    try:
        if wanted.to_status == "resolved":
            resolve_case(
                db.session, case, _user(), root_cause=wanted.root_cause or "",
                summary=wanted.note, now=utcnow(), version=wanted.version,
                followup_days=current_app.config["FOLLOWUP_DAYS"], calendar=calendar,
            )  # fmt: skip
        else:
            transition_case(
                db.session, case, wanted.to_status, _user(), wanted.note, now=utcnow(),
                version=wanted.version, calendar=calendar,
            )  # fmt: skip
    except VersionConflict as conflict:
        db.session.rollback()
        return error_reply(409, "conflict", str(conflict))
    except (IllegalTransition, CaseRefused) as refused:
        db.session.rollback()
        return error_reply(422, "refused", str(refused))
    db.session.commit()
    return reply(case_body(case))
