"""What people changed, and when: the audit log, filtered, a page at a time.

Admins only: the log names who viewed which case and exported what.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.admin.access import admin_console
from app.admin.activity.forms import ActivityFilterForm
from app.admin.activity.labels import ACTORS, KINDS
from app.admin.activity.names import names_for
from app.extensions import db
from app.services.governance.activity import ActivityFilter, activity, staff_actors

bp = admin_console(
    Blueprint("admin_activity", __name__, url_prefix="/admin/activity"), managers_read=False
)
OTHER_ACTORS = [(code, label) for code, label in ACTORS.items() if code in ("system", "cli")]


@bp.get("")
def activity_page() -> Any:
    form = ActivityFilterForm(request.args)
    everyone = [("", _l("anyone")), *staff_actors(db.session), *OTHER_ACTORS]
    form.actor.choices = [SelectChoice(value, label) for value, label in everyone]
    kinds = [("", _l("anything")), *KINDS.items()]
    form.kind.choices = [SelectChoice(value, label) for value, label in kinds]
    if not form.validate():
        abort(400, description="; ".join(" ".join(map(str, e)) for e in form.errors.values()))
    wanted = ActivityFilter(
        actor=form.actor.data or None,
        kind=form.kind.data or None,
        subject=(form.subject.data or "").strip() or None,
        first_day=form.start.data,
        last_day=form.end.data,
    )
    page = activity(db.session, wanted, request.args.get("page", 1, type=int))
    names = names_for(db.session, page.items)
    return render_template("admin/activity/index.html", form=form, page=page, names=names)
