"""Survey-link tokens: signed, random, free of PII, and stored only as a hash.

The token names the invitation and carries 128 random bits; the signature makes forged or
mistyped links fail before any database lookup, and the hash in the database makes a stolen
database useless for answering surveys. Expiry and single use live on the invitation row.
"""

from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

_SALT = "touchloop.survey-link.v1"


def new_token(secret_key: str, invitation_id: int) -> str:
    """A fresh link token for an invitation."""
    return URLSafeSerializer(secret_key, salt=_SALT).dumps([invitation_id, secrets.token_hex(16)])


def invitation_id_from(secret_key: str, token: str) -> int | None:
    """The invitation a token names, or None when the token is forged or malformed."""
    try:
        payload = URLSafeSerializer(secret_key, salt=_SALT).loads(token)
    except BadSignature:
        return None
    if not (isinstance(payload, list) and len(payload) == 2 and isinstance(payload[0], int)):
        return None
    return payload[0]


def token_digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
