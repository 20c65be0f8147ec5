"""An e-mail written in its reader's language: the subject and both bodies of one template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from flask import render_template
from flask_babel import force_locale


class Letter(NamedTuple):
    subject: str
    body_text: str
    body_html: str


def write_letter(locale: str, template: str, subject: Callable[[], str], **context: Any) -> Letter:
    """`email/<template>.txt` and `.html` rendered, and `subject()` translated, in `locale`.

    The subject is a callable so that its gettext runs inside the reader's locale.
    """
    with force_locale(locale):
        return Letter(
            subject(),
            render_template(f"email/{template}.txt", **context),
            render_template(f"email/{template}.html", **context),
        )
