"""Sending invitations and reminders: contact rules first, then a channel, a link and a message.

The customer's row is locked (a no-op update) before their contact history is read, so two
workers dispatching two invitations for the same customer take turns and the fatigue rule
holds, whatever channel each goes by: the rules count invitations sent to the customer, never
messages to an address. The channel is the first of the touchpoint's that reaches the customer
(workflows.channel_choice); its message is queued in the same transaction as the status change,
and an SMS or WeChat message that gets no delivery receipt in time makes the next channel due
(distribution.fallback). "link" sends nothing: the bank's app asks for the link (`open_in_app`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import Session, joinedload

from app.models import (
    ChannelSettings,
    Customer,
    Invitation,
    InvitationStatus,
    SurveyLink,
    Touchpoint,
)
from app.services.database.claims import DEFAULT_LEASE, claim_due
from app.services.distribution.channel_settings import (
    EMAIL,
    LINK,
    SMS,
    WECHAT,
    channel_settings,
    message_channels,
)
from app.services.distribution.channels.sms import cloud_template_params, sms_text
from app.services.distribution.channels.wechat import wechat_payload, wechat_summary
from app.services.distribution.letters import catalogue, write_letter
from app.services.distribution.outbox import enqueue_email, enqueue_message
from app.services.feedback.responses import survey_code_for
from app.services.feedback.survey_versions import current_survey
from surveys.tokens import new_short_code, new_token, token_digest, unsubscribe_token
from workflows.channel_choice import Addresses, choose_channel
from workflows.contact_rules import Ask, ContactHistory, ContactPolicy, Decision, Verdict, decide

WAITING = (InvitationStatus.SCHEDULED, InvitationStatus.DEFERRED)
ASKED = (InvitationStatus.SENT, InvitationStatus.ANSWERED)


Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Links:
    """What a message needs to build its links, and the environment's provider settings (the
    secrets), which tell whether SMS and WeChat are ready."""

    secret_key: str
    base_url: str
    providers: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Links:
        return cls(config["SECRET_KEY"], config["BASE_URL"], config)


@dataclass(frozen=True)
class InAppAnswer:
    """What the bank's app is told when it asks for a survey link: the URL, or why not."""

    status: str
    url: str | None = None
    reason: str = ""


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
    invitation = _waiting(session, invitation_id)
    if invitation is None:
        return None
    settings = channel_settings(session)
    decision = _decide(session, invitation, policy, now)
    channel = None
    if decision.verdict == Verdict.SEND:
        choice = choose_channel(
            invitation.touchpoint.channels,
            addresses(invitation.customer),
            ready=message_channels(settings, links.providers),
            tried=invitation.channels_tried,
        )
        if choice.channel is None:
            decision = Decision(Verdict.SUPPRESS, choice.reason)
        channel = choice.channel
    with session.no_autoflush:  # the verdict and the lease's end go out as one UPDATE
        invitation.claimed_until = None
        if channel is not None:
            _send(session, invitation, channel, links, now)
        else:
            _hold(invitation, decision)
    session.flush()
    return decision.verdict


def open_in_app(
    session: Session, invitation_id: int, *, links: Links, policy: ContactPolicy, now: datetime
) -> InAppAnswer:
    """The survey's URL for the bank's app to show at once ("link": no message is sent).

    The same contact rules apply as to a message: a customer surveyed too recently, asleep in
    quiet hours or opted out gets no URL, and the answer says why. A deferred invitation stays
    deferred and later goes by the touchpoint's message channels.
    """
    invitation = _waiting(session, invitation_id)
    if invitation is None:
        current = session.get(Invitation, invitation_id)
        status = current.status if current is not None else InvitationStatus.SUPPRESSED
        return InAppAnswer(status, reason=current.reason if current is not None else "")
    decision = _decide(session, invitation, policy, now)
    url = None
    with session.no_autoflush:
        invitation.claimed_until = None
        if decision.verdict == Verdict.SEND:
            url = _send(session, invitation, LINK, links, now)
        else:
            _hold(invitation, decision)
    session.flush()
    return InAppAnswer(invitation.status, url, invitation.reason)


def addresses(customer: Customer) -> Addresses:
    return Addresses(
        email=customer.email,
        mobile=customer.mobile,
        wechat_openid=customer.wechat_openid,
        preferred=customer.preferred_channel,
    )


def _waiting(session: Session, invitation_id: int) -> Invitation | None:
    """The invitation if it still waits to be sent, its customer's row locked."""
    invitation = session.get(Invitation, invitation_id, options=WITH_CUSTOMER_AND_TOUCHPOINT)
    if invitation is None or invitation.status not in WAITING:
        return None
    session.execute(
        sa.update(Customer)
        .where(Customer.id == invitation.customer_id)
        .values(id=Customer.id)
        .execution_options(synchronize_session=False)
    )
    return invitation


def _decide(
    session: Session, invitation: Invitation, policy: ContactPolicy, now: datetime
) -> Decision:
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
    return decide(ask, _history(session, invitation, now), policy, now)


def _hold(invitation: Invitation, decision: Decision) -> None:
    """Record a verdict other than "send": deferred to a time, or not sent and why."""
    if decision.verdict == Verdict.DEFER:
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


def _send(
    session: Session, invitation: Invitation, channel: str, links: Links, now: datetime
) -> str:
    """Mark the invitation sent by `channel` and queue its message; the survey's URL."""
    code = survey_code_for(invitation.case_id, invitation.touchpoint.survey_code)
    invitation.survey = current_survey(session, code)
    invitation.status, invitation.reason = InvitationStatus.SENT, ""
    invitation.sent_at = now
    invitation.channel = channel
    invitation.next_reminder_at = None if channel == LINK else _reminder_due(invitation, now)
    if channel == LINK:
        return _survey_url(session, invitation, links)
    kind = "followup" if invitation.case_id else "invitation"
    return queue_message(session, invitation, kind, f"invitation:{invitation.id}", links, now)


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
    queue_message(session, invitation, "reminder", key, links, now)
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


def queue_message(
    session: Session, invitation: Invitation, kind: str, key: str, links: Links, now: datetime
) -> str:
    """Queue the invitation's message by its channel, with a link of its own; the link.

    An SMS or WeChat message must be confirmed by the provider's receipt within the bank's
    receipt wait, or the invitation's next channel becomes due (distribution.fallback).
    """
    channel = invitation.channel or EMAIL
    url = _survey_url(session, invitation, links, short=channel == SMS)
    if channel not in (SMS, WECHAT):
        _queue_email(session, invitation, kind, key, url, links, now)
        return url
    settings = channel_settings(session)
    compose = _sms if channel == SMS else _wechat
    recipient, text, payload = compose(invitation, url, settings, now)
    enqueue_message(
        session,
        channel=channel,
        kind=kind,
        subject_key=key,
        recipient=recipient,
        body_text=text,
        payload=payload,
        invitation_id=invitation.id,
        now=now,
    )
    invitation.delivery_due_at = now + timedelta(minutes=settings.receipt_wait_minutes)
    return url


def _survey_url(
    session: Session, invitation: Invitation, links: Links, *, short: bool = False
) -> str:
    """A new link to the invitation's survey: a signed token, or for an SMS a short code."""
    token = new_short_code() if short else new_token(links.secret_key, invitation.id)
    session.add(SurveyLink(invitation_id=invitation.id, token_hash=token_digest(token)))
    return f"{links.base_url}/{'r' if short else 's'}/{token}"


class Message(NamedTuple):
    """An SMS or WeChat message as the outbox keeps it."""

    recipient: str
    text: str
    payload: dict[str, Any]


def _in_their_words(invitation: Invitation) -> tuple[Language, str]:
    """The customer's language ("zh" or "en") and the touchpoint's name in it."""
    touchpoint = invitation.touchpoint
    if catalogue(invitation.customer.locale) == "zh_CN":
        return "zh", touchpoint.name_zh or touchpoint.name
    return "en", touchpoint.name


def _sms(invitation: Invitation, url: str, settings: ChannelSettings, now: datetime) -> Message:
    language, name = _in_their_words(invitation)
    assert invitation.customer.mobile is not None
    return Message(
        invitation.customer.mobile,
        sms_text(settings, language=language, touchpoint_name=name, link=url),
        {
            "language": language,
            "template_params": cloud_template_params(touchpoint_name=name, link=url),
        },
    )


def _wechat(invitation: Invitation, url: str, settings: ChannelSettings, now: datetime) -> Message:
    language, name = _in_their_words(invitation)
    customer = invitation.customer
    when = (invitation.sent_at or now).astimezone(ZoneInfo(customer.timezone))
    payload = wechat_payload(
        settings,
        language=language,
        touchpoint_name=name,
        when_text=when.strftime("%Y-%m-%d %H:%M"),
        link=url,
    )
    assert customer.wechat_openid is not None
    return Message(customer.wechat_openid, wechat_summary(payload), payload)


def _queue_email(
    session: Session,
    invitation: Invitation,
    kind: str,
    key: str,
    url: str,
    links: Links,
    now: datetime,
) -> None:
    """A survey e-mail with its link, an unsubscribe link and the one-click header."""
    customer = invitation.customer
    unsubscribe = f"{links.base_url}/u/{unsubscribe_token(links.secret_key, customer.id)}"
    context = {
        "customer": customer,
        "touchpoint": invitation.touchpoint,
        "link": url,
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
        invitation_id=invitation.id,
        **letter._asdict(),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
