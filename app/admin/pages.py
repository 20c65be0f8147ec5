"""What the admin's settings pages share: the acting admin, a row by its code, save-or-show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template
from flask_login import current_user
from wtforms import Field

from app.admin.activity.names import names_for
from app.extensions import db
from app.services.governance import audit
from app.services.governance.edits import SettingRefused, history_of
from app.web.forms import Form

HISTORY_SHOWN = 20  # entries on an object's page; the Activity page has them all


def object_history(subject: str | None) -> dict[str, Any]:
    """An object's page's history and the names of who acted and what it names, for its
    template (`history`, `names`; see admin/_history.html); nothing yet for an object not
    stored yet (None)."""
    history = history_of(db.session, subject, limit=HISTORY_SHOWN) if subject else []
    return {"history": history, "names": names_for(db.session, history)}


def actor() -> str:
    """The signed-in admin as the audit log names them."""
    return audit.actor_of(current_user)


def by_code(model: Any, code: str) -> Any:
    """The touchpoint or department with this code, or 404."""
    row = db.session.scalar(sa.select(model).where(model.code == code))
    if row is None:
        abort(404)
    return row


def save_or_show(
    form: Form,
    save: Callable[[], None],
    *,
    done: str,
    back: tuple[str, str],
    heading: str,
    code: str | None,
    subject: str | None = None,
    refusals_on: Field | None = None,
    template: str = "admin/edit.html",
    **shown: Any,
) -> Any:
    """Save a valid settings form and go back to its list, or show it with its errors and,
    for an existing object (`subject`), its history. A service's refusal (SettingRefused) is
    shown on `refusals_on`, and nothing is stored."""
    if form.validate_on_submit():
        try:
            save()
        except SettingRefused as refused:
            db.session.rollback()
            field = refusals_on or next(iter(form))
            field.errors = [*field.errors, str(refused)]
        else:
            db.session.commit()
            flash(done, "ok")
            return redirect(back[0])
    return render_template(
        template,
        form=form,
        back=back,
        heading=heading,
        code=code,
        existing=subject is not None,
        **object_history(subject),
        **shown,
    )
