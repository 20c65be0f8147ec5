"""The admin's screens: touchpoint rules, and what became of recent invitations."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.admin.forms import TouchpointForm
from app.extensions import db
from app.models import Role, Touchpoint
from app.services.touchpoints import choices, recent_invitations, touchpoints, update_touchpoint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admins_only() -> None:
    if current_user.role != Role.ADMIN:
        abort(404)


@bp.get("/touchpoints")
def touchpoint_list() -> Any:
    return render_template("admin/touchpoints.html", touchpoints=touchpoints(db.session))


@bp.route("/touchpoints/<code>", methods=["GET", "POST"])
def touchpoint_edit(code: str) -> Any:
    touchpoint = db.session.scalar(sa.select(Touchpoint).where(Touchpoint.code == code))
    if touchpoint is None:
        abort(404)
    form = TouchpointForm(obj=touchpoint) if request.method == "GET" else TouchpointForm()
    departments, surveys = choices(db.session)
    form.department_id.choices = [SelectChoice(value, label) for value, label in departments]
    form.survey_code.choices = [SelectChoice(value, label) for value, label in surveys]
    if request.method == "GET":
        form.sampling_percent.data = round(touchpoint.sampling_rate * 100)
        form.segments.data = touchpoint.segments or []
        form.reminder_hours.data = ", ".join(str(h) for h in touchpoint.reminder_hours)
    if form.validate_on_submit():
        update_touchpoint(db.session, touchpoint, form.values())
        db.session.commit()
        flash(_("Touchpoint saved. New invitations follow the new rules."), "ok")
        return redirect(url_for("admin.touchpoint_list"))
    return render_template("admin/touchpoint_edit.html", form=form, touchpoint=touchpoint)


@bp.get("/invitations")
def invitation_list() -> Any:
    status = request.args.get("status") or None
    invitations = recent_invitations(db.session, status)
    return render_template("admin/invitations.html", invitations=invitations, status=status)
