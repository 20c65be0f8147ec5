"""Bearer API keys for bank systems; a logged-in CX manager may read metrics too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, jsonify, request
from flask_login import current_user

from app.extensions import db
from app.models import utcnow
from app.services.accounts import api_key_for


def _bearer_key() -> Any:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return api_key_for(db.session, secret.strip(), now=utcnow())


def _unauthorised() -> Any:
    response = jsonify(error="unauthorized", message="Send 'Authorization: Bearer <API key>'.")
    response.headers["WWW-Authenticate"] = 'Bearer realm="touchloop"'
    return response, 401


def require_api_key(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        g.api_key = _bearer_key()
        if g.api_key is None:
            return _unauthorised()
        return view(*args, **kwargs)

    return wrapped


def require_api_key_or_manager(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        manager = current_user.is_authenticated and current_user.sees_all_departments
        g.api_key = None if manager else _bearer_key()
        if not manager and g.api_key is None:
            return _unauthorised()
        return view(*args, **kwargs)

    return wrapped
