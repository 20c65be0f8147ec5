"""The outbox as admins see it: what waits, what went out, what failed and why; retry.

Admins only: a waiting password-reset e-mail holds a link that takes over an account.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.admin.access import admin_console
from app.extensions import db
from app.models import utcnow
from app.services.distribution.outbox import recent_messages, retry_failed, status_counts
from app.web.forms import Form

bp = admin_console(Blueprint("admin_outbox", __name__, url_prefix="/admin"), managers_read=False)
# What each kind of message is, in words; the kind is how the outbox files it.
KINDS = {
    "invitation": _l("Survey invitation"),
    "reminder": _l("Survey reminder"),
    "followup": _l("Follow-up survey"),
    "case_new": _l("New case for a team"),
    "case_assigned": _l("Case assigned"),
    "case_alert": _l("Deadline alert"),
    "case_digest": _l("Daily digest of cases"),
    "weekly_summary": _l("Weekly summary"),
    "password_reset": _l("Password reset"),
    "staff_invite": _l("Invitation to Touchloop"),
    "webhook": _l("Webhook call"),
}


@bp.get("/outbox")
def outbox_list() -> Any:
    """E-mails and webhook calls: what waits, what went out, what failed and why."""
    status = request.args.get("status") or None
    return render_template(
        "admin/outbox.html",
        messages=recent_messages(db.session, status, limit=200),
        counts=status_counts(db.session),
        status=status,
        kinds=KINDS,
        form=Form(),
    )


@bp.post("/outbox/<int:message_id>/retry")
def outbox_retry(message_id: int) -> Any:
    if not Form().validate_on_submit():
        abort(400)
    if retry_failed(db.session, message_id, now=utcnow()):
        db.session.commit()
        flash(_("Queued again: the next delivery run sends it."), "ok")
    else:
        flash(_("Only a failed message can be sent again."), "error")
    return redirect(url_for("admin_outbox.outbox_list", status="failed"))
