"""A topic's names, keywords in both languages and exclusions; a new one's code."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.admin.forms import split_list
from app.services.feedback.reanalysis import ASKED, TAXONOMY_CHANGED
from app.web.forms import Form

REASONS = {
    TAXONOMY_CHANGED: _l("The topics changed"),
    ASKED: _l("An admin asked for it"),
}


class PhrasesField(TextAreaField):
    """Phrases one per line or comma-separated, kept as a list, shown one per line."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = split_list(valuelist[0]) if valuelist else []

    def _value(self) -> str:
        return "\n".join(self.data or [])


class TopicForm(Form):
    """What a topic is called and the words that find it in a comment."""

    name = StringField(_l("Name (English)"), validators=[InputRequired(), Length(max=80)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[InputRequired(), Length(max=80)])
    keywords_en = PhrasesField(
        _l("English keywords"),
        description=_l(
            "Whole words in any case; a plural is found too, and a trailing * finds any ending "
            "(queu*: queue, queued, queuing). One per line, or separated by commas."
        ),
        render_kw={"rows": 5},
    )
    keywords_zh = PhrasesField(
        _l("Chinese keywords"),
        description=_l("Found anywhere in the comment. One per line, or separated by commas."),
        render_kw={"rows": 5},
    )
    exclude = PhrasesField(
        _l("Phrases that do not count"),
        description=_l(
            "A keyword inside one of these is not this topic (卡 is a card, but not in 卡顿). "
            "One per line, or separated by commas."
        ),
        render_kw={"rows": 3},
    )
    active = BooleanField(_l("Active: found in comments"), default=True)

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.data,
            "name_zh": self.name_zh.data,
            "keywords_en": self.keywords_en.data or [],
            "keywords_zh": self.keywords_zh.data or [],
            "exclude": self.exclude.data or [],
            "active": self.active.data,
        }


class NewTopicForm(TopicForm):
    code = StringField(
        _l("Code (used by routing rules and reports, e.g. atm_network)"),
        validators=[InputRequired(), Length(max=40)],
    )


class ReanalyseForm(Form):
    """Only the button: every stored comment read again."""
