"""The customer's side: `/s/<token>` shows the survey and takes the answer once."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, g, render_template

from app.extensions import db
from app.locale import current_language
from app.models import Invitation, utcnow
from app.services.invitations import invitation_for_token
from app.services.responses import (
    AnswersIn,
    LinkUnusable,
    check_answerable,
    current_survey,
    record_response,
)
from app.survey.forms import NpsSurveyForm
from surveys.tokens import invitation_id_from, token_digest

bp = Blueprint("survey", __name__)

UNUSABLE_STATUS = {"answered": 409, "expired": 410}


def _invitation(token: str) -> Invitation:
    """The invitation behind a link; forged and unknown links get the same 404."""
    invitation_id = invitation_id_from(current_app.config["SECRET_KEY"], token)
    invitation = invitation_for_token(db.session, token_digest(token)) if invitation_id else None
    if invitation is None or invitation.id != invitation_id:
        abort(404)
    g.page_locale = invitation.customer.locale
    return invitation


@bp.route("/s/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    invitation = _invitation(token)
    form = NpsSurveyForm()
    try:
        check_answerable(invitation, utcnow())
        if form.validate_on_submit():
            answers = AnswersIn(
                nps=int(form.nps.data), comment=form.comment.data or "", language=current_language()
            )
            record_response(db.session, invitation, answers, now=utcnow())
            db.session.commit()
            return render_template("survey/thanks.html")
    except LinkUnusable as unusable:
        db.session.rollback()
        code = UNUSABLE_STATUS[unusable.reason]
        return render_template(f"survey/{unusable.reason}.html"), code
    survey = current_survey(db.session, invitation.touchpoint.survey_code)
    status = 422 if form.errors else 200
    return render_template(
        "survey/form.html", form=form, survey=survey, invitation=invitation
    ), status
