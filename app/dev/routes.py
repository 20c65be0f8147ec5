"""Development only: read the outbox in the browser when no mail server is configured, see why
invitations still wait, and send one now (app/dev/waiting.py).

The blueprint exists only with DEV_OUTBOX_PAGE, which a production start refuses
(app.config.check_production_settings); its one action is CSRF-checked like every staff form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.outbox import KINDS
from app.dev.forms import SendNowForm
from app.dev.mail import outbox_mail
from app.dev.waiting import send_now, touchpoint_names, waiting_invitations
from app.extensions import db
from app.models import Invitation, Role, utcnow
from app.services.distribution.invitations import Links
from app.web.reasons import reason_words
from workflows.contact_rules import Verdict

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/outbox")
def outbox() -> Any:
    admin = current_user.is_authenticated and current_user.role == Role.ADMIN
    waiting, waiting_total = waiting_invitations(db.session, now=utcnow())
    return render_template(
        "dev/outbox.html",
        mail=outbox_mail(db.session, admin=admin),
        waiting=waiting,
        waiting_total=waiting_total,
        kinds=KINDS,
    )


@bp.post("/outbox/send")
def send_invitation_now() -> Any:
    """Development only: send one waiting invitation now, through the outbox."""
    form = SendNowForm()
    if not form.validate_on_submit():
        abort(400)
    config = current_app.config
    links = Links.of(config)
    verdict = send_now(db.session, form.invitation_id.data, links=links, now=utcnow())
    db.session.commit()
    flash(*_outcome(verdict, db.session.get(Invitation, form.invitation_id.data)))
    return redirect(url_for("dev.outbox", _anchor="surveys"))


def _outcome(verdict: Verdict | None, invitation: Invitation | None) -> tuple[str, str]:
    """What became of a "send now", as a flash message and its category."""
    if verdict == Verdict.SEND:
        return _("Sent now: the survey e-mail is at the top of the list."), "ok"
    if verdict is None or invitation is None:
        return _("That invitation no longer waits: it was sent or stopped a moment ago."), "info"
    why = reason_words(invitation.reason, touchpoint_names(db.session))
    if verdict == Verdict.DEFER:
        return _("Still waiting: %(why)s.", why=why), "info"
    return _("Not sent: %(why)s.", why=why), "info"
