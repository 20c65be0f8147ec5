"""Why an invitation waits or was not sent, and why a case was opened, in the reader's words.

The pure rules (workflows.contact_rules, invitation_plan, routing_rules) write their reasons
as plain English parts joined by "; ", which the audit and the API keep as they are. Pages
read them through here: each known part is matched and said again in the page's language,
with touchpoint and topic codes as names, segments and stages as words. A part nobody taught
this module is shown as stored, so nothing is hidden.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.web.locale import current_language
from app.web.words import word
from surveys.topics import default_taxonomy

Names = Mapping[str, str]
ADDRESSES = {
    "e-mail address": _l("e-mail address"),
    "mobile number": _l("mobile number"),
    "WeChat openid": _l("WeChat account"),
}
Saying = Callable[[re.Match[str], Names], str]


def _touchpoint(code: str, names: Names) -> str:
    return names.get(code, code.replace("_", " "))


def _topic(code: str, names: Names) -> str:
    """A topic by the name the page gave (as "topic:<code>"), else its shipped name."""
    shipped = {topic.code: topic for topic in default_taxonomy()}.get(code)
    fallback = shipped.name(current_language()) if shipped else code.replace("_", " ")
    return names.get(f"topic:{code}", fallback)


PARTS: list[tuple[re.Pattern[str], Saying]] = [
    (
        re.compile(r"asked about (\S+) within (\d+) days"),
        lambda m, names: _(
            "already asked about %(touchpoint)s in the last %(days)s days",
            touchpoint=_touchpoint(m[1], names),
            days=m[2],
        ),
    ),
    (
        re.compile(r"surveyed within (\d+) days \((\S+) customers\)"),
        lambda m, names: _(
            "surveyed in the last %(days)s days (%(segment)s customers rest that long)",
            days=m[1],
            segment=word("segment", m[2]),
        ),
    ),
    (
        re.compile(r"a higher-priority survey goes first"),
        lambda m, names: _("a survey with a higher priority goes first"),
    ),
    (
        re.compile(r"quiet hours in (\S+)"),
        lambda m, names: _("quiet hours where the customer lives (%(zone)s)", zone=m[1]),
    ),
    (re.compile(r"segment not surveyed"), lambda m, names: _("this segment is not surveyed")),
    (
        re.compile(r"not sampled \((\d+%)\)"),
        lambda m, names: _("not in the sample (%(share)s of events are surveyed)", share=m[1]),
    ),
    (
        re.compile(r"event arrived after its survey window closed"),
        lambda m, names: _("the event arrived after its survey would have closed"),
    ),
    (
        re.compile(r"customer has no (.+)"),
        lambda m, names: _(
            "the customer has no %(addresses)s",
            addresses=_(" or ").join(str(ADDRESSES.get(a, a)) for a in m[1].split(" or ")),
        ),
    ),
    (
        re.compile(r"(\w+) not delivered"),
        lambda m, names: _(
            "not delivered by %(channel)s: trying the next channel", channel=word("channel", m[1])
        ),
    ),
    (
        re.compile(r"no channel delivered \(tried (.+)\)"),
        lambda m, names: _(
            "no channel delivered it (tried %(channels)s)",
            channels=_(", ").join(word("channel", c) for c in m[1].split(", ")),
        ),
    ),
    (re.compile(r"no channel left to try"), lambda m, names: _("no channel is left to try")),
    (re.compile(r"customer erased"), lambda m, names: _("the customer's data was erased")),
    (
        re.compile(r"not answered before it expired"),
        lambda m, names: _("not answered before the survey closed"),
    ),
    (
        re.compile(r"reminders stopped: customer opted out"),
        lambda m, names: _("reminders stopped: the customer unsubscribed"),
    ),
    (
        re.compile(r"(NPS|CSAT|CES) (\d+) ([≤≥]) (\d+)"),
        lambda m, names: _(
            "%(metric)s %(score)s (rule: %(test)s %(limit)s)",
            metric=m[1],
            score=m[2],
            test=m[3],
            limit=m[4],
        ),
    ),
    (
        re.compile(r"sentiment ([+-]\d\.\d+) < ([+-]\d\.\d+)"),
        lambda m, names: _("sentiment %(value)s, below %(limit)s", value=m[1], limit=m[2]),
    ),
    (re.compile(r"mentions (.+)"), lambda m, names: _("mentions %(words)s", words=m[1])),
    (
        re.compile(r"topic (.+)"),
        lambda m, names: _(
            "about %(topics)s", topics=_(", ").join(_topic(c, names) for c in m[1].split(", "))
        ),
    ),
    (
        re.compile(r"touchpoint (\S+)"),
        lambda m, names: _("touchpoint: %(name)s", name=_touchpoint(m[1], names)),
    ),
    (
        re.compile(r"journey stage (\S+)"),
        lambda m, names: _("journey stage: %(stage)s", stage=word("journey_stage", m[1])),
    ),
    (
        re.compile(r"segment (\S+)"),
        lambda m, names: _("segment: %(segment)s", segment=word("segment", m[1])),
    ),
    (re.compile(r"catch-all"), lambda m, names: _("no other rule applied")),
]


def _part(text: str, names: Names) -> str:
    for pattern, saying in PARTS:
        found = pattern.fullmatch(text)
        if found:
            return saying(found, names)
    return text


def reason_words(reason: str | None, names: Names | None = None) -> str:
    """A stored reason in the page's language (`names`: touchpoint codes to their names, and
    "topic:<code>" to a topic's name)."""
    if not reason:
        return "–"
    text = reason.removeprefix("deferred: ")
    expired = text.endswith(": would be sent after it expires")
    if expired:
        text = text.removesuffix(": would be sent after it expires")
    said = [_part(part.strip(), names or {}) for part in text.split("; ")]
    if expired:
        said.append(_("it could only be sent after the survey closes"))
    return _("; ").join(said)
