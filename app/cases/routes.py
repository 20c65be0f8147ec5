"""The staff inbox and the case page; every action is a small CSRF-protected form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.cases.display import HELPERS, refusal
from app.cases.forms import (
    ContactForm,
    NoteForm,
    ReassignForm,
    ResolveForm,
    StatusForm,
    WaitingForm,
)
from app.extensions import db
from app.models import Case, Department, utcnow
from app.services.cases.business_calendar import business_calendar
from app.services.cases.inbox import (
    InboxFilter,
    case_for,
    customer_history,
    inbox,
    sees_contact_details,
)
from app.services.cases.lifecycle import (
    CaseRefused,
    VersionConflict,
    acknowledge_many,
    add_note,
    reassign_case,
    record_contact,
    resolve_case,
    resume_clock,
    transition_case,
    wait_on_customer,
)
from app.services.feedback.survey_versions import stored_definition
from app.services.governance import audit
from app.web.forms import Form
from app.web.words import CHANNEL, ROOT_CAUSE
from workflows.case_transitions import ALLOWED_TRANSITIONS, IllegalTransition
from workflows.sla import BusinessCalendar

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.context_processor
def _display_helpers() -> dict[str, Any]:
    return HELPERS


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in staff."""


def _case(case_id: int) -> Case:
    case = case_for(db.session, current_user, case_id)
    if case is None:
        abort(404)
    return case


def _reassign_form() -> ReassignForm:
    form = ReassignForm()
    departments = db.session.scalars(sa.select(Department).order_by(Department.name))
    form.department_id.choices = [SelectChoice(str(d.id), d.name) for d in departments]
    return form


@bp.get("")
def inbox_page() -> Any:
    args = request.args
    wanted = InboxFilter(
        status=args.get("status", "open"),
        priority=args.get("priority") or None,
        touchpoint=args.get("touchpoint") or None,
        overdue=args.get("overdue") == "1",
        page=args.get("page", 1, type=int),
    )
    page = inbox(db.session, current_user, wanted, now=utcnow())
    return render_template("cases/inbox.html", page=page, wanted=wanted, now=utcnow(), form=Form())


@bp.post("/acknowledge")
def acknowledge() -> Any:
    if not Form().validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("case_id") if i.isdigit()]
    done = acknowledge_many(db.session, current_user, ids, now=utcnow())
    db.session.commit()
    flash(_("%(count)d cases acknowledged.", count=done), "ok")
    return redirect(url_for("cases.inbox_page"))


@bp.get("/<int:case_id>")
def detail(case_id: int) -> Any:
    case = _case(case_id)
    page = render_template(
        "cases/detail.html",
        case=case,
        definition=stored_definition(
            db.session, case.response.survey_code, case.response.survey_version
        ),
        history=customer_history(db.session, case, current_user),
        contact_visible=sees_contact_details(current_user, case),
        next_statuses=sorted(ALLOWED_TRANSITIONS[case.status] - {"resolved"}),
        now=utcnow(),
        forms={
            "note": NoteForm(),
            "status": StatusForm(),
            "contact": ContactForm(),
            "resolve": ResolveForm(),
            "reassign": _reassign_form(),
            "waiting": WaitingForm(),
        },
        root_causes=ROOT_CAUSE,
        channels=CHANNEL,
    )
    audit.record(db.session, audit.actor_of(current_user), "case.view", f"case:{case.id}")
    db.session.commit()
    return page


def _act(case_id: int, form: Form, action: Callable[[Case, Any], None], done: str) -> Any:
    """Validate, act, commit; refusals and conflicts come back as a message on the case page."""
    case = _case(case_id)
    if not form.validate_on_submit():
        flash(_("Please fill in the form completely."), "error")
        return redirect(url_for("cases.detail", case_id=case_id))
    try:
        action(case, form)
    except (IllegalTransition, CaseRefused, VersionConflict) as refused:
        db.session.rollback()
        flash(refusal(refused), "error")
        return redirect(url_for("cases.detail", case_id=case_id))
    db.session.commit()
    flash(done, "ok")
    return redirect(url_for("cases.detail", case_id=case_id))


def _calendar() -> BusinessCalendar:
    """The business calendar in force now: an admin's change applies from the next request."""
    return business_calendar(db.session, default=current_app.config["BUSINESS_CALENDAR"])


@bp.post("/<int:case_id>/notes")
def note(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        add_note(
            db.session, case, current_user, form.note.data, now=utcnow(), version=form.version.data
        )

    return _act(case_id, NoteForm(), action, _("Note added."))


@bp.post("/<int:case_id>/status")
def status(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        transition_case(
            db.session,
            case,
            form.to_status.data,
            current_user,
            form.note.data or "",
            now=utcnow(),
            version=form.version.data,
            calendar=_calendar(),
        )

    return _act(case_id, StatusForm(), action, _("Case updated."))


@bp.post("/<int:case_id>/waiting")
def waiting(case_id: int) -> Any:
    form = WaitingForm()

    def action(case: Case, form: Any) -> None:
        note, version = form.note.data or "", form.version.data
        if form.waiting.data:
            wait_on_customer(
                db.session, case, current_user, note=note, now=utcnow(), version=version
            )
        else:
            calendar = _calendar()
            resume_clock(
                db.session,
                case,
                current_user,
                note=note,
                now=utcnow(),
                calendar=calendar,
                version=version,
            )

    done = _("The clock is stopped.") if form.waiting.data else _("The clock runs again.")
    return _act(case_id, form, action, done)


@bp.post("/<int:case_id>/contact")
def contact(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        record_contact(
            db.session,
            case,
            current_user,
            channel=form.channel.data,
            note=form.note.data or "",
            now=utcnow(),
            version=form.version.data,
        )

    return _act(case_id, ContactForm(), action, _("Contact recorded."))


@bp.post("/<int:case_id>/resolve")
def resolve(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        resolve_case(
            db.session,
            case,
            current_user,
            root_cause=form.root_cause.data,
            summary=form.summary.data,
            now=utcnow(),
            followup_days=current_app.config["FOLLOWUP_DAYS"],
            version=form.version.data,
            calendar=_calendar(),
        )

    return _act(case_id, ResolveForm(), action, _("Case resolved."))


@bp.post("/<int:case_id>/reassign")
def reassign(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        reassign_case(
            db.session,
            case,
            current_user,
            department_id=form.department_id.data,
            reason=form.reason.data,
            now=utcnow(),
            version=form.version.data,
        )

    return _act(case_id, _reassign_form(), action, _("Case sent to another department."))
