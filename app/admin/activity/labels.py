"""The audit log's codes as words in the reader's language: kinds, what was done, fields.

A code with no label here is shown with its underscores as spaces: a new kind of entry is
readable at once and gets its words when it is added here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

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
    "responses": _l("responses exported"),
    "cases": _l("cases exported"),
    "opened": _l("opened"),
    "status": _l("status changed"),
    "note": _l("note added"),
    "contacted": _l("customer contacted"),
    "reassigned": _l("sent to another department"),
    "waiting": _l("clock stopped"),
    "resumed": _l("clock runs again"),
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
}


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


def shown(value: Any) -> str:
    """A logged value as a person reads it: lists joined, nothing as a dash, yes and no."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


HELPERS = {
    "kind_label": kind_label,
    "done_label": done_label,
    "field_label": field_label,
    "shown": shown,
}
