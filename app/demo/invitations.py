"""The demo's past invitations as the send and reminder jobs would have left them.

History is imported, not sent again: its e-mails went out long ago, so an invitation is marked
sent without a queued e-mail or a link, and its answer is recorded directly. One still open
has had the reminders that fell due before now and waits for the next; one past its expiry
unanswered has expired, with the reason the reminder job gives.

Nothing in the history reads an invitation's state back except an answer, which claims its
invitation: so an invitation about to be answered is written at once, and the thousands of
others together at the end, a few statements in all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Invitation, InvitationStatus
from app.services.database.statements import connection_of

NOT_ANSWERED = "not answered before it expired"  # as app.services.distribution.invitations
TABLE = Invitation.__table__
BY_ID = TABLE.update().where(TABLE.c.id == sa.bindparam("invitation_id"))


class Outcomes:
    """What became of each invitation, written when needed (see above)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._later: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)

    def sent(
        self,
        invitation_id: int,
        *,
        at: datetime,
        expires_at: datetime,
        reminder_hours: list[int],
        answered_at: datetime | None,
        now: datetime,
    ) -> None:
        """Sent at `at`; reminded until answered (the answer itself is recorded by the caller)."""
        until = min(answered_at or now, expires_at, now)
        reminders = [at + timedelta(hours=hours) for hours in reminder_hours]
        values: dict[str, Any] = {
            "status": InvitationStatus.SENT,
            "sent_at": at,
            "reason": "",
            "reminders_sent": sum(1 for moment in reminders if moment <= until),
            "next_reminder_at": None,
        }
        if answered_at is not None:
            connection_of(self.session).execute(BY_ID, [{"invitation_id": invitation_id, **values}])
            return
        if expires_at <= now:
            values |= {"status": InvitationStatus.EXPIRED, "reason": NOT_ANSWERED}
        else:
            values["next_reminder_at"] = next((m for m in reminders if m > now), None)
        self._keep(invitation_id, values)

    def waiting(self, invitation_id: int, *, until: datetime, reason: str) -> None:
        """Deferred by the contact rules to a moment after now."""
        status = InvitationStatus.DEFERRED
        self._keep(invitation_id, {"status": status, "send_after": until, "reason": reason})

    def stopped(self, invitation_id: int, *, status: str, reason: str) -> None:
        """Suppressed or expired by the contact rules, with why."""
        self._keep(invitation_id, {"status": status, "reason": reason})

    def write(self) -> None:
        """Everything kept for later, one statement per shape of row."""
        for rows in self._later.values():
            connection_of(self.session).execute(BY_ID, rows)
        self._later.clear()

    def _keep(self, invitation_id: int, values: dict[str, Any]) -> None:
        self._later[frozenset(values)].append({"invitation_id": invitation_id, **values})
