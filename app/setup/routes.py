"""The first visit to a bank with no admin: set it up, behind a code from the server's console.

Once an active admin exists these pages are gone (404): the bank is changed under /admin.
Wrong codes are counted per IP like bad survey links, so the code cannot be guessed at speed.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user

from app.extensions import db
from app.models import utcnow
from app.services.accounts import throttle
from app.services.accounts.users import AccountError
from app.services.governance.bank_profile import LogoRefused
from app.services.governance.first_run import (
    FirstAdmin,
    SetupRefused,
    draw_setup_code,
    needs_setup,
    set_up_bank,
    spend_setup_code,
)
from app.setup.forms import SetupForm

bp = Blueprint("setup", __name__, url_prefix="/setup")
log = logging.getLogger(__name__)
WRONG_CODES = throttle.Limit(10, timedelta(minutes=10), timedelta(minutes=10))


@bp.before_request
def _only_before_setup() -> None:
    if request.endpoint != "setup.welcome" and not needs_setup(db.session):
        abort(404)


@bp.route("", methods=["GET", "POST"])
def start() -> Any:
    code = draw_setup_code(db.session, now=utcnow())
    db.session.commit()
    if code is not None:
        log.warning(
            "Touchloop setup code: %s (valid 30 minutes; enter it at %s/setup)",
            code,
            current_app.config["BASE_URL"],
        )
    form = SetupForm()
    if not form.validate_on_submit():
        return render_template("setup/start.html", form=form)
    source = throttle.key_for("setup-ip", request.remote_addr or "unknown")
    now = utcnow()
    if throttle.is_blocked(db.session, [source], now=now):
        abort(429)
    try:
        spend_setup_code(db.session, form.code.data, now=now)
    except SetupRefused as refused:
        db.session.rollback()
        throttle.record_failure(db.session, source, WRONG_CODES, now=now)
        db.session.commit()
        form.code.errors = [*form.code.errors, str(refused)]
        return render_template("setup/start.html", form=form), 422
    try:
        profile = form.profile() | form.logo_change()
    except LogoRefused as refused:
        db.session.rollback()  # the code stays unspent: nothing was stored
        form.logo.errors = [str(refused)]
        return render_template("setup/start.html", form=form), 422
    try:
        admin, _surveys = set_up_bank(db.session, profile, _first_admin(form), actor="setup")
    except AccountError as refused:
        db.session.rollback()  # the code stays unspent: nothing was stored
        form.admin_email.errors = [*form.admin_email.errors, str(refused)]
        return render_template("setup/start.html", form=form), 422
    db.session.commit()
    session.clear()
    login_user(admin)
    return redirect(url_for("setup.welcome"))


@bp.get("/welcome")
@login_required
def welcome() -> Any:
    """What an admin does next: departments, touchpoints, people, keys, the calendar."""
    return render_template("setup/welcome.html")


def home() -> Any:
    """The site's root: what Touchloop does and each audience's way in, the first run's first
    while the bank is not set up. Signed-in staff go straight on to their cases."""
    if current_user.is_authenticated:
        return redirect(url_for("cases.inbox_page"))
    return render_template(
        "home.html",
        needs_setup=needs_setup(db.session),
        outbox_page=current_app.config["DEV_OUTBOX_PAGE"],
    )


def _first_admin(form: SetupForm) -> FirstAdmin:
    return FirstAdmin(
        email=form.admin_email.data,
        password=form.password.data,
        name=(form.admin_name.data or "").strip(),
        locale=form.admin_language.data,
    )
