"""The base of every form: Flask-WTF's CSRF, with WTForms' own messages translated cheaply.

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
from wtforms.i18n import messages_path


@functools.cache
def _wtforms_translations(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form: Any) -> support.Translations:
            return _wtforms_translations(str(get_locale()))
