"""The audit log's codes as words in the reader's language: kinds, what was done, fields, values.

A code with no label here is shown with its underscores as spaces: a new kind of entry is
readable at once and gets its words when it is added here. Logged values are stored codes too
(a role, segments, a journey stage, a department's id): `shown` says them as words, and names
objects through `names` (see app/admin/activity/names.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from app.actions.forms import STATUS_NAMES as ACTION_STATUS_NAMES
from app.admin.api_keys.forms import SCOPE_LABELS
from app.admin.calendar.forms import KIND_NAMES, weekday_names
from app.admin.channels.forms import SMS_PROVIDERS
from app.admin.departments.forms import NOTIFY_MODES
from app.admin.webhooks.forms import EVENT_LABELS
from app.web.local_time import local_time
from app.web.words import word, words, yes_no

KINDS = {
    "case": _l("Case"),
    "export": _l("Export"),
    "customer": _l("Customer data"),
    "password": _l("Password"),
    "user": _l("User"),
    "api_key": _l("API key"),
    "webhook": _l("Webhook"),
    "department": _l("Department"),
    "touchpoint": _l("Touchpoint"),
    "rule": _l("Routing rule"),
    "calendar": _l("Business calendar"),
    "calendar_day": _l("Calendar day"),
    "contact_rules": _l("Contact rules"),
    "bank": _l("The bank"),
    "channel_settings": _l("Channels"),
    "poster": _l("QR poster"),
    "topic": _l("Topic"),
    "action": _l("Improvement action"),
}
# What an entry's subject names when it is not a kind of its own.
PLACES = {
    "dashboard": _l("Dashboard"),
    "cases": _l("Cases"),
    "topics": _l("Topics"),
    "calendar:hours": _l("Business hours"),
}
ACTORS = {
    "system": _l("Touchloop itself"),
    "cli": _l("The command line"),
    "setup": _l("The first-run page"),
    "anonymous": _l("Someone not signed in"),
}
DONE = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("removed"),
    "retire": _l("retired"),
    "view": _l("viewed"),
    "list": _l("listed"),
    "revoke": _l("revoked"),
    "rotate": _l("secret rotated"),
    "test": _l("test sent"),
    "prefill": _l("filled from the statutory calendar"),
    "reset": _l("reset"),
    "invite": _l("invited"),
    "invite_accepted": _l("invitation accepted"),
    "reset_requested": _l("reset asked for"),
    "erase": _l("erased"),
    "export": _l("exported"),
    "responses": _l("responses exported"),
    "cases": _l("cases exported"),
    "opened": _l("opened"),
    "status": _l("status changed"),
    "note": _l("note added"),
    "contacted": _l("customer contacted"),
    "reassigned": _l("sent to another department"),
    "assigned": _l("assigned"),
    "waiting": _l("clock stopped"),
    "resumed": _l("clock runs again"),
    "reanalyse": _l("comments read again"),
}
FIELDS = {
    "name": _l("Name"),
    "name_zh": _l("Name (Chinese)"),
    "code": _l("Code"),
    "active": _l("Active"),
    "department_id": _l("Department"),
    "survey_code": _l("Survey"),
    "journey_stage": _l("Journey stage"),
    "journey_order": _l("Order in the journey"),
    "delay_minutes": _l("Delay (minutes)"),
    "send_at_local_time": _l("Send at local time"),
    "sampling_rate": _l("Sampling"),
    "segments": _l("Segments"),
    "expiry_days": _l("Expiry (days)"),
    "reminder_hours": _l("Reminders (hours)"),
    "priority": _l("Priority"),
    "cooldown_days": _l("Cooldown (days)"),
    "overrides_fatigue": _l("Overrides fatigue"),
    "notify_mode": _l("Notifications"),
    "notify_email": _l("Team mailbox"),
    "position": _l("Position"),
    "scores": _l("Scores"),
    "polarity_below": _l("Sentiment below"),
    "keywords": _l("Keywords"),
    "touchpoints": _l("Touchpoints"),
    "journey_stages": _l("Journey stages"),
    "attributes": _l("Event attributes"),
    "opens_case": _l("Opens a case"),
    "first_contact_hours": _l("First contact within (hours)"),
    "resolve_hours": _l("Resolve within (hours)"),
    "assignee_id": _l("Assignee"),
    "round_robin": _l("Round robin"),
    "colour": _l("Brand colour"),
    "timezone": _l("Time zone"),
    "languages": _l("Languages"),
    "logo": _l("Logo"),
    "email": _l("E-mail"),
    "role": _l("Role"),
    "locale": _l("Language"),
    "heads_department": _l("Head of department"),
    "scopes": _l("Scopes"),
    "url": _l("URL"),
    "events": _l("Events"),
    "secret": _l("Secret"),
    "previous_secret": _l("Previous secret"),
    "previous_secret_until": _l("Previous secret signs until"),
    "opens": _l("Opens"),
    "closes": _l("Closes"),
    "working_weekdays": _l("Working days"),
    "kind": _l("Kind"),
    "day": _l("Day"),
    "default_fatigue_days": _l("Fatigue (days)"),
    "fatigue_days": _l("Fatigue by segment (days)"),
    "quiet_start": _l("Quiet hours start"),
    "quiet_end": _l("Quiet hours end"),
    "default_cooldown_days": _l("Cooldown for new touchpoints (days)"),
    "status": _l("Status"),
    "successor": _l("Its work went to"),
    "moved": _l("Moved"),
    "open_cases": _l("Open cases"),
    "rules": _l("Routing rules"),
    "staff": _l("Staff"),
    "expires_at": _l("Link works until"),
    "added": _l("Days added"),
    "source": _l("Source"),
    "call": _l("Call"),
    "format": _l("Format"),
    "start": _l("From"),
    "end": _l("To"),
    "channels": _l("Channels, in order"),
    "sms_provider": _l("SMS provider"),
    "sms_signature": _l("SMS signature"),
    "sms_text_zh": _l("SMS text in Chinese"),
    "sms_text_en": _l("SMS text in English"),
    "sms_opt_out_keyword": _l("Opt-out reply keyword"),
    "sms_http_url": _l("SMS platform URL"),
    "sms_http_method": _l("SMS platform method"),
    "sms_http_body": _l("SMS platform request body"),
    "sms_cloud_app_id": _l("Tencent Cloud SMS app ID"),
    "sms_cloud_template_zh": _l("Tencent Cloud template, Chinese"),
    "sms_cloud_template_en": _l("Tencent Cloud template, English"),
    "sms_cloud_region": _l("Tencent Cloud region"),
    "wechat_app_id": _l("WeChat official account app ID"),
    "wechat_template_id": _l("WeChat template ID"),
    "receipt_wait_minutes": _l("Receipt wait (minutes)"),
    "branch": _l("Branch"),
    "token": _l("Code in the QR"),
    "touchpoint_id": _l("Touchpoint"),
    "retired_at": _l("Retired at"),
    "keywords_en": _l("English keywords"),
    "keywords_zh": _l("Chinese keywords"),
    "exclude": _l("Phrases that do not count"),
    "title": _l("What will change"),
    "topic": _l("Topic"),
    "due_on": _l("Due on"),
    "expected_effect": _l("Expected effect"),
    "live_on": _l("Went live on"),
    "action_status": _l("Status"),
}
SMS_PROVIDER_NAMES = {choice.value: choice.label for choice in SMS_PROVIDERS}
SOURCES = {
    "chinese-calendar": _l("China's statutory calendar"),
    "environment": _l("the environment's settings"),
}
TIMES = frozenset({"expires_at", "previous_secret_until", "retired_at"})
CHANGED = "(changed)"  # what the log keeps of a secret or a logo (governance.edits.CHANGED)


def _words(code: str) -> str:
    return code.replace("_", " ")


def kind_label(action: str) -> str:
    kind = action.split(".", 1)[0]
    return str(KINDS.get(kind, _words(kind)))


def done_label(action: str) -> str:
    done = action.split(".", 1)[-1]
    return str(DONE.get(done, _words(done)))


def field_label(name: str) -> str:
    return str(FIELDS.get(name, _words(name)))


def actor_label(actor: str, names: Mapping[str, str] | None = None) -> str:
    """Who acted: a person's e-mail, an API key's name, or what Touchloop calls itself."""
    if names and actor in names:
        return names[actor]
    if actor.startswith(("api_key:", "api-key:")):
        return str(_l("API key %(name)s", name=actor.split(":", 1)[1]))
    return str(ACTORS.get(actor, actor))


def subject_label(subject: str, names: Mapping[str, str] | None = None) -> str:
    """The object of an entry: its kind in words and its name ("Touchpoint · Branch visit")."""
    if subject in PLACES:
        return str(PLACES[subject])
    kind, _, key = subject.partition(":")
    label = str(KINDS.get(kind, _words(kind)))
    if not key:
        return label
    return f"{label} · {(names or {}).get(subject, key)}"


def _named(prefix: str, names: Mapping[str, str]) -> Callable[[Any], str]:
    return lambda value: names.get(f"{prefix}:{value}", str(value))


def _listed(say: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda values: ", ".join(say(value) for value in values)


def _percent(value: Any) -> str:
    return f"{round(float(value) * 100)}%"


def _scores(rules: list[dict[str, Any]]) -> str:
    marks = {"<=": "≤", ">=": "≥"}
    parts = [f"{c['metric'].upper()} {marks.get(c['op'], c['op'])} {c['value']}" for c in rules]
    return f" {_l('or')} ".join(parts)


def _by_segment(days: dict[str, Any]) -> str:
    return ", ".join(f"{word('segment', segment)}: {count}" for segment, count in days.items())


def _weekdays(days: list[int]) -> str:
    names = weekday_names("abbreviated")
    return ", ".join(names[day] for day in days if 0 <= day < len(names))


def _time(value: Any) -> str:
    try:
        return local_time(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _sayings(names: Mapping[str, str]) -> dict[str, Callable[[Any], str]]:
    """How each field's stored value is said, by the field's name."""
    return {
        "role": lambda code: word("role", code),
        "segment": lambda code: word("segment", code),
        "segments": lambda codes: words("segment", codes),
        "journey_stage": lambda code: word("journey_stage", code),
        "journey_stages": lambda codes: words("journey_stage", codes),
        "locale": lambda code: word("language", code),
        "languages": lambda codes: words("language", codes),
        "priority": lambda code: word("priority", code) if isinstance(code, str) else str(code),
        "status": lambda code: word("case_status", code),
        "events": _listed(lambda code: str(EVENT_LABELS.get(code, code))),
        "scopes": _listed(lambda code: str(SCOPE_LABELS.get(code, code))),
        "notify_mode": lambda code: str(NOTIFY_MODES.get(code, code)),
        "kind": lambda code: str(KIND_NAMES.get(code, code)),
        "working_weekdays": _weekdays,
        "sampling_rate": _percent,
        "scores": _scores,
        "fatigue_days": _by_segment,
        "department_id": _named("department_id", names),
        "successor": _named("department", names),
        "assignee_id": _named("user", names),
        "touchpoints": _listed(_named("touchpoint", names)),
        "touchpoint_id": _named("touchpoint_id", names),
        "channels": lambda codes: words("channel", codes),
        "sms_provider": lambda code: str(SMS_PROVIDER_NAMES.get(code, code)),
        "survey_code": _named("survey", names),
        "source": lambda code: str(SOURCES.get(code, code)),
        "action_status": lambda moved: " → ".join(
            str(ACTION_STATUS_NAMES.get(code, code)) for code in moved
        ),
        **{name: _time for name in TIMES},
    }


def shown(value: Any, field: str | None = None, names: Mapping[str, str] | None = None) -> str:
    """A logged value as a person reads it: codes of a known field as words, objects by
    their names, lists joined, nothing as a dash, yes and no."""
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if value == CHANGED:
        return str(_l("changed"))
    if isinstance(value, bool):
        return yes_no(value)
    saying = _sayings(names or {}).get(field or "")
    if saying is not None:
        return saying(value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(
            f"{field_label(key)}: {shown(item, key, names)}" for key, item in value.items()
        )
    return str(value)


def _change(name: str, old: Any, new: Any, names: Mapping[str, str] | None, created: bool) -> str:
    """before → after; a new object's value alone; a secret's "changed" once."""
    if created or old == new == CHANGED:
        return shown(new, name, names)
    return f"{shown(old, name, names)} → {shown(new, name, names)}"


def entry_lines(
    detail: Mapping[str, Any], names: Mapping[str, str] | None = None, created: bool = False
) -> list[tuple[str, str]]:
    """An entry's detail as (field, what) lines: each change as before → after (a `created`
    object's values alone), a case's status move likewise, and every other value as it is."""
    lines = [
        (field_label(name), _change(name, old, new, names, created))
        for name, (old, new) in (detail.get("changes") or {}).items()
    ]
    if "from" in detail or "to" in detail:
        move = (shown(detail.get(end), "status") for end in ("from", "to"))
        lines.append((field_label("status"), " → ".join(move)))
    lines += [
        (field_label(name), shown(value, name, names))
        for name, value in detail.items()
        if name not in ("changes", "from", "to") and value not in (None, "", [], {})
    ]
    return lines


HELPERS = {
    "kind_label": kind_label,
    "done_label": done_label,
    "field_label": field_label,
    "actor_label": actor_label,
    "subject_label": subject_label,
    "entry_lines": entry_lines,
    "shown": shown,
}
