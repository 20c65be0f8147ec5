"""Staff sign-in, sign-out, password reset, and the first password of an invited user."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.forms import ForgotPasswordForm, LoginForm, ResetPasswordForm
from app.extensions import db
from app.models import utcnow
from app.services.accounts import password_reset
from app.services.accounts.password_reset import ResetPolicy
from app.services.accounts.signin import SignInPolicy, sign_in
from app.services.accounts.users import end_sessions
from app.web.redirects import local_path

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    attempt = sign_in(
        db.session,
        form.email.data,
        form.password.data,
        ip=request.remote_addr or "unknown",
        policy=SignInPolicy.from_settings(current_app.config),
        now=utcnow(),
    )
    db.session.commit()
    if attempt.user is not None:
        target = local_path(request.args.get("next")) or url_for("cases.inbox_page")
        session.clear()  # a new session, and with it a new CSRF token
        login_user(attempt.user)
        return redirect(target)
    if attempt.locked:
        flash(_("Too many failed sign-ins. Try again in %(minutes)d minutes.",
                minutes=current_app.config["LOGIN_LOCK_MINUTES"]), "error")  # fmt: skip
        return render_template("auth/login.html", form=form), 429
    flash(_("E-mail or password is not right."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Any:
    """Signing out ends the user's sessions on the server, copies of the cookie included."""
    end_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password() -> Any:
    """One answer whatever was typed: it must not tell whether the account exists."""
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/forgot.html", form=form)
    with password_reset.taking_at_least(current_app.config["PASSWORD_RESET_MIN_SECONDS"]):
        allowed = password_reset.request_reset(
            db.session,
            form.email.data,
            ip=request.remote_addr or "unknown",
            policy=ResetPolicy.from_settings(current_app.config),
            now=utcnow(),
        )
        db.session.commit()
    if not allowed:
        flash(_("Too many requests. Try again later."), "error")
        return render_template("auth/forgot.html", form=form), 429
    return render_template("auth/reset_sent.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Any:
    """Opening the link changes nothing (mail scanners open links); only the form does.

    The page speaks its owner's language (unless they chose one here), and welcomes an invited
    user rather than speaking of a reset.
    """
    link = password_reset.open_link(db.session, token, now=utcnow())
    if link is None:
        return _link_does_not_work()
    g.page_locale = link.locale  # before the form, whose messages take the language
    form, invite = ResetPasswordForm(), link.purpose == "invite"
    if not form.validate_on_submit():
        return render_template("auth/reset.html", form=form, invite=invite)
    if password_reset.complete_reset(db.session, token, form.password.data, now=utcnow()) is None:
        return _link_does_not_work()  # spent by a second submit a moment ago
    db.session.commit()
    if invite:
        flash(_("Your password is set. Sign in with it."), "info")
    else:
        flash(_("Your password is changed. Sign in with it."), "info")
    return redirect(url_for("auth.login"))


def _link_does_not_work() -> Any:
    """One page for unknown, used, replaced and expired links alike."""
    return render_template("auth/reset_link_dead.html"), 404
