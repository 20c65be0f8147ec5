"""Bearer API keys with scopes for bank systems; a signed-in CX manager may read metrics too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, jsonify, request
from flask_login import current_user

from app.extensions import csrf, db
from app.models import utcnow
from app.services.accounts.api_keys import api_key_for
from app.services.governance import audit


def _bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _session_may_use(*, staff_too: bool, managers_too: bool) -> bool:
    if not current_user.is_authenticated:
        return False
    return staff_too or (managers_too and current_user.sees_all_departments)


def require_scope(
    scope: str, *, managers_too: bool = False, staff_too: bool = False
) -> Callable[..., Any]:
    """401 without a live key; 403 when the key lacks the scope.

    A request without a bearer key may come from a signed-in manager (or any staff member, with
    `staff_too`) with their session instead; then a write must carry the CSRF token
    (X-CSRFToken), like a form. A request with a key is judged by the key alone, so a bank
    system's call never loads a user from a session it does not have.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            secret = _bearer_secret()
            if secret is None and _session_may_use(staff_too=staff_too, managers_too=managers_too):
                if request.method not in ("GET", "HEAD"):
                    csrf.protect()
                g.api_key = None
                return view(*args, **kwargs)
            g.api_key = None if secret is None else api_key_for(db.session, secret, now=utcnow())
            if g.api_key is None:
                body = jsonify(error="unauthorized", message="Send 'Authorization: Bearer <key>'.")
                return body, 401, {"WWW-Authenticate": 'Bearer realm="touchloop"'}
            if scope not in g.api_key.scopes:
                return jsonify(error="forbidden", message=f"This key lacks the {scope} scope."), 403
            with audit.acting_as(f"api-key:{g.api_key.name}"):
                return view(*args, **kwargs)

        return wrapped

    return decorate
