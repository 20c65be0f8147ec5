"""The base of every form, with WTForms' own messages translated cheaply.

CSRFProtect checks the token of every staff POST before its view runs, so forms do not check
it a second time (nor make a fresh token on each submit); templates write it with csrf_field().
Survey pages carry a token bound to their link instead (app/survey/form_tokens.py).

Flask-WTF reads WTForms' catalogue from disk on every request (it caches per request only),
about 0.4 ms each time; the catalogue never changes while the process runs, so it is loaded
once per language here (WTF_I18N_ENABLED is off so Flask-WTF leaves this to us).
"""

from __future__ import annotations

import functools
from typing import Any

from babel import support
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms.i18n import messages_path


@functools.cache
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


def csrf_field() -> Markup:
    """The hidden input CSRFProtect reads, for every form that posts."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


class Form(FlaskForm):
    class Meta:
        csrf = False

        def get_translations(self, form: Any) -> support.Translations:
            return _wtforms_translations(str(get_locale()))
