"""Development only: the e-mails in the outbox as the development page shows them, survey
e-mails to customers apart from e-mails to staff, each survey with the link to answer it.

Anyone who reaches the page can read what it shows, so a password-reset or sign-up e-mail (a
link that takes over a staff account) is shown only to a signed-in admin, even here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.models import Invitation, OutboxMessage, SurveyLink
from app.services.accounts import password_reset
from surveys.tokens import token_digest

SURVEYS = ("invitation", "reminder", "followup")
ADMINS_ONLY = (password_reset.KIND, "staff_invite")
NOT_MAIL = ("webhook",)
SHOWN = 20
SURVEY_PATH = re.compile(r"/s/[A-Za-z0-9_.\-]+")


@dataclass(frozen=True)
class Letter:
    message: OutboxMessage
    survey_path: str | None = None  # where the customer answers, on this server
    invitation: Invitation | None = None  # what the survey asks about, and whom


@dataclass(frozen=True)
class Mail:
    surveys: list[Letter]
    surveys_total: int
    staff: list[Letter]
    staff_total: int
    hidden: int  # account e-mails not shown to this reader


def outbox_mail(session: Session, *, admin: bool) -> Mail:
    """The newest survey e-mails and staff e-mails, and how many of each there are."""
    hidden_kinds = () if admin else ADMINS_ONLY
    to_customers = OutboxMessage.kind.in_(SURVEYS)
    to_staff = OutboxMessage.kind.not_in(SURVEYS + NOT_MAIL + hidden_kinds)
    return Mail(
        surveys=_with_surveys(session, _newest(session, to_customers)),
        surveys_total=_count(session, to_customers),
        staff=[Letter(message) for message in _newest(session, to_staff)],
        staff_total=_count(session, to_staff),
        hidden=_count(session, OutboxMessage.kind.in_(hidden_kinds)),
    )


def _newest(session: Session, which: sa.ColumnElement[bool]) -> list[OutboxMessage]:
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(which)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(SHOWN)
        )
    )


def _with_surveys(session: Session, messages: list[OutboxMessage]) -> list[Letter]:
    """Each survey e-mail with its link and the invitation the link opens."""
    paths = {message.id: _survey_path(message) for message in messages}
    digests = {token_digest(path.removeprefix("/s/")): path for path in paths.values() if path}
    found = session.execute(
        sa.select(SurveyLink.token_hash, Invitation)
        .join(Invitation, Invitation.id == SurveyLink.invitation_id)
        .where(SurveyLink.token_hash.in_(digests))
        .options(joinedload(Invitation.customer), joinedload(Invitation.touchpoint))
    )
    invitations = {digests[digest]: invitation for digest, invitation in found}
    return [
        Letter(message, paths[message.id], invitations.get(paths[message.id] or ""))
        for message in messages
    ]


def _count(session: Session, which: sa.ColumnElement[bool]) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(which)) or 0


def _survey_path(message: OutboxMessage) -> str | None:
    found = SURVEY_PATH.search(message.body_text)
    return found.group() if found else None
