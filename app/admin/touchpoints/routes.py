"""Touchpoints: the list (search, paging), a new one, and each one's settings and history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.admin.access import admin_console
from app.admin.activity.names import survey_titles
from app.admin.pages import actor, by_code, save_or_show
from app.admin.touchpoints.forms import NewTouchpointForm, TouchpointForm, journey_stage_choices
from app.extensions import db
from app.models import Touchpoint
from app.services.cases.departments import departments as all_departments
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
    return render_template(
        "admin/touchpoints/list.html", page=page, search=search, surveys=survey_titles(db.session)
    )


@bp.route("/new", methods=["GET", "POST"])
def touchpoint_new() -> Any:
    form = _with_choices(NewTouchpointForm(), keep=None, stage=None)
    if request.method == "GET":  # a new touchpoint starts with the bank's contact rules
        rules = contact_settings(db.session, default=current_app.config["CONTACT_POLICY"])
        form.cooldown_days.data = rules.default_cooldown_days
    return save_or_show(
        form,
        lambda: create_touchpoint(db.session, form.code.data, form.values(), actor=actor()),
        **_page_of(_("New touchpoint"), None),
        refusals_on=form.code,
        template="admin/touchpoints/edit.html",
    )


@bp.route("/<code>", methods=["GET", "POST"])
def touchpoint_edit(code: str) -> Any:
    touchpoint = by_code(Touchpoint, code)
    form = TouchpointForm(obj=touchpoint) if request.method == "GET" else TouchpointForm()
    _with_choices(form, keep=touchpoint.department_id, stage=touchpoint.journey_stage)
    if request.method == "GET":
        form.sampling_percent.data = round(touchpoint.sampling_rate * 100)
        form.segments.data = touchpoint.segments or []
        form.reminder_hours.data = ", ".join(str(h) for h in touchpoint.reminder_hours)
        form.show_channels(touchpoint.channels)
    return save_or_show(
        form,
        lambda: update_touchpoint(db.session, touchpoint, form.values(), actor=actor()),
        **_page_of(local_name(touchpoint), touchpoint.code),
        subject=f"touchpoint:{touchpoint.code}",
        template="admin/touchpoints/edit.html",
    )


def _with_choices(form: TouchpointForm, *, keep: int | None, stage: str | None) -> TouchpointForm:
    """Departments by their names in the page's language, surveys by their titles, stages by
    their words; what the touchpoint has now stays offered (`keep`, `stage`)."""
    departments, surveys = choices(db.session, keep=keep)
    names = {str(d.id): local_name(d) for d in all_departments(db.session)}
    titles = survey_titles(db.session)
    form.department_id.choices = [SelectChoice(v, names.get(v, label)) for v, label in departments]
    form.survey_code.choices = [SelectChoice(code, titles.get(code, code)) for code, _ in surveys]
    form.journey_stage.choices = journey_stage_choices(stage)
    return form


def _page_of(heading: str, code: str | None) -> dict[str, Any]:
    return {
        "done": _("Touchpoint saved. New invitations follow the new rules."),
        "back": (url_for("admin_touchpoints.touchpoint_list"), _("Touchpoints")),
        "heading": heading,
        "code": code,
    }
