"""Staff accounts: passwords kept only as hashes, sessions that end when the password changes.

Admins invite users from the console: an invited account has no usable password (NO_PASSWORD)
until its owner chooses one through the invitation link (password_reset.send_invite), so it
cannot sign in before. Users are deactivated, never deleted: the audit log keeps its actors.
"""

from __future__ import annotations

import functools
import hmac
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import Department, PasswordReset, Role, User
from app.models.org import new_session_stamp
from app.services.database.paging import Page, page_of
from app.services.governance.edits import apply_edit

MIN_PASSWORD_LENGTH = 10
# An invited account's hash until its owner chooses a password: no password matches it.
NO_PASSWORD = ""
LOCALES = ("en", "zh_CN")  # as User.locale stores them
EDITABLE = frozenset({"name", "role", "department_id", "heads_department", "locale", "timezone"})
STATUSES = {
    "active": sa.and_(User.active, User.password_hash != NO_PASSWORD),
    "invited": sa.and_(User.active, User.password_hash == NO_PASSWORD),
    "deactivated": sa.not_(User.active),
}


class AccountError(ValueError):
    """A request to create an account or key that cannot be honoured, with the reason."""


class UserRefused(AccountError):
    """An admin's change to a user that cannot be made, naming the form field it concerns."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    department_code: str | None = None,
    name: str = "",
) -> User:
    """A new staff account; staff must belong to a department."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"unknown role {role!r}: use admin, cx_manager or staff")
    department = None
    if department_code:
        department = session.scalar(sa.select(Department).where(Department.code == department_code))
        if department is None:
            raise AccountError(f"unknown department {department_code!r}")
    if role == Role.STAFF and department is None:
        raise AccountError("staff users need --department")
    check_password_policy(password)
    email = email.strip().lower()
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"a user with e-mail {email} exists already")
    user = User(
        email=email,
        name=name,
        password_hash=generate_password_hash(password),
        role=role,
        department=department,
    )
    session.add(user)
    session.flush()
    return user


def check_password_policy(password: str) -> None:
    """The one password rule, for new accounts and new passwords alike."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")


def set_password(session: Session, user: User, password: str, *, now: datetime) -> None:
    """Change a password. Every session signed in with the old one ends, and every reset link
    still open for the account stops working."""
    check_password_policy(password)
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
    end_reset_links(session, user.id, now=now)


def end_sessions(user: User) -> None:
    """Every session of the user, on any device, stops working at its next request."""
    user.session_stamp = new_session_stamp()


def end_reset_links(session: Session, user_id: int, *, now: datetime) -> None:
    """Spend every reset link the account still has open."""
    session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.spent_at.is_(None))
        .values(spent_at=now)
        .execution_options(synchronize_session=False)
    )


def user_for_session(session: Session, session_id: str) -> User | None:
    """The active user a session names, if it still matches their session generation."""
    user_id, _, key = session_id.partition(":")
    if not (user_id.isdecimal() and key):
        return None  # a session from before generations existed: sign in again
    user = session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_key(), key):
        return None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None without saying which part was wrong."""
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not has_password(user):
        spend_hash_time(password)  # same work either way: no account probing
        return None
    return user if check_password_hash(user.password_hash, password) else None


def spend_hash_time(password: str) -> None:
    """Check a password against a dummy hash: the time a real check takes, and nothing else."""
    check_password_hash(_dummy_hash(), password)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("timing-equaliser")


def has_password(user: User) -> bool:
    """Whether the user has chosen a password (an invited user has not, yet)."""
    return user.password_hash != NO_PASSWORD


def status_of(user: User) -> str:
    """ "active", "invited" (no password chosen yet) or "deactivated"."""
    if not user.active:
        return "deactivated"
    return "active" if has_password(user) else "invited"


def user_page(
    session: Session, *, text: str = "", role: str = "", status: str = "", number: int = 1
) -> Page[User]:
    """One page of users by name, found by a piece of their e-mail or name, role and status;
    an unknown role or status filters nothing."""
    query = sa.select(User).options(selectinload(User.department)).order_by(User.name, User.email)
    if needle := text.strip().lower():
        query = query.where(
            sa.or_(
                User.email.contains(needle, autoescape=True),
                sa.func.lower(User.name, type_=sa.String).contains(needle, autoescape=True),
            )
        )
    if role in set(Role):
        query = query.where(User.role == role)
    if status in STATUSES:
        query = query.where(STATUSES[status])
    return page_of(session, query, number)


def assignable_departments(session: Session, keep: int | None = None) -> list[Department]:
    """The active departments, and the one a user is in already (`keep`) even if retired."""
    wanted = Department.active if keep is None else sa.or_(Department.active, Department.id == keep)
    return list(session.scalars(sa.select(Department).where(wanted).order_by(Department.name)))


def add_user(session: Session, email: str, values: dict[str, Any], *, actor: str) -> User:
    """A new user without a password, on the audit log; the invitation gives them one."""
    email = email.strip().lower()
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise UserRefused("email", _l("A user with this e-mail exists already."))
    _check(session, values, None, actor=actor)
    user = User(password_hash=NO_PASSWORD)
    session.add(user)
    apply_edit(session, user, {"email": email, **values}, EDITABLE | {"email"}, actor=actor,
               action="user.create", subject=lambda: _subject(user))  # fmt: skip
    return user


def update_user(session: Session, user: User, values: dict[str, Any], *, actor: str) -> None:
    """Apply an admin's edit, on the audit log. A new role or department ends the user's
    sessions (User.session_key), so their next request already has the new rights."""
    _check(session, values, user, actor=actor)
    apply_edit(session, user, values, EDITABLE, actor=actor, action="user.update",
               subject=_subject(user))  # fmt: skip


def deactivate_user(session: Session, user: User, *, actor: str, now: datetime) -> None:
    """Stop a user from signing in: their sessions end and their open links stop working,
    and stay so if they are reactivated. Never the acting admin: that could lock the bank out."""
    if actor == _subject(user):
        raise UserRefused("active", _l("You cannot deactivate yourself: ask another admin."))
    apply_edit(session, user, {"active": False}, {"active"}, actor=actor, action="user.update",
               subject=_subject(user))  # fmt: skip
    end_sessions(user)
    end_reset_links(session, user.id, now=now)


def reactivate_user(session: Session, user: User, *, actor: str) -> None:
    """Let a deactivated user sign in again, with the password they had (or a new invitation)."""
    apply_edit(session, user, {"active": True}, {"active"}, actor=actor, action="user.update",
               subject=_subject(user))  # fmt: skip


def _subject(user: User) -> str:
    return f"user:{user.id}"


def _check(session: Session, values: dict[str, Any], user: User | None, *, actor: str) -> None:
    """Refuse what the rows must never hold, whoever calls: a staff member without a
    department, a head who is not staff of one, a retired department, an admin's own demotion."""
    merged = {name: getattr(user, name, None) for name in EDITABLE} | values
    if merged["role"] not in set(Role):
        raise UserRefused("role", _l("Choose a role."))
    if merged["locale"] not in LOCALES:
        raise UserRefused("locale", _l("Choose a language."))
    department_id = merged["department_id"]
    kept = user is not None and department_id == user.department_id
    if department_id is not None and not kept:
        department = session.get(Department, department_id)
        if department is None or not department.active:
            raise UserRefused("department_id", _l("Choose an active department."))
    if merged["role"] == Role.STAFF and department_id is None:
        raise UserRefused("department_id", _l("Staff need a department."))
    if merged["heads_department"] and (merged["role"] != Role.STAFF or department_id is None):
        raise UserRefused("heads_department", _l("Only a staff member of a department heads it."))
    if user is not None and actor == _subject(user) and merged["role"] != user.role:
        raise UserRefused("role", _l("You cannot change your own role: ask another admin."))
