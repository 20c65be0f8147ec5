"""Development only: read the outbox in the browser when no mail server is configured."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from app.extensions import db
from app.services.distribution.outbox import recent_messages

bp = Blueprint("dev", __name__, url_prefix="/dev")


@bp.get("/outbox")
def outbox() -> Any:
    return render_template("dev/outbox.html", messages=recent_messages(db.session))
