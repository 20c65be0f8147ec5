"""Staff password reset by e-mail, which never tells whether an account exists.

Every request counts against the typed e-mail and the IP, whether or not an account has that
e-mail, and gets the same answer; only for an active account is a link queued in the outbox,
in the same transaction. The link carries 256 random bits and the reset table keeps only their
SHA-256 (like survey links and API keys); the e-mail in the outbox holds it in clear (see
SECURITY.md). A link works once, for a limited time, and only while it is the account's newest
and the password has not changed since.

An admin's invitation is the same kind of link (purpose "invite"), living longer: the invited
account has no password until its owner chooses one with it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import PasswordReset, User
from app.services.accounts import signin, throttle
from app.services.accounts.users import AccountError, end_reset_links, has_password, set_password
from app.services.distribution.letters import write_letter
from app.services.distribution.outbox import enqueue_email
from app.services.governance import audit
from app.services.governance.edits import record_action
from surveys.tokens import token_digest

KIND = "password_reset"
INVITE = "staff_invite"


@dataclass(frozen=True)
class ResetPolicy:
    lifetime: timedelta
    invite_lifetime: timedelta
    per_email: throttle.Limit
    per_ip: throttle.Limit
    base_url: str

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ResetPolicy:
        window = timedelta(minutes=settings["PASSWORD_RESET_WINDOW_MINUTES"])
        return cls(
            lifetime=timedelta(minutes=settings["PASSWORD_RESET_MINUTES"]),
            invite_lifetime=timedelta(hours=settings["PASSWORD_RESET_INVITE_HOURS"]),
            per_email=throttle.Limit(settings["PASSWORD_RESET_MAX_PER_EMAIL"], window, window),
            per_ip=throttle.Limit(settings["PASSWORD_RESET_MAX_PER_IP"], window, window),
            base_url=settings["BASE_URL"],
        )


def request_reset(
    session: Session, email: str, *, ip: str, policy: ResetPolicy, now: datetime
) -> bool:
    """Queue a reset link if `email` is an active account's; False only when throttled.

    Every request counts, for known and unknown e-mails alike, so neither the answer nor the
    limit says whether the account exists.
    """
    by_email, by_ip = throttle.key_for(KIND, email), throttle.key_for(f"{KIND}-ip", ip)
    if throttle.is_blocked(session, [by_email, by_ip], now=now):
        return False
    throttle.record_failure(session, by_email, policy.per_email, now=now)
    throttle.record_failure(session, by_ip, policy.per_ip, now=now)
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower(), User.active))
    if user is not None:
        _send_link(session, user, policy, now)
    return True


@contextmanager
def taking_at_least(seconds: float) -> Iterator[None]:
    """Pad a request to a fixed duration: a real account's link costs a few milliseconds more
    (rendering, three writes), which would otherwise tell it from an unknown e-mail."""
    deadline = time.monotonic() + seconds
    yield
    time.sleep(max(0.0, deadline - time.monotonic()))


def _send_link(session: Session, user: User, policy: ResetPolicy, now: datetime) -> None:
    """A new link, which replaces any the account still has open."""
    reset_id, link = _new_link(session, user, "reset", policy.lifetime, policy.base_url, now)
    context = {"link": link, "minutes": int(policy.lifetime.total_seconds() // 60)}
    letter = write_letter(
        user.locale, "password_reset", lambda: gettext("Reset your Touchloop password"), **context
    )
    enqueue_email(
        session,
        kind=KIND,
        subject_key=f"{KIND}:{reset_id}",
        recipient=user.email,
        now=now,
        **letter._asdict(),
    )
    audit.record(session, "anonymous", "password.reset_requested", f"user:{user.id}", at=now)


def send_invite(
    session: Session, user: User, *, actor: str, policy: ResetPolicy, now: datetime
) -> None:
    """Queue, in the user's language, a link to choose a first password; a link sent before
    stops working. Only for an active user who has no password yet."""
    if not user.active or has_password(user):
        raise AccountError(_l("Only an active user who has not chosen a password is invited."))
    lifetime = policy.invite_lifetime
    reset_id, link = _new_link(session, user, "invite", lifetime, policy.base_url, now)
    letter = write_letter(
        user.locale,
        INVITE,
        lambda: gettext("Welcome to Touchloop: choose your password"),
        name=user.name,
        email=user.email,
        link=link,
        hours=int(lifetime.total_seconds() // 3600),
        sign_in=f"{policy.base_url}/auth/login",
    )
    enqueue_email(
        session,
        kind=INVITE,
        subject_key=f"{INVITE}:{reset_id}",
        recipient=user.email,
        now=now,
        **letter._asdict(),
    )
    record_action(session, actor=actor, action="user.invite", subject=f"user:{user.id}",
                  expires_at=now + lifetime)  # fmt: skip


def _new_link(
    session: Session, user: User, purpose: str, lifetime: timedelta, base_url: str, now: datetime
) -> tuple[int, str]:
    """A new link's id and address; it replaces any the account still has open."""
    end_reset_links(session, user.id, now=now)
    token = secrets.token_urlsafe(32)
    reset = PasswordReset(
        user_id=user.id, token_hash=token_digest(token), purpose=purpose, expires_at=now + lifetime
    )
    session.add(reset)
    session.flush()
    return reset.id, f"{base_url}/auth/reset/{token}"


def _usable(token: str, now: datetime) -> sa.ColumnElement[bool]:
    """Unspent, unexpired, and its account still active."""
    return sa.and_(
        PasswordReset.token_hash == token_digest(token),
        PasswordReset.spent_at.is_(None),
        PasswordReset.expires_at > now,
        PasswordReset.user_id.in_(sa.select(User.id).where(User.active)),
    )


class OpenLink(NamedTuple):
    """What the page of a working link needs: why it was sent, and its reader's language."""

    purpose: str
    locale: str


def open_link(session: Session, token: str, *, now: datetime) -> OpenLink | None:
    """A link that may still set a password; None if unknown, used, replaced or expired."""
    found = sa.select(PasswordReset.purpose, User.locale).join(User).where(_usable(token, now))
    row = session.execute(found).first()
    return None if row is None else OpenLink(*row)


def complete_reset(session: Session, token: str, password: str, *, now: datetime) -> User | None:
    """Spend the link and set the password; None if the link no longer works.

    The link is spent by a conditional UPDATE, so of two submits racing only one sets a
    password. The account's sign-in lockout and reset count are cleared: its owner has just
    proved they hold its mailbox.
    """
    spent = session.execute(
        sa.update(PasswordReset)
        .where(_usable(token, now))
        .values(spent_at=now)
        .returning(PasswordReset.user_id, PasswordReset.purpose)
        .execution_options(synchronize_session=False)
    ).first()
    if spent is None:
        return None
    user = session.get_one(User, spent.user_id)
    set_password(session, user, password, now=now)
    throttle.clear(session, signin.account_key(user.email))
    throttle.clear(session, throttle.key_for(KIND, user.email))
    action = "user.invite_accepted" if spent.purpose == "invite" else "password.reset"
    audit.record(session, f"user:{user.id}", action, f"user:{user.id}", at=now)
    return user
