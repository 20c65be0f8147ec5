"""The contact rules as an admin keeps them: fatigue by segment, quiet hours, new touchpoints'
cooldown.

Until they are saved the environment's rules (FATIGUE_DAYS, QUIET_HOURS, read into
app.config["CONTACT_POLICY"] and handed in here as `default`) stand in. The row is read once
per run of the send job and per page, so a change applies at the next run in every process.

A change is judged again for what is waiting: invitations deferred under the old rules are due
at once, so the next run decides them under the new ones (a rule loosened sends them sooner, a
rule tightened defers them with the new reason). Scheduled invitations keep their planned send
time, which is the touchpoint's delay, not a rule's verdict; they meet the new rules when due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import ContactRules, Invitation, InvitationStatus
from app.services.governance.edits import apply_edit
from workflows.contact_rules import ContactPolicy

SUBJECT = "contact_rules"
POLICY_FIELDS = frozenset({"default_fatigue_days", "fatigue_days", "quiet_start", "quiet_end"})
FIELDS = POLICY_FIELDS | {"default_cooldown_days"}
# A new touchpoint's cooldown while nothing is saved: the touchpoints' own default.
DEFAULT_COOLDOWN_DAYS = 30


@dataclass(frozen=True)
class ContactSettings:
    """The rules in force, as the admin's page shows them."""

    policy: ContactPolicy
    default_cooldown_days: int
    saved: bool  # False: the environment's rules stand in


def contact_policy(session: Session, *, default: ContactPolicy) -> ContactPolicy:
    """The rules the send job applies: the saved ones, or `default` while none are saved."""
    return contact_settings(session, default=default).policy


def contact_settings(session: Session, *, default: ContactPolicy) -> ContactSettings:
    rules = session.get(ContactRules, 1)
    if rules is None:
        return ContactSettings(default, DEFAULT_COOLDOWN_DAYS, saved=False)
    policy = ContactPolicy(
        fatigue_days=dict(rules.fatigue_days),
        default_fatigue_days=rules.default_fatigue_days,
        quiet_start=time.fromisoformat(rules.quiet_start),
        quiet_end=time.fromisoformat(rules.quiet_end),
    )
    return ContactSettings(policy, rules.default_cooldown_days, saved=True)


def save_contact_rules(
    session: Session, values: dict[str, Any], *, actor: str, now: datetime
) -> int:
    """Store the rules (the first save writes every field on the log); the number of deferred
    invitations handed back to the send job to be judged under them."""
    rules = session.get(ContactRules, 1)
    if rules is None:
        rules = ContactRules(id=1)
        session.add(rules)
    changes = apply_edit(session, rules, values, FIELDS, actor=actor,
                         action="contact_rules.update", subject=SUBJECT)  # fmt: skip
    if not POLICY_FIELDS & changes.keys():
        return 0
    rejudged = session.execute(
        sa.update(Invitation)
        .where(
            Invitation.status == InvitationStatus.DEFERRED,
            Invitation.sent_at.is_(None),  # as the send job's claim reads them (its index)
            Invitation.send_after > now,
        )
        .values(send_after=now)
        .execution_options(synchronize_session=False)
    )
    return rejudged.rowcount
