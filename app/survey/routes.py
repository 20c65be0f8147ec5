"""The customer's side: `/s/<token>` (or an SMS's `/r/<code>`) shows the survey and takes the
answer once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from flask import Blueprint, abort, current_app, g, render_template, request
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.models import Customer, utcnow
from app.services.accounts import throttle
from app.services.distribution.links import OpenLink, link_for_token
from app.services.distribution.opt_out import opt_out
from app.services.feedback.responses import (
    LinkUnusable,
    check_answerable,
    record_response,
    save_draft,
    survey_for,
)
from app.survey.form_tokens import form_token, protect_link_posts
from app.survey.forms import form_class
from app.survey.pages import language_page
from app.web.locale import current_language
from surveys.tokens import customer_id_from, invitation_id_from, is_short_code, token_digest

bp = Blueprint("survey", __name__)

UNUSABLE_STATUS = {"answered": 409, "expired": 410}


def _refuse_link() -> NoReturn:
    """A link that led nowhere: 429 for an IP already blocked, else count it and answer 404.

    Only bad links consult the limit. A link whose signature and row check out was made by us,
    so it costs no throttle read, and a customer who shares an IP with a scanner (a carrier's
    NAT) still reaches their survey. Tokens carry 128 random bits, so guessing cannot succeed;
    the limit keeps scanners from trying at all, and lives in the database so every web
    process counts the same failures.
    """
    config = current_app.config
    source = throttle.key_for("survey-ip", request.remote_addr or "unknown")
    now = utcnow()
    if throttle.is_blocked(db.session, [source], now=now):
        abort(429)
    window = timedelta(minutes=config["SURVEY_LINK_BLOCK_MINUTES"])
    limit = throttle.Limit(config["SURVEY_LINK_MAX_FAILURES"], window, window)
    throttle.record_failure(db.session, source, limit, now=now)
    db.session.commit()
    abort(404)


def _link(token: str) -> OpenLink:
    """The invitation behind a link (a signed token, or an SMS's short code); forged and
    unknown links get the same 404."""
    if is_short_code(token):
        link = link_for_token(db.session, token_digest(token))
    else:
        invitation_id = invitation_id_from(current_app.config["SECRET_KEY"], token)
        link = link_for_token(db.session, token_digest(token)) if invitation_id else None
        if link is not None and link.invitation_id != invitation_id:
            link = None
    if link is None:
        _refuse_link()
    g.page_locale = link.locale
    return link


@bp.errorhandler(404)
def _unknown_page(_error: Exception) -> Any:
    """Forged, mistyped and unknown links: one friendly page, the same for all of them."""
    return language_page("survey/unknown.html"), 404


@bp.errorhandler(429)
def _too_many(_error: Exception) -> Any:
    return language_page("survey/too_many.html"), 429


@bp.errorhandler(LinkUnusable)
def _unusable(unusable: LinkUnusable) -> Any:
    db.session.rollback()
    return language_page(f"survey/{unusable.reason}.html"), UNUSABLE_STATUS[unusable.reason]


@bp.route("/s/<token>", methods=["GET", "POST"])
@bp.route("/r/<token>", methods=["GET", "POST"])
@protect_link_posts
def answer(token: str) -> Any:
    link = _link(token)
    check_answerable(link, utcnow())
    definition = survey_for(db.session, link)
    form_type = form_class(definition)
    draft = link.draft if request.method == "GET" else None
    form = form_type(formdata=_multidict(draft)) if draft else form_type()
    if request.form.get("action") == "save":
        save_draft(db.session, link, request.form.to_dict(flat=False), now=utcnow())
        db.session.commit()
        return language_page("survey/saved.html")
    if form.validate_on_submit():
        record_response(db.session, link, form.answers(), language=current_language(), now=utcnow())
        db.session.commit()
        return language_page("survey/thanks.html")
    status = 422 if form.errors else 200
    page = render_template(
        "survey/form.html",
        form=form,
        definition=definition,
        link=link,
        form_token=form_token(current_app.config["SECRET_KEY"], token),
    )
    return page, status


@bp.post("/s/<token>/draft")
@bp.post("/r/<token>/draft")
@protect_link_posts
def draft(token: str) -> Any:
    """The page's script saves answers as they are given, with the page's form token."""
    link = _link(token)
    save_draft(db.session, link, request.form.to_dict(flat=False), now=utcnow())
    db.session.commit()
    return "", 204


@bp.route("/u/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    """One click, no form (RFC 8058): the signed token is the credential, so no CSRF token."""
    customer_id = customer_id_from(current_app.config["SECRET_KEY"], token)
    customer = db.session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        _refuse_link()
    g.page_locale = customer.locale
    if request.method == "GET":
        return language_page("survey/unsubscribe.html")
    opt_out(db.session, customer.id, now=utcnow())
    db.session.commit()
    return language_page("survey/unsubscribed.html")


def _multidict(draft: dict[str, list[str]]) -> MultiDict[str, str]:
    return MultiDict([(key, value) for key, values in draft.items() for value in values])
