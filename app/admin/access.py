"""Who may use the admin console: admins change the bank's settings, CX managers read them.

Every admin blueprint is guarded here, so the rule is one function and the URL-map test that
enumerates the routes checks it everywhere: staff get 404 (the console does not exist for
them), a CX manager's change 403, and pages that show what only admins may read (the outbox
holds reset links) 404 to managers too.
"""

from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import current_user, login_required

from app.models import Role

READING = frozenset({"GET", "HEAD"})


def admin_console(bp: Blueprint, *, managers_read: bool = True) -> Blueprint:
    """Guard every route of `bp`; returns it, so a blueprint is declared and guarded at once."""

    @bp.before_request
    @login_required
    def _guard() -> None:
        if current_user.role == Role.ADMIN:
            return
        if current_user.role != Role.CX_MANAGER or not managers_read:
            abort(404)
        if request.method not in READING:
            abort(403)

    return bp
