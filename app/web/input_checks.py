"""Text no database can store, refused before any view sees it, naming the field.

PostgreSQL refuses text holding NUL with an error, which would surface as a 500 from deep in a
view (a comment, a case note, a filter). Query strings and form fields are decoded by Werkzeug
(malformed UTF-8 becomes U+FFFD, never a lone surrogate), so NUL is all there is to refuse; JSON
bodies are checked where the API reads them (app/api/http.py). A NUL can only arrive
percent-encoded in a query string, so that check is one byte search on the raw string.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, abort, request
from flask_babel import gettext as _

FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def refuse_unstorable_input(app: Flask) -> None:
    @app.before_request
    def _refuse() -> None:
        if b"%00" in request.query_string:
            _refuse_nul(request.args.items(multi=True))
        if request.method in {"POST", "PUT", "PATCH"} and request.mimetype in FORM_TYPES:
            _refuse_nul(request.form.items(multi=True))


def _refuse_nul(fields: Iterable[tuple[str, str]]) -> None:
    for name, value in fields:
        if "\x00" in name or "\x00" in value:
            message = _(
                "“%(field)s” holds a NUL character (%%00), which cannot be stored. "
                "Remove it and send again.",
                field=name.replace("\x00", "") or "?",
            )
            abort(400, description=message)
