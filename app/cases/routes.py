"""The staff inbox and the case page; every action is a small CSRF-protected form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

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
from werkzeug.datastructures import MultiDict

from app.cases.display import (
    HELPERS,
    answer_rows,
    primary_action,
    refusal,
    status_steps,
    timeline,
)
from app.cases.forms import (
    AssignForm,
    CancelForm,
    ContactForm,
    NoteForm,
    ReassignForm,
    ReopenForm,
    ResolveForm,
    StatusForm,
    WaitingForm,
)
from app.extensions import db
from app.models import Case, CaseStatus, utcnow
from app.services.cases.business_calendar import business_calendar
from app.services.cases.case_view import (
    case_page,
    comment_topics,
    customer_history,
    timeline_names,
)
from app.services.cases.departments import departments
from app.services.cases.inbox import (
    InboxFilter,
    case_for,
    inbox,
    saved_view,
    sees_contact_details,
    view_of,
)
from app.services.cases.lifecycle import (
    CaseRefused,
    VersionConflict,
    acknowledge_many,
    add_note,
    assign_case,
    colleagues,
    may_assign,
    reassign_case,
    record_contact,
    resolve_case,
    resume_clock,
    transition_case,
    wait_on_customer,
)
from app.services.distribution.touchpoints import touchpoints
from app.services.feedback.survey_versions import stored_definition
from app.services.governance import audit
from app.web.forms import Form
from app.web.locale import current_language, local_name
from workflows.case_transitions import IllegalTransition
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


def _wanted(args: MultiDict[str, str]) -> InboxFilter:
    """The inbox's filter: a saved view by its name, or the filters as chosen."""
    page = args.get("page", 1, type=int) or 1
    if "view" in args:
        return replace(saved_view(args["view"], current_user), page=page)
    return InboxFilter(
        status=args.get("status", "open"),
        priority=args.get("priority") or None,
        touchpoint_id=args.get("touchpoint", type=int),
        overdue=args.get("overdue") == "1",
        page=page,
    )


@bp.get("")
def inbox_page() -> Any:
    wanted = _wanted(request.args)
    page = inbox(db.session, current_user, wanted, now=utcnow())
    return render_template(
        "cases/inbox.html",
        page=page,
        wanted=wanted,
        view=view_of(wanted, current_user),
        touchpoints=touchpoints(db.session),
        now=utcnow(),
        form=Form(),
    )


@bp.post("/acknowledge")
def acknowledge() -> Any:
    if not Form().validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("case_id") if i.isdigit()]
    done = acknowledge_many(db.session, current_user, ids, now=utcnow())
    db.session.commit()
    flash(_("%(count)d cases acknowledged.", count=done), "ok")
    return redirect(url_for("cases.inbox_page"))


# Every action's form by name; a form sent back with errors replaces its blank one on the page.
ACTION_FORMS: dict[str, type[Form]] = {
    "note": NoteForm,
    "status": StatusForm,
    "contact": ContactForm,
    "resolve": ResolveForm,
    "waiting": WaitingForm,
    "reopen": ReopenForm,
    "cancel": CancelForm,
    "assign": AssignForm,
    "reassign": ReassignForm,
}


def _show(case_id: int, sent: Mapping[str, Form] | None = None) -> str:
    """The case page as this user may see it, with a form that was sent back (its errors
    beside its fields, what was typed kept) in place of its blank one; the view is audited."""
    case = case_page(db.session, current_user, case_id)
    if case is None:
        abort(404)
    response = case.response
    language = current_language()
    definition = stored_definition(db.session, response.survey_code, response.survey_version)
    names = {tp.code: local_name(tp) for tp in touchpoints(db.session)}
    topics = comment_topics(db.session, response.id)
    sent = sent or {}
    forms = {
        name: sent[name] if name in sent else kind(formdata=None)
        for name, kind in ACTION_FORMS.items()
    }
    forms["assign"].offer(colleagues(db.session, case.department_id))
    _offer_departments(forms["reassign"], case)
    page = render_template(
        "cases/detail.html",
        case=case,
        answers=answer_rows(definition, response.answers, language) if definition else [],
        topics=topics,
        reason_names={**names, **{f"topic:{t.topic.code}": local_name(t.topic) for t in topics}},
        history=customer_history(db.session, case, current_user),
        contact_visible=sees_contact_details(current_user, case),
        entries=timeline(case.events, timeline_names(db.session, case.events), names),
        steps=status_steps(case.status),
        primary=primary_action(case),
        may_assign=may_assign(current_user, case),
        now=utcnow(),
        forms=forms,
    )
    audit.record(db.session, audit.actor_of(current_user), "case.view", f"case:{case.id}")
    db.session.commit()
    return page


@bp.get("/<int:case_id>")
def detail(case_id: int) -> Any:
    return _show(case_id)


def _act(
    case_id: int, name: str, form: Form, action: Callable[[Case, Any], None], done: str
) -> Any:
    """Validate, act, commit, back to the case. A form with errors, or one the case refuses
    (with the reason at the top), comes back on the page with what was typed."""
    case = _case(case_id)
    if not form.validate_on_submit():
        flash(_problems(form), "error")
        return _show(case_id, {name: form})
    try:
        action(case, form)
    except (IllegalTransition, CaseRefused, VersionConflict) as refused:
        db.session.rollback()
        flash(refusal(refused), "error")
        return _show(case_id, {name: form})
    db.session.commit()
    flash(done, "ok")
    if case_for(db.session, current_user, case_id) is None:  # sent where this user cannot see
        return redirect(url_for("cases.inbox_page"))
    return redirect(url_for("cases.detail", case_id=case_id))


def _problems(form: Form) -> str:
    """What is wrong with a form, said at the top of the page as well as beside each field
    (the page opens at its top, and a form may be further down or folded away); a field the
    page does not show (the version, a button's value) has no words of its own."""
    fields = [form[name] for name in form.errors]
    if any(getattr(field.widget, "input_type", None) == "hidden" for field in fields):
        return _("Please fill in the form completely.")
    return " ".join(str(error) for field in fields for error in field.errors)


def _calendar() -> BusinessCalendar:
    """The business calendar in force now: an admin's change applies from the next request."""
    return business_calendar(db.session, default=current_app.config["BUSINESS_CALENDAR"])


@bp.post("/<int:case_id>/notes")
def note(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        add_note(
            db.session, case, current_user, form.note.data, now=utcnow(), version=form.version.data
        )

    return _act(case_id, "note", NoteForm(), action, _("Note added."))


def _move(case: Case, to_status: str, note: str, version: int) -> None:
    transition_case(
        db.session,
        case,
        to_status,
        current_user,
        note,
        now=utcnow(),
        version=version,
        calendar=_calendar(),
    )


@bp.post("/<int:case_id>/status")
def status(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        _move(case, form.to_status.data, "", form.version.data)

    return _act(case_id, "status", StatusForm(), action, _("Case updated."))


@bp.post("/<int:case_id>/reopen")
def reopen(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        _move(case, CaseStatus.REOPENED, form.reason.data, form.version.data)

    return _act(case_id, "reopen", ReopenForm(), action, _("Case reopened."))


@bp.post("/<int:case_id>/cancel")
def cancel(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        _move(case, CaseStatus.CANCELLED, form.reason.data, form.version.data)

    return _act(case_id, "cancel", CancelForm(), action, _("Case cancelled."))


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
    return _act(case_id, "waiting", form, action, done)


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

    return _act(case_id, "contact", ContactForm(), action, _("Contact recorded."))


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

    return _act(case_id, "resolve", ResolveForm(), action, _("Case resolved."))


@bp.post("/<int:case_id>/assign")
def assign(case_id: int) -> Any:
    def action(case: Case, form: Any) -> None:
        assign_case(
            db.session,
            case,
            current_user,
            assignee_id=int(form.assignee_id.data),
            now=utcnow(),
            version=form.version.data,
        )

    return _act(case_id, "assign", AssignForm(), action, _("Case assigned."))


def _offer_departments(form: Any, case: Case) -> None:
    form.offer(departments(db.session, include_retired=False), case.department_id)


@bp.post("/<int:case_id>/reassign")
def reassign(case_id: int) -> Any:
    form = ReassignForm()
    _offer_departments(form, _case(case_id))

    def action(case: Case, form: Any) -> None:
        reassign_case(
            db.session,
            case,
            current_user,
            department_id=int(form.department_id.data),
            reason=form.reason.data,
            now=utcnow(),
            version=form.version.data,
        )

    return _act(case_id, "reassign", form, action, _("Case sent to another department."))
