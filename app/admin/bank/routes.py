"""The bank's profile: its name, logo, colour, time zone and languages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.admin.access import admin_console
from app.admin.bank.forms import BankProfileForm
from app.admin.pages import actor, object_history
from app.extensions import db
from app.services.governance.bank_profile import (
    LogoRefused,
    bank_profile,
    save_bank_profile,
)

bp = admin_console(Blueprint("admin_bank", __name__, url_prefix="/admin/bank"))


@bp.route("", methods=["GET", "POST"])
def profile() -> Any:
    bank = bank_profile(db.session)
    form = BankProfileForm(obj=bank) if request.method == "GET" else BankProfileForm()
    if form.validate_on_submit():
        values = form.profile()
        try:
            values |= form.logo_change()
        except LogoRefused as refused:
            form.logo.errors = [str(refused)]
        else:
            save_bank_profile(db.session, values, actor=actor())
            db.session.commit()
            flash(_("The bank's profile is saved."), "ok")
            return redirect(url_for("admin_bank.profile"))
    return render_template(
        "admin/bank/profile.html", form=form, bank=bank, **object_history("bank")
    )
