"""Touchpoints: the list (search, paging), a new one, and each one's settings and history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.admin.access import admin_console
from app.admin.pages import actor, by_code, save_or_show
from app.admin.touchpoints.forms import NewTouchpointForm, TouchpointForm
from app.extensions import db
from app.models import Touchpoint
from app.services.distribution.contact_settings import contact_settings
from app.services.distribution.touchpoints import (
    choices,
    create_touchpoint,
    touchpoint_page,
    update_touchpoint,
)
from app.web.locale import local_name

bp = admin_console(Blueprint("admin_touchpoints", __name__, url_prefix="/admin/touchpoints"))


@bp.get("")
def touchpoint_list() -> Any:
    search = request.args.get("q", "").strip()[:60]
    page = touchpoint_page(db.session, search, request.args.get("page", 1, type=int))
    return render_template("admin/touchpoints/list.html", page=page, search=search)


@bp.route("/new", methods=["GET", "POST"])
def touchpoint_new() -> Any:
    form = _with_choices(NewTouchpointForm(), keep=None)
    if request.method == "GET":  # a new touchpoint starts with the bank's contact rules
        rules = contact_settings(db.session, default=current_app.config["CONTACT_POLICY"])
        form.cooldown_days.data = rules.default_cooldown_days
    return save_or_show(
        form,
        lambda: create_touchpoint(db.session, form.code.data, form.values(), actor=actor()),
        **_page_of(_("New touchpoint"), None),
        refusals_on=form.code,
    )


@bp.route("/<code>", methods=["GET", "POST"])
def touchpoint_edit(code: str) -> Any:
    touchpoint = by_code(Touchpoint, code)
    form = TouchpointForm(obj=touchpoint) if request.method == "GET" else TouchpointForm()
    _with_choices(form, keep=touchpoint.department_id)
    if request.method == "GET":
        form.sampling_percent.data = round(touchpoint.sampling_rate * 100)
        form.segments.data = touchpoint.segments or []
        form.reminder_hours.data = ", ".join(str(h) for h in touchpoint.reminder_hours)
    return save_or_show(
        form,
        lambda: update_touchpoint(db.session, touchpoint, form.values(), actor=actor()),
        **_page_of(local_name(touchpoint), touchpoint.code),
        subject=f"touchpoint:{touchpoint.code}",
    )


def _with_choices(form: TouchpointForm, *, keep: int | None) -> TouchpointForm:
    departments, surveys = choices(db.session, keep=keep)
    form.department_id.choices = [SelectChoice(value, label) for value, label in departments]
    form.survey_code.choices = [SelectChoice(value, label) for value, label in surveys]
    return form


def _page_of(heading: str, code: str | None) -> dict[str, Any]:
    return {
        "done": _("Touchpoint saved. New invitations follow the new rules."),
        "back": (url_for("admin_touchpoints.touchpoint_list"), _("Touchpoints")),
        "heading": heading,
        "code": code,
    }
