"""The staff inbox: open cases of the user's department, and the case page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases.forms import NoteForm, ResolveForm
from app.extensions import db
from app.models import Case, CaseStatus, utcnow
from app.services.cases import add_note, case_for, open_cases_for, transition_case
from workflows.lifecycle import IllegalTransition

bp = Blueprint("cases", __name__, url_prefix="/cases")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in staff."""


def _case(case_id: int) -> Case:
    case = case_for(db.session, current_user, case_id)
    if case is None:
        abort(404)
    return case


@bp.get("")
def inbox() -> Any:
    cases = open_cases_for(db.session, current_user)
    return render_template("cases/inbox.html", cases=cases)


@bp.get("/<int:case_id>")
def detail(case_id: int) -> Any:
    case = _case(case_id)
    return render_template(
        "cases/detail.html", case=case, note_form=NoteForm(), resolve_form=ResolveForm()
    )


@bp.post("/<int:case_id>/notes")
def note(case_id: int) -> Any:
    case = _case(case_id)
    form = NoteForm()
    if form.validate_on_submit():
        add_note(db.session, case, current_user, form.note.data, now=utcnow())
        db.session.commit()
        flash(_("Note added."), "ok")
    else:
        flash(_("Write a note first."), "error")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.post("/<int:case_id>/resolve")
def resolve(case_id: int) -> Any:
    case = _case(case_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(_("A resolution summary is required to resolve a case."), "error")
        return redirect(url_for("cases.detail", case_id=case.id))
    try:
        transition_case(
            db.session, case, CaseStatus.RESOLVED, current_user, form.summary.data, now=utcnow()
        )
    except IllegalTransition as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("cases.detail", case_id=case_id))
    db.session.commit()
    flash(_("Case resolved."), "ok")
    return redirect(url_for("cases.inbox"))
