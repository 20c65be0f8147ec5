"""CSRF tokens for survey pages, bound to the survey link instead of a session cookie.

A survey link is its own credential: whoever holds it can answer, and no cookie is involved, so
a cross-site request could only post to a link its author already knows. The page's token is a
signature of the link that only the server can make; a POST without it is refused with 400, as
CSRFProtect refuses staff forms. What this buys: survey pages set no cookie (nothing is left on
a customer's phone unless they switch language), and a submit neither unsigns a session cookie
nor a timed token, which was 7 % of a submit's instructions (`bench/instructions.py`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from itsdangerous import Signer

_SALT = "touchloop.survey-form.v1"
FIELD = "csrf_token"  # the name CSRFProtect's forms use, so scripts post the form as it is
HEADER = "X-CSRFToken"


def form_token(secret_key: str, link_token: str) -> str:
    """The token a survey page carries for its own link."""
    return Signer(secret_key, salt=_SALT).get_signature(link_token).decode()


def is_valid(secret_key: str, link_token: str, sent: str | None) -> bool:
    """Whether `sent` is the token of this very link (compared in constant time)."""
    return bool(sent) and Signer(secret_key, salt=_SALT).verify_signature(link_token, sent)


def protect_link_posts(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse a POST to a `/s/<token>` view that does not carry that link's form token."""

    @functools.wraps(view)
    def protected(token: str, **kwargs: Any) -> Any:
        if request.method == "POST" and not is_valid(
            current_app.config["SECRET_KEY"],
            token,
            request.form.get(FIELD) or request.headers.get(HEADER),
        ):
            raise CSRFError(
                _("This answer did not come from your survey page. Please open the link again.")
            )
        return view(token, **kwargs)

    return protected
