"""Development only: read the outbox in the browser when no mail server is configured.

Anyone who reaches the page can read what it shows, so a password-reset e-mail (a link that
takes over a staff account) is shown only to a signed-in admin, even here.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from app.extensions import db
from app.models import Role
from app.services.accounts import password_reset
from app.services.distribution.outbox import recent_messages

bp = Blueprint("dev", __name__, url_prefix="/dev")
ADMINS_ONLY = {password_reset.KIND}


@bp.get("/outbox")
def outbox() -> Any:
    admin = current_user.is_authenticated and current_user.role == Role.ADMIN
    messages = recent_messages(db.session)
    shown = [m for m in messages if admin or m.kind not in ADMINS_ONLY]
    return render_template("dev/outbox.html", messages=shown, hidden=len(messages) - len(shown))
