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
from zoneinfo import available_timezones

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.validators import Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import FIRST_DAY, LAST_DAY


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


@functools.cache
def known_time_zones() -> frozenset[str]:
    """The IANA time zones this machine knows (read once: the lookup walks the zone files)."""
    return frozenset(available_timezones())


def known_time_zone(form: Any, field: Any) -> None:
    """A WTForms validator: an IANA time zone such as Asia/Shanghai (empty passes: Optional)."""
    if field.data and field.data not in known_time_zones():
        raise ValidationError(_l("Use a time zone such as Asia/Shanghai or Europe/London."))


def supported_day(form: Any, field: Any) -> None:
    """A WTForms validator: a day Touchloop can compute with (FIRST_DAY to LAST_DAY)."""
    if field.data is not None and not FIRST_DAY <= field.data <= LAST_DAY:
        raise ValidationError(
            _l("Choose a day from %(first)s to %(last)s.", first=FIRST_DAY, last=LAST_DAY)
        )


def checkboxes(label: Any, choices: Any = (), **options: Any) -> SelectMultipleField:
    """A set of ticked boxes (one per choice), the way every multiple choice on a staff form
    is shown: each box is reachable by keyboard and labelled, no JavaScript needed."""
    return SelectMultipleField(
        label,
        choices=list(choices),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        **options,
    )


# A name that stands in the audit log or a URL (an API key's, a rule's): a code, not prose.
CODE_NAME = Regexp(r"^[\w.-]+$", message=_l("Letters, digits, _ . - only."))
