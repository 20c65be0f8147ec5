"""Signed link tokens: random, free of PII, and stored only as a hash.

A survey token names the invitation and carries 128 random bits; the signature makes forged or
mistyped links fail before any database lookup, and only the hash reaches the database, so a
stolen copy of it cannot answer surveys. Expiry and single use live on the invitation row.
An unsubscribe token names the customer: it must keep working for as long as e-mails exist.

An SMS has no room for a signed token, so its link carries a short code instead (`/r/<code>`,
7 letters and digits, about 42 bits): unsigned, found by its hash like any token, single use
with its invitation, and guessed no faster than the survey pages' failed-link limit allows.
"""

from __future__ import annotations

import hashlib
import secrets
import string

from itsdangerous import BadSignature, URLSafeSerializer

_SURVEY = "touchloop.survey-link.v1"
SHORT_CODE_LENGTH = 7
_SHORT_ALPHABET = string.ascii_letters + string.digits
_UNSUBSCRIBE = "touchloop.unsubscribe.v1"


def new_token(secret_key: str, invitation_id: int) -> str:
    """A fresh survey-link token for an invitation."""
    return URLSafeSerializer(secret_key, salt=_SURVEY).dumps([invitation_id, secrets.token_hex(16)])


def new_short_code() -> str:
    """A fresh code for a short survey link (SMS)."""
    return "".join(secrets.choice(_SHORT_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def is_short_code(token: str) -> bool:
    """Whether a link's token is a short code rather than a signed token."""
    return len(token) == SHORT_CODE_LENGTH and all(c in _SHORT_ALPHABET for c in token)


def invitation_id_from(secret_key: str, token: str) -> int | None:
    """The invitation a token names, or None when the token is forged or malformed."""
    payload = _load(secret_key, _SURVEY, token)
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    return payload[0]


def unsubscribe_token(secret_key: str, customer_id: int) -> str:
    return URLSafeSerializer(secret_key, salt=_UNSUBSCRIBE).dumps(customer_id)


def customer_id_from(secret_key: str, token: str) -> int | None:
    """The customer an unsubscribe token names, or None when it is forged."""
    payload = _load(secret_key, _UNSUBSCRIBE, token)
    return payload if isinstance(payload, int) and not isinstance(payload, bool) else None


def token_digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _load(secret_key: str, salt: str, token: str) -> object:
    try:
        return URLSafeSerializer(secret_key, salt=salt).loads(token)
    except BadSignature:
        return None
