"""Flask's signed-cookie sessions, with the cookie's serializer made once per set of keys.

Flask builds a new itsdangerous serializer at the start of every request, cookie or not, and
again to save one. It depends only on the secret keys, so it is kept, per keys, for the life
of the process; a rotated key (a new SECRET_KEY or fallback list) makes a new one.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookies(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]
