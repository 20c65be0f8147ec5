"""An e-mail written for its reader: in their language and, for the times it shows, their zone.

The language is the reader's stored locale ("zh_CN", "zh-CN" and "zh" alike are Chinese;
anything else is English). Times go through the same `local_time` filter as pages, which
reads the reader's zone from `g.viewer_zone` (app/web/local_time.py): the letter sets it
for its own rendering only, so a job writing letters to many people gives each their zone,
and an admin's request that writes one does not lend the admin's zone to the reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from flask import g, render_template
from flask_babel import force_locale


class Letter(NamedTuple):
    subject: str
    body_text: str
    body_html: str


def catalogue(locale: str | None) -> str:
    """The translations a stored locale reads in: zh_CN for any Chinese, else en."""
    return "zh_CN" if (locale or "").replace("-", "_").lower().startswith("zh") else "en"


@contextmanager
def times_in(zone: str | None) -> Iterator[None]:
    """Times rendered inside are in `zone` (None: the bank's, as jobs have no signed-in
    user); whatever zone was worked out before is back after."""
    saved = g.pop("viewer_zone", None)
    if zone:
        g.viewer_zone = ZoneInfo(zone)
    try:
        yield
    finally:
        g.pop("viewer_zone", None)
        if saved is not None:
            g.viewer_zone = saved


def write_letter(
    locale: str | None,
    template: str,
    subject: Callable[[], str],
    *,
    zone: str | None = None,
    **context: Any,
) -> Letter:
    """`email/<template>.txt` and `.html` rendered, and `subject()` translated, in the
    reader's language (`locale`) with times in their zone (`zone`; None: the bank's).

    The subject is a callable so that its gettext runs inside the reader's locale.
    """
    with force_locale(catalogue(locale)), times_in(zone):
        return Letter(
            subject(),
            render_template(f"email/{template}.txt", **context),
            render_template(f"email/{template}.html", **context),
        )
