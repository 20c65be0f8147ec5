"""Links that keep the page's query: paging and filter links, for every list page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import g, request


def query_with(**changes: Any) -> str:
    """The current query string with some values changed (urlencoded, so any key is harmless)."""
    args = request.args.to_dict()
    args.update({key: str(value) for key, value in changes.items()})
    return urlencode(args)


def language_query(lang: str) -> str:
    """The same page in another language, its filters kept: those the page declared in
    `g.kept_args` (the dashboard's filters), else every key a person could have typed."""
    kept = getattr(g, "kept_args", None)
    args = {
        key: value
        for key, value in request.args.items()
        if (key in kept if kept is not None else not key.startswith("_")) and key != "lang"
    }
    return urlencode(args | {"lang": lang})
