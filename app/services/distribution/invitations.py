"""Sending invitations and reminders: contact rules first, then a link and a queued e-mail.

The customer's row is locked (a no-op update) before their contact history is read, so two
workers dispatching two invitations for the same customer take turns and the fatigue rule
holds; the e-mail is queued in the same transaction as the status change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Session, joinedload

from app.models import Customer, Invitation, InvitationStatus, SurveyLink, Touchpoint
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.distribution.letters import write_letter
from app.services.distribution.outbox import enqueue_email
from app.services.feedback.responses import survey_code_for
from app.services.feedback.survey_versions import current_survey
from surveys.tokens import new_token, token_digest, unsubscribe_token
from workflows.contact_rules import Ask, ContactHistory, ContactPolicy, Decision, Verdict, decide

WAITING = (InvitationStatus.SCHEDULED, InvitationStatus.DEFERRED)
ASKED = (InvitationStatus.SENT, InvitationStatus.ANSWERED)


@dataclass(frozen=True)
class Links:
    """What an e-mail needs to build its links."""

    secret_key: str
    base_url: str


def claim_due_invitations(
    session: Session, *, now: datetime, limit: int = 100, lease: timedelta = DEFAULT_LEASE
) -> list[int]:
    """Lease the scheduled or deferred invitations whose send time has come."""
    return claim_due(
        session,
        Invitation,
        Invitation.status.in_(WAITING),
        Invitation.sent_at.is_(None),  # always true of a waiting one; lets ix_invitation_due serve
        Invitation.send_after <= now,
        now=now,
        limit=limit,
        lease=lease,
    )


# One SELECT for the invitation and what the contact rules read of it, not three.
WITH_CUSTOMER_AND_TOUCHPOINT = (joinedload(Invitation.customer), joinedload(Invitation.touchpoint))


def dispatch_invitation(
    session: Session, invitation_id: int, *, links: Links, policy: ContactPolicy, now: datetime
) -> Verdict | None:
    """Apply the contact rules and act on them; None when there was nothing (left) to do."""
    invitation = session.get(Invitation, invitation_id, options=WITH_CUSTOMER_AND_TOUCHPOINT)
    if invitation is None or invitation.status not in WAITING:
        return None
    session.execute(
        sa.update(Customer)
        .where(Customer.id == invitation.customer_id)
        .values(id=Customer.id)
        .execution_options(synchronize_session=False)
    )
    customer, touchpoint = invitation.customer, invitation.touchpoint
    followup = invitation.case_id is not None  # the customer expects it: no fatigue, no cooldown
    ask = Ask(
        touchpoint=touchpoint.code,
        priority=touchpoint.priority,
        cooldown=timedelta(0) if followup else timedelta(days=touchpoint.cooldown_days),
        overrides_fatigue=followup or touchpoint.overrides_fatigue,
        expires_at=invitation.expires_at or now + timedelta(days=touchpoint.expiry_days),
        segment=customer.segment,
        timezone=customer.timezone,
        opted_out=customer.opted_out_at is not None,
    )
    decision = decide(ask, _history(session, invitation, now), policy, now)
    if decision.verdict == Verdict.SEND and not customer.email:
        decision = Decision(Verdict.SUPPRESS, "customer has no e-mail address")
    with session.no_autoflush:  # the verdict and the lease's end go out as one UPDATE
        invitation.claimed_until = None
        if decision.verdict == Verdict.SEND:
            _send(session, invitation, links, now)
        elif decision.verdict == Verdict.DEFER:
            assert decision.at is not None
            invitation.status, invitation.send_after = InvitationStatus.DEFERRED, decision.at
            invitation.reason = f"deferred: {decision.reason}"
        else:
            invitation.status = (
                InvitationStatus.SUPPRESSED
                if decision.verdict == Verdict.SUPPRESS
                else InvitationStatus.EXPIRED
            )
            invitation.reason = decision.reason
    session.flush()
    return decision.verdict


def _history(session: Session, invitation: Invitation, now: datetime) -> ContactHistory:
    mine = Invitation.customer_id == invitation.customer_id
    last_sent, last_here = session.execute(
        sa.select(
            sa.func.max(Invitation.sent_at),
            sa.func.max(Invitation.sent_at).filter(
                Invitation.touchpoint_id == invitation.touchpoint_id
            ),
        ).where(mine, Invitation.status.in_(ASKED))
    ).one()
    competing = session.scalar(
        sa.select(sa.func.max(Touchpoint.priority))
        .join(Invitation, Invitation.touchpoint_id == Touchpoint.id)
        .where(
            mine,
            Invitation.id != invitation.id,
            Invitation.status.in_(WAITING),
            Invitation.send_after <= now,
        )
    )
    return ContactHistory(last_sent, last_here, competing)


def _send(session: Session, invitation: Invitation, links: Links, now: datetime) -> None:
    code = survey_code_for(invitation.case_id, invitation.touchpoint.survey_code)
    invitation.survey = current_survey(session, code)
    invitation.status, invitation.reason = InvitationStatus.SENT, ""
    invitation.sent_at = now
    invitation.next_reminder_at = _reminder_due(invitation, now)
    kind = "followup" if invitation.case_id else "invitation"
    _queue_email(session, invitation, kind, f"invitation:{invitation.id}", links, now)


def claim_due_reminders(
    session: Session, *, now: datetime, limit: int = 100, lease: timedelta = DEFAULT_LEASE
) -> list[int]:
    """Lease sent, unanswered invitations whose next reminder is due."""
    return claim_due(
        session,
        Invitation,
        Invitation.status == InvitationStatus.SENT,
        Invitation.next_reminder_at <= now,
        now=now,
        limit=limit,
        lease=lease,
    )


def remind(session: Session, invitation_id: int, *, links: Links, now: datetime) -> bool:
    """Send one reminder, or stop reminding on answer, expiry or opt-out; True when sent."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.status != InvitationStatus.SENT:
        return False
    invitation.claimed_until = None
    if invitation.expires_at is not None and invitation.expires_at <= now:
        invitation.status, invitation.next_reminder_at = InvitationStatus.EXPIRED, None
        invitation.reason = "not answered before it expired"
        return False
    if invitation.customer.opted_out_at is not None:
        invitation.next_reminder_at = None
        invitation.reason = "reminders stopped: customer opted out"
        return False
    invitation.reminders_sent += 1
    key = f"invitation:{invitation.id}:reminder:{invitation.reminders_sent}"
    _queue_email(session, invitation, "reminder", key, links, now)
    invitation.next_reminder_at = _reminder_due(invitation, now)
    return True


def _reminder_due(invitation: Invitation, now: datetime) -> datetime | None:
    """The next reminder's time from the touchpoint's schedule (hours after the first e-mail)."""
    schedule = invitation.touchpoint.reminder_hours or []
    if invitation.reminders_sent >= len(schedule) or invitation.sent_at is None:
        return None
    due = invitation.sent_at + timedelta(hours=schedule[invitation.reminders_sent])
    return max(due, now)


def _subject(kind: str) -> str:
    return {
        "invitation": gettext("How did we do? A one-minute question from your bank"),
        "reminder": gettext("A reminder: one minute to tell us how we did"),
        "followup": gettext("Did we put it right? Two questions about your case"),
    }[kind]


def _queue_email(
    session: Session, invitation: Invitation, kind: str, key: str, links: Links, now: datetime
) -> None:
    """A survey e-mail with its own link, an unsubscribe link and the one-click header."""
    customer = invitation.customer
    token = new_token(links.secret_key, invitation.id)
    session.add(SurveyLink(invitation_id=invitation.id, token_hash=token_digest(token)))
    unsubscribe = f"{links.base_url}/u/{unsubscribe_token(links.secret_key, customer.id)}"
    context = {
        "customer": customer,
        "touchpoint": invitation.touchpoint,
        "link": f"{links.base_url}/s/{token}",
        "unsubscribe": unsubscribe,
        "expires_at": invitation.expires_at,
    }
    letter = write_letter(
        customer.locale, kind, lambda: _subject(kind), zone=customer.timezone, **context
    )
    assert customer.email is not None
    enqueue_email(
        session,
        kind=kind,
        subject_key=key,
        recipient=customer.email,
        now=now,
        **letter._asdict(),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
