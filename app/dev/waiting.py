"""Development only: the invitations still waiting to be sent, each with why and when it goes,
and a way to send one now.

"Send now" puts the invitation through the send job's own path (the contact rules, a link, an
e-mail queued in the outbox), under rules with no quiet hours and no survey fatigue; the
touchpoint's cooldown, a higher-priority survey, opt-out and expiry still hold. It exists only
where the development outbox page does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, joinedload

from app.models import Invitation, Touchpoint
from app.services.distribution.invitations import WAITING, Links, dispatch_invitation
from app.web.locale import local_name
from app.web.reasons import reason_words
from workflows.contact_rules import ContactPolicy, Verdict

ANY_HOUR = ContactPolicy(fatigue_days={}, default_fatigue_days=0, quiet_start=time(0),
                         quiet_end=time(0))  # fmt: skip
SHOWN = 20


@dataclass(frozen=True)
class Waiting:
    """One invitation that waits, as the page says it."""

    invitation: Invitation
    why: str
    goes_at: datetime
    customer_clock: str  # the time it goes, on the customer's own clock ("08:00")
    goes_in: str  # "in 6 h", or "now"


def waiting_invitations(session: Session, *, now: datetime) -> tuple[list[Waiting], int]:
    """The first invitations due to go, with why each waits; and how many wait in all."""
    waiting = Invitation.status.in_(WAITING)
    total = session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(waiting))
    rows = session.scalars(
        sa.select(Invitation)
        .where(waiting)
        .order_by(Invitation.send_after, Invitation.id)
        .options(joinedload(Invitation.customer), joinedload(Invitation.touchpoint))
        .limit(SHOWN)
    ).all()
    names = touchpoint_names(session)
    return [_waiting(row, names, now) for row in rows], total or 0


def touchpoint_names(session: Session) -> dict[str, str]:
    """Touchpoint codes to their names in the page's language, for the reasons."""
    return {t.code: local_name(t) for t in session.scalars(sa.select(Touchpoint))}


def _waiting(invitation: Invitation, names: dict[str, str], now: datetime) -> Waiting:
    zone = invitation.customer.timezone
    goes_at = invitation.send_after
    return Waiting(
        invitation=invitation,
        why=why_it_waits(invitation, names, now),
        goes_at=goes_at,
        customer_clock=goes_at.astimezone(ZoneInfo(zone)).strftime("%H:%M"),
        goes_in=_until(goes_at, now),
    )


def why_it_waits(invitation: Invitation, names: dict[str, str], now: datetime) -> str:
    """The contact rules' reason in words, or, before they have judged it, the touchpoint's."""
    if invitation.reason:
        return reason_words(invitation.reason, names)
    if invitation.send_after <= now:
        return _("due now: the worker sends it at its next run, if the contact rules allow")
    touchpoint = invitation.touchpoint
    name = names.get(touchpoint.code, touchpoint.name)
    if touchpoint.send_at_local_time:
        return _(
            "%(touchpoint)s surveys go out at %(time)s on the customer's clock",
            touchpoint=name,
            time=touchpoint.send_at_local_time,
        )
    return _(
        "%(touchpoint)s surveys go out %(minutes)d minutes after the event",
        touchpoint=name,
        minutes=touchpoint.delay_minutes,
    )


def _until(moment: datetime, now: datetime) -> str:
    minutes = (moment - now).total_seconds() / 60
    if minutes < 1:
        return _("now")
    if minutes < 60:
        amount = _("%(n)d min", n=round(minutes))
    elif minutes < 48 * 60:
        amount = _("%(n)d h", n=round(minutes / 60))
    else:
        amount = _("%(n)d d", n=round(minutes / 60 / 24))
    return _("in %(amount)s", amount=amount)


def send_now(
    session: Session, invitation_id: int, *, links: Links, now: datetime
) -> Verdict | None:
    """Send one waiting invitation now, past quiet hours and fatigue; what became of it."""
    return dispatch_invitation(session, invitation_id, links=links, policy=ANY_HOUR, now=now)
