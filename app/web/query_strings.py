"""Query strings PostgreSQL cannot compare text with: refused before any view sees them.

Filters such as `?branch=` reach SQL as text, and PostgreSQL refuses text holding NUL with an
error, which would surface as a 500. A NUL can only arrive percent-encoded, so the raw query
string is checked without parsing it: every request pays one byte search.
"""

from __future__ import annotations

from flask import Flask, abort, request


def refuse_nul_in_query_strings(app: Flask) -> None:
    @app.before_request
    def _refuse() -> None:
        if b"%00" in request.query_string:
            abort(400, description="The query string may not contain NUL characters (%00).")
