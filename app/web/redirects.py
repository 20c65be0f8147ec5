"""Where a redirect may lead: only to a path on this site, however the target is disguised.

Browsers read a backslash as a slash, drop tabs and newlines inside a URL, and follow `//host`
to another site, and a target may hide those behind percent-encodings. So a target is refused
if it or any decoding of it holds a control character, a space or a backslash, or starts with
two slashes; what passes is rebuilt from its path and query alone.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit, urlunsplit

DISGUISES = re.compile(r"[\x00-\x20\x7f\\]")
DECODINGS = 3  # %2F, %252F, %25252F: every layer a proxy or framework might peel


def local_path(target: str | None) -> str | None:
    """`target` as a path on this site, or None when it could lead anywhere else."""
    if not target:
        return None
    decoded = [target]
    for _ in range(DECODINGS):
        decoded.append(unquote(decoded[-1]))
    if any(DISGUISES.search(text) or text.startswith("//") for text in decoded):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # a host that normalises into a URL's delimiters ("http://／")
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))
