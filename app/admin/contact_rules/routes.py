"""Contact rules: how often a customer may be asked, by segment, and the quiet hours."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.admin.access import admin_console
from app.admin.contact_rules.forms import ContactRulesForm
from app.admin.pages import actor, object_history
from app.extensions import db
from app.models import utcnow
from app.services.distribution.contact_settings import (
    SUBJECT,
    contact_settings,
    save_contact_rules,
)

bp = admin_console(Blueprint("admin_contact_rules", __name__, url_prefix="/admin/contact-rules"))


@bp.route("", methods=["GET", "POST"])
def rules() -> Any:
    settings = contact_settings(db.session, default=current_app.config["CONTACT_POLICY"])
    form = ContactRulesForm()
    if form.validate_on_submit():
        rejudged = save_contact_rules(db.session, form.values(), actor=actor(), now=utcnow())
        db.session.commit()
        flash(_("Contact rules saved. The next send run applies them."), "ok")
        if rejudged:
            flash(_deferred_again(rejudged), "ok")
        return redirect(url_for("admin_contact_rules.rules"))
    if request.method == "GET":
        form.load(settings)
    return render_template(
        "admin/contact_rules/edit.html",
        form=form,
        saved=settings.saved,
        **object_history(SUBJECT),
    )


def _deferred_again(count: int) -> str:
    return ngettext(
        "%(num)d deferred invitation will be judged again under the new rules.",
        "%(num)d deferred invitations will be judged again under the new rules.",
        count,
    )
