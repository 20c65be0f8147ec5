"""Staff accounts as admins keep them: invite, role, department, language, deactivation."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.admin.access import admin_console
from app.admin.pages import actor, object_history
from app.admin.users.forms import LANGUAGE_LABELS, STATUS_LABELS, InviteForm, UserForm
from app.extensions import db
from app.models import User, utcnow
from app.services.accounts.password_reset import ResetPolicy, send_invite
from app.services.accounts.users import (
    AccountError,
    UserRefused,
    add_user,
    assignable_departments,
    deactivate_user,
    reactivate_user,
    status_of,
    update_user,
    user_page,
)
from app.web.words import ROLE

bp = admin_console(Blueprint("admin_users", __name__, url_prefix="/admin/users"))


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "roles": ROLE,
        "languages": LANGUAGE_LABELS,
        "statuses": STATUS_LABELS,
        "status_of": status_of,
    }


@bp.get("")
def user_list() -> Any:
    """Everyone, found by e-mail or name, filtered by role and status, a page at a time."""
    args = request.args
    wanted = {
        "text": args.get("q", ""),
        "role": args.get("role", ""),
        "status": args.get("status", ""),
    }
    page = user_page(db.session, **wanted, number=args.get("page", 1, type=int))
    return render_template("admin/users/list.html", page=page, wanted=wanted)


@bp.route("/invite", methods=["GET", "POST"])
def user_invite() -> Any:
    """A new user, and an e-mail with a link to choose their password."""
    form = InviteForm()
    form.offer(assignable_departments(db.session))
    if form.validate_on_submit():
        try:
            user = add_user(db.session, form.email.data, form.values(), actor=actor())
            send_invite(db.session, user, actor=actor(), policy=_policy(), now=utcnow())
        except UserRefused as refused:
            db.session.rollback()
            _show_refusal(form, refused)
        else:
            return _done(user, _("Invitation sent to %(email)s.", email=user.email))
    return render_template("admin/users/invite.html", form=form)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    form = _edit_form(user, stored=request.method == "GET")
    if form.validate_on_submit():
        try:
            update_user(db.session, user, form.values(), actor=actor())
        except UserRefused as refused:
            db.session.rollback()
            _show_refusal(form, refused)
        else:
            if user.id == current_user.id:
                login_user(user)  # their own new department must not sign them out
            return _done(user, _("User saved."))
    return _user_page(user, form)


@bp.post("/<int:user_id>/deactivate")
def user_deactivate(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    try:
        deactivate_user(db.session, user, actor=actor(), now=utcnow())
    except UserRefused as refused:
        db.session.rollback()
        return _user_page(user, _edit_form(user), refusal=str(refused)), 409
    return _done(user, _("User deactivated: signed out everywhere, their links no longer work."))


@bp.post("/<int:user_id>/reactivate")
def user_reactivate(user_id: int) -> Any:
    user = db.get_or_404(User, user_id)
    reactivate_user(db.session, user, actor=actor())
    return _done(user, _("User reactivated: they can sign in again."))


@bp.post("/<int:user_id>/resend")
def user_resend(user_id: int) -> Any:
    """A new invitation link; the one sent before stops working."""
    user = db.get_or_404(User, user_id)
    try:
        send_invite(db.session, user, actor=actor(), policy=_policy(), now=utcnow())
    except AccountError as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("admin_users.user_edit", user_id=user.id))
    return _done(user, _("A new invitation is on its way; the link sent before no longer works."))


def _done(user: User, message: str) -> Any:
    """Commit the change, say what it did, and show the user's page again."""
    db.session.commit()
    flash(message, "ok")
    return redirect(url_for("admin_users.user_edit", user_id=user.id))


def _user_page(user: User, form: UserForm, refusal: str | None = None) -> str:
    """The user's page: their form, what may be done to their access, and their history."""
    return render_template(
        "admin/users/user.html",
        user=user,
        form=form,
        refusal=refusal,
        **object_history(f"user:{user.id}"),
    )


def _edit_form(user: User, *, stored: bool = True) -> UserForm:
    """The user's form, showing what is stored or (not `stored`) what was posted."""
    form = UserForm(formdata=None, obj=user) if stored else UserForm()
    form.offer(assignable_departments(db.session, keep=user.department_id))
    if stored:
        form.load(user)
    return form


def _show_refusal(form: UserForm, refused: UserRefused) -> None:
    """The service's refusal beside the field it concerns."""
    field = form[refused.field]
    field.errors = [*field.errors, str(refused)]


def _policy() -> ResetPolicy:
    return ResetPolicy.from_settings(current_app.config)
