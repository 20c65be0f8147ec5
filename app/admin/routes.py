"""The admin's screens: touchpoints, routing rules, departments, and recent invitations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin.access import admin_console
from app.admin.forms import NOTIFY_MODES, SEGMENTS, DepartmentForm, RoutingRuleForm, TouchpointForm
from app.extensions import db
from app.models import Department, RoutingRule, Touchpoint
from app.services.cases.departments import departments, update_department
from app.services.cases.rule_settings import (
    RuleRefused,
    all_rules,
    rule_options,
    save_rule,
    try_rules,
)
from app.services.distribution.touchpoints import (
    choices,
    recent_invitations,
    touchpoints,
    update_touchpoint,
)
from app.services.governance import audit
from app.web.forms import Form
from app.web.locale import local_name

bp = admin_console(Blueprint("admin", __name__, url_prefix="/admin"))


@bp.get("/touchpoints")
def touchpoint_list() -> Any:
    return render_template("admin/touchpoints.html", touchpoints=touchpoints(db.session))


@bp.route("/touchpoints/<code>", methods=["GET", "POST"])
def touchpoint_edit(code: str) -> Any:
    touchpoint = _by_code(Touchpoint, code)
    form = TouchpointForm(obj=touchpoint) if request.method == "GET" else TouchpointForm()
    departments, surveys = choices(db.session)
    form.department_id.choices = [SelectChoice(value, label) for value, label in departments]
    form.survey_code.choices = [SelectChoice(value, label) for value, label in surveys]
    if request.method == "GET":
        form.sampling_percent.data = round(touchpoint.sampling_rate * 100)
        form.segments.data = touchpoint.segments or []
        form.reminder_hours.data = ", ".join(str(h) for h in touchpoint.reminder_hours)
    return _save_or_show(
        form,
        lambda: update_touchpoint(db.session, touchpoint, form.values(), actor=_actor()),
        done=_("Touchpoint saved. New invitations follow the new rules."),
        back=(url_for("admin.touchpoint_list"), _("Touchpoints")),
        heading=local_name(touchpoint),
        code=touchpoint.code,
    )


def _actor() -> str:
    return audit.actor_of(current_user)


def _by_code(model: Any, code: str) -> Any:
    """The touchpoint or department with this code, or 404."""
    row = db.session.scalar(sa.select(model).where(model.code == code))
    if row is None:
        abort(404)
    return row


def _save_or_show(
    form: Form,
    save: Callable[[], None],
    *,
    done: str,
    back: tuple[str, str],
    heading: str,
    code: str | None,
) -> Any:
    """Save a valid settings form and go back to its list, or show it with its errors."""
    if form.validate_on_submit():
        save()
        db.session.commit()
        flash(done, "ok")
        return redirect(back[0])
    return render_template("admin/edit.html", form=form, back=back, heading=heading, code=code)


@bp.get("/rules")
def rule_list() -> Any:
    """The rules in the order they are tried, and a box to try them on a made-up answer."""
    args = request.args
    trial = None
    touchpoint = db.session.scalar(sa.select(Touchpoint).where(Touchpoint.code == args.get("tp")))
    metric, score = args.get("metric", "nps"), args.get("score", type=int)
    if touchpoint is not None and metric in ("nps", "csat", "ces") and score is not None:
        trial = try_rules(
            db.session,
            touchpoint=touchpoint,
            score=(metric, score),
            comment=args.get("comment", "")[:2000],
            segment=args.get("segment", "mass"),
        )
    return render_template(
        "admin/rules.html",
        rules=all_rules(db.session),
        touchpoints=touchpoints(db.session),
        segments=SEGMENTS,
        tried=touchpoint is not None and score is not None,
        trial=trial,
    )


@bp.route("/rules/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
def rule_edit(rule_id: int | None) -> Any:
    rule = RoutingRule() if rule_id is None else db.session.get(RoutingRule, rule_id)
    if rule is None:
        abort(404)
    editing = rule_id is not None and request.method == "GET"
    form = RoutingRuleForm(obj=rule) if editing else RoutingRuleForm()
    options = rule_options(db.session)
    form.touchpoints.choices = [SelectChoice(v, label) for v, label in options["touchpoints"]]
    form.department_id.choices = [
        SelectChoice("0", _("The touchpoint's department")),
        *(SelectChoice(v, label) for v, label in options["departments"]),
    ]
    form.assignee_id.choices = [
        SelectChoice("0", "–"),
        *(SelectChoice(v, label) for v, label in options["assignees"]),
    ]
    if editing:
        form.load(rule)
    if form.validate_on_submit():
        try:
            save_rule(db.session, rule, form.values(), actor=_actor())
        except RuleRefused as refused:
            db.session.rollback()
            form.name.errors = [*form.name.errors, str(refused)]
        else:
            db.session.commit()
            flash(_("Rule saved. Responses routed from now on follow it."), "ok")
            return redirect(url_for("admin.rule_list"))
    heading = _("New routing rule") if rule_id is None else rule.name
    back = (url_for("admin.rule_list"), _("Routing rules"))
    return render_template("admin/edit.html", form=form, back=back, heading=heading, code=None)


@bp.get("/departments")
def department_list() -> Any:
    return render_template(
        "admin/departments.html", departments=departments(db.session), notify_modes=NOTIFY_MODES
    )


@bp.route("/departments/<code>", methods=["GET", "POST"])
def department_edit(code: str) -> Any:
    department = _by_code(Department, code)
    form = DepartmentForm(obj=department) if request.method == "GET" else DepartmentForm()
    return _save_or_show(
        form,
        lambda: update_department(db.session, department, form.values(), actor=_actor()),
        done=_("Department saved."),
        back=(url_for("admin.department_list"), _("Departments")),
        heading=department.name,
        code=department.code,
    )


@bp.get("/invitations")
def invitation_list() -> Any:
    status = request.args.get("status") or None
    invitations = recent_invitations(db.session, status)
    return render_template("admin/invitations.html", invitations=invitations, status=status)
