"""API keys of the bank's systems: created with the secret shown once, scoped, revoked."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin.access import admin_console
from app.admin.api_keys.forms import SCOPE_LABELS, ApiKeyForm
from app.admin.pages import actor, object_history
from app.extensions import db
from app.models import ApiKey, utcnow
from app.services.accounts.api_keys import KeyNameTaken, issue_api_key, key_page, withdraw_api_key

bp = admin_console(Blueprint("admin_api_keys", __name__, url_prefix="/admin/api-keys"))


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"scope_labels": SCOPE_LABELS}


@bp.get("")
def key_list() -> Any:
    search = request.args.get("q", "").strip()[:60]
    page = key_page(db.session, request.args.get("page", 1, type=int), search)
    return render_template("admin/api_keys/list.html", page=page, search=search)


@bp.route("/new", methods=["GET", "POST"])
def key_create() -> Any:
    """The secret is in the answer to the POST only: never stored, flashed or put in a URL."""
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            key, secret = issue_api_key(
                db.session, form.name.data, tuple(form.scopes.data), actor=actor()
            )
        except KeyNameTaken:
            db.session.rollback()
            form.name.errors = [*form.name.errors, _("Another API key has this name.")]
        else:
            db.session.commit()
            return render_template("admin/api_keys/created.html", key=key, secret=secret)
    return render_template("admin/api_keys/new.html", form=form)


@bp.route("/<int:key_id>/revoke", methods=["GET", "POST"])
def key_revoke(key_id: int) -> Any:
    """A page that asks first; its button revokes."""
    key = db.get_or_404(ApiKey, key_id)
    if request.method == "POST":
        withdraw_api_key(db.session, key, actor=actor(), now=utcnow())
        db.session.commit()
        flash(_("API key %(name)s is revoked: the API refuses it within seconds.", name=key.name),
              "ok")  # fmt: skip
        return redirect(url_for("admin_api_keys.key_list"))
    return render_template(
        "admin/api_keys/revoke.html", key=key, **object_history(f"api_key:{key.id}")
    )
