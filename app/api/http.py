"""JSON answers of the API: one shape for success and one for errors; strict JSON bodies.

A request body is checked before any model sees it, so bad input is a clear 4xx, never a 500
from deep inside the stack: the wrong content type is 415, a body over MAX_CONTENT_LENGTH 413,
bytes that are not UTF-8, JSON that does not parse or nests deeper than any event needs, and
text PostgreSQL cannot store (NUL, lone surrogates) 400.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, current_app, request
from pydantic import BaseModel
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.schemas import ErrorBody, FieldError

# An event is four levels deep; its free-form attributes get a few more, not thousands.
MAX_JSON_DEPTH = 16


class BodyRejected(Exception):
    """The request body cannot be read as a JSON object; answered as an ErrorBody."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def reply(model: BaseModel, status: int = 200) -> Any:
    """The model as JSON, serialised by pydantic-core (a dict and json.dumps cost twice as much)."""
    body = model.model_dump_json()
    return current_app.response_class(body, status=status, mimetype="application/json")


def error_reply(
    status: int, error: str, message: str, fields: list[FieldError] | None = None
) -> Any:
    return reply(ErrorBody(error=error, message=message, fields=fields or []), status)


def answer_rejected_bodies(bp: Blueprint) -> None:
    """Let the blueprint's views raise BodyRejected from json_body()."""

    def answer(rejected: BodyRejected) -> Any:
        return error_reply(rejected.status, rejected.error, rejected.message)

    bp.register_error_handler(BodyRejected, answer)


def json_body() -> dict[str, Any]:
    """The request's JSON object, or BodyRejected saying exactly what is wrong with it."""
    if not request.is_json:
        raise BodyRejected(415, "unsupported_media_type", "Send the body as application/json.")
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge as error:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        message = f"The body is larger than {limit:,} bytes; send at most 1,000 events a batch."
        raise BodyRejected(413, "too_large", message) from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"The body is not valid UTF-8 (byte {error.start})."
        raise BodyRejected(400, "invalid_utf8", message) from error
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except RecursionError as error:
        raise _too_deep() from error
    except ValueError as error:
        raise BodyRejected(400, "invalid_json", f"The body is not valid JSON: {error}.") from error
    if not isinstance(body, dict):
        raise BodyRejected(400, "bad_request", "The body must be a JSON object.")
    _check_values(body, text)
    return body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _too_deep() -> BodyRejected:
    return BodyRejected(400, "too_deep", f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.")


def _check_values(body: dict[str, Any], text: str) -> None:
    """Depth and storable text, walked without recursion (the body may be adversarial).

    Decoded UTF-8 holds neither NUL nor lone surrogates, and json.loads refuses raw control
    characters, so a string can only be unstorable through a \\u escape: strings are walked
    only when the text has such an escape, and otherwise just the containers, for depth.
    """
    if _UNSTORABLE_ESCAPE.search(text):
        _check_strings(body)
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth >= MAX_JSON_DEPTH and children:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


# \u0000, or a UTF-16 surrogate (D800-DFFF), in either case.
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _check_strings(body: Any) -> None:
    stack = [body]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str) and not _storable(value):
            message = "Text may not contain NUL characters or unpaired surrogates."
            raise BodyRejected(400, "invalid_text", message)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
