"""The improvement actions' pages: the list, opening one, and an action's page with its
before/after figures, its timeline and the forms that move it on.

CX managers and admins work here; a department head reads their department's actions; for
anyone else the pages do not exist (404).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.actions.forms import STATUS_NAMES, ActionForm, NoteForm, StatusForm
from app.extensions import db
from app.models import ImprovementAction, utcnow
from app.services.cases.departments import departments
from app.services.cases.improvement import (
    MOVES,
    ActionFilter,
    ActionRefused,
    action_for,
    action_list,
    add_action_note,
    bank_today,
    is_overdue,
    may_change,
    may_read_actions,
    move_action,
    note_authors,
    open_action,
    topics_by_code,
)
from app.services.distribution.touchpoints import touchpoints
from app.services.reports.action_effect import action_effect

bp = Blueprint("actions", __name__, url_prefix="/actions")
STATUS_FILTERS = ("open", *STATUS_NAMES)


@bp.before_request
@login_required
def _guard() -> None:
    if not may_read_actions(current_user):
        abort(404)


@bp.context_processor
def _helpers() -> dict[str, Any]:
    """For this blueprint's templates, and its error pages (shown to visitors too)."""
    return {
        "status_names": STATUS_NAMES,
        "is_overdue": is_overdue,
        "may_change": current_user.is_authenticated and may_change(current_user),
    }


def _changing() -> None:
    if not may_change(current_user):
        abort(404)


def _action(action_id: int) -> ImprovementAction:
    action = action_for(db.session, current_user, action_id)
    if action is None:
        abort(404)
    return action


@bp.get("")
def action_list_page() -> Any:
    status = request.args.get("status", "open")
    wanted = ActionFilter(
        status=status if status in STATUS_FILTERS else None,
        page=request.args.get("page", 1, type=int) or 1,
    )
    return render_template(
        "actions/list.html",
        page=action_list(db.session, current_user, wanted),
        status=wanted.status,
        filters=STATUS_FILTERS,
        topics=topics_by_code(db.session),
        today=bank_today(db.session, utcnow()),
    )


def _offer(form: ActionForm) -> ActionForm:
    return form.offer(
        topics_by_code(db.session).values(),
        touchpoints(db.session),
        departments(db.session, include_retired=False),
    )


@bp.route("/new", methods=["GET", "POST"])
def action_new() -> Any:
    _changing()
    form = _offer(ActionForm())
    if form.validate_on_submit():
        action = open_action(
            db.session,
            title=form.title.data,
            topic=form.topic.data or None,
            touchpoint_id=int(form.touchpoint_id.data) if form.touchpoint_id.data else None,
            department_id=int(form.department_id.data),
            due_on=form.due_on.data,
            expected_effect=form.expected_effect.data or "",
            actor=current_user,
        )
        db.session.commit()
        flash(_("Action opened."), "ok")
        return redirect(url_for("actions.action_detail", action_id=action.id))
    return render_template("actions/new.html", form=form)


def _show(action: ImprovementAction, sent: dict[str, Any] | None = None) -> str:
    """The action's page, with a form sent back with errors in place of its blank one."""
    sent = sent or {}
    moves = [status for status in STATUS_NAMES if status in MOVES[action.status]]
    status_form = sent["status"] if "status" in sent else StatusForm(formdata=None)
    return render_template(
        "actions/detail.html",
        action=action,
        topic=topics_by_code(db.session).get(action.topic or ""),
        effect=action_effect(
            db.session,
            action,
            now=utcnow(),
            min_sample=current_app.config["DASHBOARD_MIN_SAMPLE"],
        ),
        authors=note_authors(db.session, action),
        today=bank_today(db.session, utcnow()),
        status_form=status_form.offer(moves) if moves else None,
        note_form=sent["note"] if "note" in sent else NoteForm(formdata=None),
    )


@bp.get("/<int:action_id>")
def action_detail(action_id: int) -> Any:
    return _show(_action(action_id))


@bp.post("/<int:action_id>/status")
def action_status(action_id: int) -> Any:
    _changing()
    action = _action(action_id)
    form = StatusForm().offer(STATUS_NAMES)
    if form.validate_on_submit():
        moved = _saved(
            action_id,
            lambda: move_action(
                db.session,
                action,
                form.to_status.data,
                form.note.data,
                actor=current_user,
                now=utcnow(),
                live_on=form.live_on.data,
            ),
            _("Status changed."),
        )
        if moved is not None:
            return moved
    return _show(_action(action_id), {"status": form})


@bp.post("/<int:action_id>/notes")
def action_note(action_id: int) -> Any:
    _changing()
    action = _action(action_id)
    form = NoteForm()
    if form.validate_on_submit():
        added = _saved(
            action_id,
            lambda: add_action_note(
                db.session, action, form.note.data, actor=current_user, now=utcnow()
            ),
            _("Note added."),
        )
        if added is not None:
            return added
    return _show(_action(action_id), {"note": form})


def _saved(action_id: int, change: Callable[[], None], done: str) -> Any | None:
    """Commit `change` and go back to the action, or roll it back and say why (None)."""
    try:
        change()
    except ActionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return None
    db.session.commit()
    flash(done, "ok")
    return redirect(url_for("actions.action_detail", action_id=action_id))
