"""The names of what audit entries point at, so history reads "Cards", not "department_id 3".

Entries name objects by code or id ("touchpoint:branch_visit", "rule:3", "user:12") and log
ids as values (a department's, an assignee's). One small query per kind of object on the page
turns them into names in the reader's language, keyed the way `labels.shown` looks them up.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    ApiKey,
    AuditEntry,
    Department,
    RoutingRule,
    Survey,
    Topic,
    Touchpoint,
    User,
    WebhookEndpoint,
)
from app.web.locale import current_language, local_name
from app.web.words import word

PEOPLE_FIELDS = ("assignee_id",)


def _ids(entries: Iterable[AuditEntry], prefix: str, fields: tuple[str, ...] = ()) -> set[int]:
    """The ids an entry names as actor or subject ("user:12"), or logs in one of `fields`."""
    found: set[str] = set()
    for entry in entries:
        found |= {entry.actor, entry.subject}
        for name in fields:
            found |= {f"{prefix}:{value}" for value in (entry.detail.get("changes") or {})
                      .get(name, [])}  # fmt: skip
    return {
        int(key.split(":", 1)[1])
        for key in found
        if key.startswith(f"{prefix}:") and key.split(":", 1)[1].isdecimal()
    }


def names_for(session: Session, entries: list[AuditEntry]) -> dict[str, str]:
    """Every person, department, touchpoint, rule, key, webhook and survey the entries name."""
    names: dict[str, str] = {}
    users = _ids(entries, "user", PEOPLE_FIELDS)
    for user_id, email in session.execute(sa.select(User.id, User.email).where(User.id.in_(users))):
        names[f"user:{user_id}"] = email
    for department in session.scalars(sa.select(Department)):
        names[f"department:{department.code}"] = names[f"department_id:{department.id}"] = (
            local_name(department)
        )
    for touchpoint in session.scalars(sa.select(Touchpoint)):
        names[f"touchpoint:{touchpoint.code}"] = names[f"touchpoint_id:{touchpoint.id}"] = (
            local_name(touchpoint)
        )
    for topic in session.scalars(sa.select(Topic)):
        names[f"topic:{topic.code}"] = local_name(topic)
    for code, title in survey_titles(session).items():
        names[f"survey:{code}"] = title
    rules = _ids(entries, "rule")
    for rule_id, name in session.execute(
        sa.select(RoutingRule.id, RoutingRule.name).where(RoutingRule.id.in_(rules))
    ):
        names[f"rule:{rule_id}"] = word("rule", name)
    keys = _ids(entries, "api_key")
    for key_id, name in session.execute(
        sa.select(ApiKey.id, ApiKey.name).where(ApiKey.id.in_(keys))
    ):
        names[f"api_key:{key_id}"] = name
    hooks = _ids(entries, "webhook")
    for hook_id, name in session.execute(
        sa.select(WebhookEndpoint.id, WebhookEndpoint.name).where(WebhookEndpoint.id.in_(hooks))
    ):
        names[f"webhook:{hook_id}"] = name
    return names


def survey_titles(session: Session) -> dict[str, str]:
    """Each survey's newest title in the reader's language, by its code."""
    chinese = current_language() == "zh-CN"
    rows = session.execute(
        sa.select(Survey.code, Survey.title, Survey.title_zh).order_by(Survey.version)
    )
    return {code: (title_zh if chinese and title_zh else title) for code, title, title_zh in rows}
