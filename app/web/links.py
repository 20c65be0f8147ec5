"""Links that keep the page's query: paging and filter links, for every list page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import request


def query_with(**changes: Any) -> str:
    """The current query string with some values changed (urlencoded, so any key is harmless)."""
    args = request.args.to_dict()
    args.update({key: str(value) for key, value in changes.items()})
    return urlencode(args)
