"""A branch's QR poster: `/q/<token>` shows the touchpoint's survey to whoever scanned it.

No one is invited, so no one is known: the answer is anonymous and carries the poster's branch.
The device gets a random id in a cookie (HttpOnly, SameSite=Lax, a year), the one thing the
stuffing limits can tell devices by (app/services/feedback/poster_responses.py).

Forgery: the page's form token is bound to the poster and to the device's id, and a POST
without the device's cookie is refused. A cross-site form cannot send a Lax cookie, so another
site cannot make its visitors' browsers answer for it, one device and network each.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.extensions import db
from app.models import utcnow
from app.services.distribution.posters import active_poster
from app.services.feedback.poster_responses import (
    Limits,
    PosterRefused,
    Visitor,
    poster_survey,
    record_poster_answer,
)
from app.survey.form_tokens import FIELD, form_token, is_valid
from app.survey.forms import SurveyForm, form_class
from app.survey.pages import language_page
from app.web.brand import brand
from app.web.locale import current_language
from surveys.schema import SurveyDefinition

bp = Blueprint("poster_survey", __name__)

DEVICE_COOKIE = "touchloop_device"
DEVICE_COOKIE_AGE = timedelta(days=365)
DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
REFUSED_STATUS = {"answered_today": 409, "too_many": 429}
_ANONYMOUS: dict[tuple[str, int], tuple[SurveyDefinition, type[SurveyForm]]] = {}


@bp.errorhandler(404)
def _gone(_error: Exception) -> Any:
    """Unknown and retired codes alike: the poster is no longer in use."""
    return language_page("survey/poster_gone.html"), 404


@bp.errorhandler(PosterRefused)
def _refused(refused: PosterRefused) -> Any:
    db.session.rollback()
    return language_page(f"survey/poster_{refused.reason}.html"), REFUSED_STATUS[refused.reason]


@bp.route("/q/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    secret = current_app.config["SECRET_KEY"]
    device = _device_id()
    if request.method == "POST" and not (
        device and is_valid(secret, _bound(token, device), request.form.get(FIELD))
    ):
        raise CSRFError(
            _("This answer did not come from the survey page. Please scan the code again.")
        )
    poster = active_poster(db.session, token)
    if poster is None:
        abort(404)
    definition, form_type = anonymous_form(poster_survey(db.session, poster))
    form = form_type()
    if form.validate_on_submit():
        record_poster_answer(
            db.session,
            poster,
            form.answers(),
            visitor=Visitor(device, request.remote_addr or "unknown"),
            limits=Limits(
                secret,
                current_app.config["POSTER_ANSWERS_PER_NETWORK_HOUR"],
                ZoneInfo(brand().timezone),
            ),
            language=current_language(),
            now=utcnow(),
        )
        db.session.commit()
        return language_page("survey/thanks.html")
    device = device or secrets.token_urlsafe(24)
    page = make_response(
        render_template(
            "survey/poster.html",
            form=form,
            definition=definition,
            poster=poster,
            form_token=form_token(secret, _bound(token, device)),
        ),
        422 if form.errors else 200,
    )
    page.headers["Cache-Control"] = "no-store"  # the form token is this device's own
    page.set_cookie(
        DEVICE_COOKIE,
        device,
        max_age=DEVICE_COOKIE_AGE,
        path="/q/",
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return page


def anonymous_form(definition: SurveyDefinition) -> tuple[SurveyDefinition, type[SurveyForm]]:
    """The survey as a poster shows it, and its form: without the question asking leave to
    contact the customer, since no one who answers a poster can be contacted."""
    key = (definition.id, definition.version)
    if key not in _ANONYMOUS:
        consent = definition.with_role("consent")
        shown = definition.model_copy(
            update={
                "questions": [q for q in definition.questions if q is not consent],
                "anonymous": True,
            }
        )
        removed = {consent.id: None} if consent else {}  # WTForms drops a field set to None
        form_type = type(
            f"{definition.id}_v{definition.version}_anonymous_form",
            (form_class(definition),),
            {"definition": shown, **removed},
        )
        _ANONYMOUS[key] = (shown, form_type)
    return _ANONYMOUS[key]


def _device_id() -> str | None:
    """The device's id from its cookie; None when it has none (or one we did not make)."""
    found = request.cookies.get(DEVICE_COOKIE, "")
    return found if DEVICE_ID.match(found) else None


def _bound(token: str, device: str) -> str:
    """What the page's form token signs: this poster on this device."""
    return f"poster:{token}:{device}"
