"""Staff sign-in with lockout: an e-mail locks after repeated failures, a noisy IP is slowed.

Counts live in the database (see throttle.py), so the limits hold across web processes and
restarts. Unknown e-mails are counted and locked exactly like real accounts, and every path does
one password hash, so neither the message nor the timing tells whether an account exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.models import User
from app.services.accounts import throttle
from app.services.accounts.users import authenticate, spend_hash_time


@dataclass(frozen=True)
class SignInPolicy:
    account: throttle.Limit
    network: throttle.Limit

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SignInPolicy:
        lock = timedelta(minutes=settings["LOGIN_LOCK_MINUTES"])
        return cls(
            account=throttle.Limit(settings["LOGIN_MAX_FAILURES"], lock, lock),
            network=throttle.Limit(settings["LOGIN_IP_MAX_FAILURES"], lock, lock),
        )


def account_key(email: str) -> str:
    """The throttle key that counts an e-mail's failed sign-ins (and locks it)."""
    return throttle.key_for("login", email)


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked: bool = False


def sign_in(
    session: Session, email: str, password: str, *, ip: str, policy: SignInPolicy, now: datetime
) -> SignIn:
    """The user, or why not: wrong credentials, or locked (the same for unknown e-mails)."""
    account, network = account_key(email), throttle.key_for("login-ip", ip)
    if throttle.is_blocked(session, [account, network], now=now):
        spend_hash_time(password)
        return SignIn(None, locked=True)
    user = authenticate(session, email, password)
    if user is None:
        throttle.record_failure(session, account, policy.account, now=now)
        throttle.record_failure(session, network, policy.network, now=now)
        return SignIn(None)
    throttle.clear(session, account)
    return SignIn(user)
