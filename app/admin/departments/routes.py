"""Departments: the list, a new one, each one's settings, head and history, and retiring."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.admin.access import admin_console
from app.admin.departments.forms import (
    NOTIFY_MODES,
    DepartmentSettingsForm,
    NewDepartmentForm,
    RetireForm,
)
from app.admin.pages import actor, by_code, save_or_show
from app.extensions import db
from app.models import Department, utcnow
from app.services.cases.departments import (
    DepartmentRefused,
    create_department,
    department_page,
    departments,
    holdings,
    retire_department,
    set_head,
    staff_of,
    update_department,
)
from app.web.locale import local_name

bp = admin_console(Blueprint("admin_departments", __name__, url_prefix="/admin/departments"))


@bp.get("")
def department_list() -> Any:
    search = request.args.get("q", "").strip()[:60]
    page = department_page(db.session, search, request.args.get("page", 1, type=int))
    return render_template(
        "admin/departments/list.html", page=page, search=search, notify_modes=NOTIFY_MODES
    )


@bp.route("/new", methods=["GET", "POST"])
def department_new() -> Any:
    form = NewDepartmentForm()
    return save_or_show(
        form,
        lambda: create_department(db.session, form.code.data, form.values(), actor=actor()),
        **_page_of(_("New department"), None),
        refusals_on=form.code,
    )


@bp.route("/<code>", methods=["GET", "POST"])
def department_edit(code: str) -> Any:
    department = by_code(Department, code)
    get = request.method == "GET"
    form = DepartmentSettingsForm(obj=department) if get else DepartmentSettingsForm()
    staff = staff_of(db.session, department)
    form.head_id.choices = [SelectChoice(0, "–"), *(SelectChoice(u.id, u.email) for u in staff)]
    if get:
        form.head_id.data = next((u.id for u in staff if u.heads_department), 0)

    def save() -> None:
        update_department(db.session, department, form.values(), actor=actor())
        set_head(db.session, department, form.head_id.data or None, actor=actor())

    return save_or_show(
        form,
        save,
        **_page_of(local_name(department), department.code),
        subject=f"department:{department.code}",
        refusals_on=form.head_id,
        template="admin/departments/edit.html",
        department=department,
    )


@bp.route("/<code>/retire", methods=["GET", "POST"])
def department_retire(code: str) -> Any:
    """Retire a department, after saying where what it still owns goes."""
    department = by_code(Department, code)
    if not department.active:
        abort(404)
    held = holdings(db.session, department)
    others = [d for d in departments(db.session, include_retired=False) if d.id != department.id]
    form = RetireForm()
    form.successor_id.choices = [
        SelectChoice(0, "–"),
        *(SelectChoice(d.id, local_name(d)) for d in others),
    ]
    if form.validate_on_submit():
        successor = db.session.get(Department, form.successor_id.data or 0)
        try:
            moved = retire_department(
                db.session, department, successor, actor=current_user, now=utcnow()
            )
        except DepartmentRefused as refused:
            db.session.rollback()
            form.successor_id.errors = [str(refused)]
        else:
            db.session.commit()
            flash(_("%(department)s is retired; %(cases)d open cases and %(touchpoints)d "
                    "touchpoints moved.", department=local_name(department),
                    cases=moved.open_cases, touchpoints=moved.touchpoints), "ok")  # fmt: skip
            return redirect(url_for("admin_departments.department_list"))
    return render_template(
        "admin/departments/retire.html", department=department, held=held, form=form
    )


def _page_of(heading: str, code: str | None) -> dict[str, Any]:
    return {
        "done": _("Department saved."),
        "back": (url_for("admin_departments.department_list"), _("Departments")),
        "heading": heading,
        "code": code,
    }
