"""JSON answers of the API: one shape for success and one for errors; strict JSON bodies.

A request body is checked before any model sees it, so bad input is a clear 4xx, never a 500
from deep inside the stack: the wrong content type is 415, a body over MAX_CONTENT_LENGTH 413,
bytes that are not UTF-8, JSON that does not parse or nests deeper than any event needs, and
values no database can store (text with NUL or a lone surrogate, a number too large to be
finite such as 1e999) 400 naming the field.
"""

from __future__ import annotations

import json
import math
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

    def __init__(self, status: int, error: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.error, self.message, self.field = status, error, message, field


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
        fields = (
            []
            if rejected.field is None
            else [FieldError(field=rejected.field, message=rejected.message)]
        )
        return error_reply(rejected.status, rejected.error, rejected.message, fields)

    bp.register_error_handler(BodyRejected, answer)


def json_body() -> dict[str, Any]:
    """The request's JSON object, or BodyRejected saying exactly what is wrong with it."""
    body, suspect = _parsed()
    if suspect:
        _check_leaves(body)
    return body


def json_batch(key: str) -> tuple[dict[str, Any], dict[int, FieldError]]:
    """A JSON object whose list `key` holds items judged one by one: the body, and the fields of
    the items holding a value no database can store, by index; only the rest of the body can
    make the whole request fail."""
    body, suspect = _parsed()
    if not suspect:
        return body, {}
    items = body.get(key)
    if not isinstance(items, list):
        _check_leaves(body)
        return body, {}
    _check_leaves({name: value for name, value in body.items() if name != key})
    refused = {}
    for index, item in enumerate(items):
        try:
            _check_leaves(item, f"{key}[{index}]")
        except BodyRejected as rejected:
            refused[index] = FieldError(field=rejected.field or key, message=rejected.message)
    return body, refused


def _parsed() -> tuple[dict[str, Any], bool]:
    """The body as a JSON object of bounded depth, and whether a leaf may be unstorable.

    Decoded UTF-8 holds neither NUL nor lone surrogates, and json.loads refuses raw control
    characters, so a string can only be unstorable through a \\u escape, and a number only by
    being too large to be finite: the leaves need a walk only when the text has such an escape
    or the parser met such a number.
    """
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
    infinite = False

    def finite(literal: str) -> float:
        nonlocal infinite
        value = float(literal)
        infinite = infinite or not math.isfinite(value)
        return value

    try:
        body = json.loads(text, parse_constant=_no_constant, parse_float=finite)
    except RecursionError as error:
        raise _too_deep() from error
    except ValueError as error:
        raise BodyRejected(400, "invalid_json", f"The body is not valid JSON: {error}.") from error
    if not isinstance(body, dict):
        raise BodyRejected(400, "bad_request", "The body must be a JSON object.")
    _check_depth(body)
    return body, infinite or _UNSTORABLE_ESCAPE.search(text) is not None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _too_deep() -> BodyRejected:
    return BodyRejected(400, "too_deep", f"The JSON nests deeper than {MAX_JSON_DEPTH} levels.")


def _check_depth(body: dict[str, Any]) -> None:
    """Containers walked without recursion (the body may be adversarial)."""
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(body, 1)]
    while stack:
        value, depth = stack.pop()
        children = value.values() if isinstance(value, dict) else value
        if depth >= MAX_JSON_DEPTH and children:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


# \u0000, or a UTF-16 surrogate (D800-DFFF), in either case.
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _check_leaves(body: Any, at: str = "") -> None:
    """Refuse the first unstorable key, text or number, naming where it is (`events[2].name`)."""
    stack: list[tuple[Any, str]] = [(body, at)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key, child in value.items():
                if not _storable(key):
                    raise _unstorable(where or "body", "A key")
                stack.append((child, f"{where}.{key}" if where else key))
        elif isinstance(value, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(value))
        elif isinstance(value, str) and not _storable(value):
            raise _unstorable(where, "Text")
        elif isinstance(value, float) and not math.isfinite(value):
            message = "Numbers must be finite; this one is too large to store."
            raise BodyRejected(400, "invalid_number", message, where)


def _unstorable(where: str, what: str) -> BodyRejected:
    message = f"{what} may not contain NUL characters or unpaired surrogates."
    return BodyRejected(400, "invalid_text", message, where)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
