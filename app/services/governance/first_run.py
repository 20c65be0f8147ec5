"""Setting a bank up for the first time: its profile, its first admin, its surveys.

Until an active admin exists anyone who reaches the site could claim it, so the first-visit
page asks for a one-time code that only someone who can read the server's console has: it is
drawn when the page is first asked for, printed to the log, kept as a hash with an expiry, and
spent by one conditional UPDATE, so two people racing to finish set the bank up once. The
command line (`flask --app wsgi setup`) does the same for whoever runs the server.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from app.models import Bank, Role, User
from app.services.accounts.users import create_user
from app.services.feedback.survey_versions import sync_surveys
from app.services.governance.bank_profile import bank_profile, save_bank_profile
from app.services.governance.edits import record_action

CODE_LIFETIME = timedelta(minutes=30)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


class SetupRefused(ValueError):
    """Setup cannot go on: the bank is set up already, or the code is wrong or expired."""


@dataclass(frozen=True)
class FirstAdmin:
    email: str
    password: str
    name: str = ""
    locale: str = "zh_CN"


def needs_setup(session: Session) -> bool:
    """No active admin yet: the bank is not set up."""
    admin = sa.select(User.id).where(User.role == Role.ADMIN, User.active).limit(1)
    return session.scalar(admin) is None


def draw_setup_code(session: Session, *, now: datetime) -> str | None:
    """A new one-time code if setup is needed and none is still valid; None otherwise.

    The caller prints it where only the server's operator reads (the log, the console).
    """
    if not needs_setup(session):
        return None
    bank = session.get(Bank, 1)
    if bank is not None and bank.setup_code_expires_at and bank.setup_code_expires_at > now:
        return None
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))
    if bank is None:
        bank = bank_profile(session)
        session.add(bank)
    bank.setup_code_hash = _digest(code)
    bank.setup_code_expires_at = now + CODE_LIFETIME
    session.flush()
    return code


def spend_setup_code(session: Session, code: str, *, now: datetime) -> None:
    """Use the code once; SetupRefused if it is wrong, expired or already used."""
    digest = _digest(code)
    stored = session.scalar(sa.select(Bank.setup_code_hash).where(Bank.id == 1))
    if stored is None or not hmac.compare_digest(stored, digest):
        raise SetupRefused(_l("That code is not right: use the latest code the server printed."))
    spent = session.execute(
        sa.update(Bank)
        .where(Bank.id == 1, Bank.setup_code_hash == digest, Bank.setup_code_expires_at > now)
        .values(setup_code_hash=None, setup_code_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise SetupRefused(_l("That code has expired: reload the page for a new one."))


def set_up_bank(
    session: Session, profile: dict[str, Any], admin: FirstAdmin, *, actor: str
) -> tuple[User, int]:
    """The profile, the first admin and the survey definitions; the admin and surveys added.

    Creates no demo data. Refused once an active admin exists.
    """
    if not needs_setup(session):
        raise SetupRefused(_l("This bank is set up already: sign in as its admin."))
    save_bank_profile(session, profile, actor=actor)
    user = create_user(
        session,
        email=admin.email,
        password=admin.password,
        role=Role.ADMIN,
        name=admin.name,
    )
    user.locale = admin.locale
    session.flush()
    record_action(session, actor=actor, action="user.create", subject=f"user:{user.id}",
                  role=Role.ADMIN, email=user.email)  # fmt: skip
    return user, sync_surveys(session)


def _digest(code: str) -> str:
    normalised = code.strip().upper().replace(" ", "").replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()
