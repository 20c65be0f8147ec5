"""Turning a due invitation into a signed link and a queued e-mail, in one transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from app.models import Invitation, InvitationStatus
from app.services.claims import claim_due
from app.services.outbox import enqueue_email
from app.services.surveys import current_survey
from surveys.tokens import new_token, token_digest


def claim_due_invitations(session: Session, *, now: datetime, limit: int = 100) -> list[int]:
    """Lease the scheduled invitations whose send time has come."""
    return claim_due(
        session,
        Invitation,
        Invitation.status == InvitationStatus.SCHEDULED,
        Invitation.send_after <= now,
        now=now,
        limit=limit,
    )


def dispatch_invitation(
    session: Session, invitation_id: int, *, secret_key: str, base_url: str, now: datetime
) -> bool:
    """Issue the link and queue the e-mail; False when there was nothing (left) to send."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status != InvitationStatus.SCHEDULED:
        return False
    invitation.claimed_until = None
    customer = invitation.customer
    if invitation.expires_at is not None and invitation.expires_at <= now:
        invitation.status = InvitationStatus.EXPIRED
        invitation.reason = "expired before it could be sent"
        return False
    if not customer.email:
        invitation.status = InvitationStatus.SUPPRESSED
        invitation.reason = "customer has no e-mail address"
        return False
    invitation.survey = current_survey(session, invitation.touchpoint.survey_code)
    token = new_token(secret_key, invitation.id)
    invitation.token_hash = token_digest(token)
    invitation.status = InvitationStatus.SENT
    invitation.sent_at = now
    context = {
        "customer": customer,
        "touchpoint": invitation.touchpoint,
        "link": f"{base_url}/s/{token}",
        "expires_at": invitation.expires_at,
    }
    with force_locale(customer.locale):
        subject = gettext("How did we do? A one-minute question from your bank")
        body_text = render_template("email/invitation.txt", **context)
        body_html = render_template("email/invitation.html", **context)
    enqueue_email(
        session,
        kind="invitation",
        subject_key=f"invitation:{invitation.id}",
        recipient=customer.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        now=now,
    )
    return True


def invitation_for_token(session: Session, token_hash: str) -> Invitation | None:
    """The invitation a link opens, found by the hash the database keeps."""
    return session.scalar(sa.select(Invitation).where(Invitation.token_hash == token_hash))
