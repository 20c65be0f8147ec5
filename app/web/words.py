"""The product's stored codes as words in the reader's language.

Statuses, roles, segments, channels, journey stages, root causes and the like are stored as
codes (`in_progress`, `cx_manager`, `everyday_banking`) and never shown as such: every page,
e-mail and export turns them into words here. A code with no word yet is shown with its
underscores as spaces, so a new one stays readable until it gets its words.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

CASE_STATUS = {
    "new": _l("new"),
    "acknowledged": _l("acknowledged"),
    "in_progress": _l("in progress"),
    "resolved": _l("resolved"),
    "closed": _l("closed"),
    "reopened": _l("reopened"),
    "cancelled": _l("cancelled"),
}
INVITATION_STATUS = {
    "scheduled": _l("scheduled"),
    "deferred": _l("waiting"),
    "sent": _l("sent"),
    "answered": _l("answered"),
    "expired": _l("expired"),
    "suppressed": _l("not sent"),
}
OUTBOX_STATUS = {
    "pending": _l("waiting to send"),
    "sent": _l("sent"),
    "failed": _l("failed"),
    "cancelled": _l("withdrawn: sent by another channel"),
}
ROLE = {"admin": _l("Admin"), "cx_manager": _l("CX manager"), "staff": _l("Staff")}
SEGMENT = {
    "mass": _l("Retail"),
    "private": _l("Private banking"),
    "vip": _l("VIP"),
    "business": _l("Business"),
    "unknown": _l("Not known (anonymous)"),
}
CHANNEL = {
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "branch": _l("In the branch"),
    "sms": _l("SMS"),
    "video": _l("Video call"),
    "wechat": _l("WeChat"),
    "link": _l("Link in the app"),
    "qr": _l("QR code"),
}
ROOT_CAUSE = {
    "waiting_time": _l("Waiting time"),
    "staff_behaviour": _l("Staff behaviour"),
    "fees_and_rates": _l("Fees and rates"),
    "process_or_documents": _l("Process or documents"),
    "system_error": _l("System error"),
    "product_design": _l("Product design"),
    "miscommunication": _l("Miscommunication"),
    "customer_misunderstanding": _l("Customer misunderstanding"),
    "other": _l("Other"),
}
# The stages of a bank customer's journey, in the order a customer lives them.
JOURNEY_STAGE = {
    "onboarding": _l("Onboarding"),
    "everyday_banking": _l("Everyday banking"),
    "borrowing": _l("Borrowing"),
    "saving_investing": _l("Saving and investing"),
    "service": _l("Service and complaints"),
    "leaving": _l("Leaving"),
}
LANGUAGE = {
    "en": _l("English"),
    "zh": _l("Chinese"),
    "zh-CN": _l("Chinese"),
    "zh_CN": _l("Chinese"),
}
PRIORITY = {"P1": _l("P1 · urgent"), "P2": _l("P2 · high"), "P3": _l("P3 · normal")}
# The routing rules a bank starts with (the demo's and the default catch-all), by their names.
RULE = {
    "fraud_or_unauthorised": _l("Fraud or an unauthorised payment"),
    "vip_detractor_negative": _l("Unhappy VIP customer"),
    "low_score": _l("Low score"),
    "detractor": _l("Unhappy customer"),
    "catch-all": _l("Every other answer"),
    "default": _l("Every other answer"),
}

VOCABULARY: dict[str, dict[str, LazyString]] = {
    "case_status": CASE_STATUS,
    "invitation_status": INVITATION_STATUS,
    "outbox_status": OUTBOX_STATUS,
    "role": ROLE,
    "segment": SEGMENT,
    "channel": CHANNEL,
    "root_cause": ROOT_CAUSE,
    "journey_stage": JOURNEY_STAGE,
    "language": LANGUAGE,
    "priority": PRIORITY,
    "rule": RULE,
}


def word(kind: str, code: str | None) -> str:
    """The word for a stored code of a kind (`word("segment", "vip")`); a dash for none."""
    if code is None or code == "":
        return "–"
    label = VOCABULARY[kind].get(str(code))
    return str(label) if label is not None else str(code).replace("_", " ")


def words(kind: str, codes: Iterable[str]) -> str:
    """Several codes of one kind as a list a person reads; a dash for none."""
    return ", ".join(word(kind, code) for code in codes) or "–"


def choices(kind: str, codes: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(code, word) pairs for a select, in the vocabulary's order or the codes given."""
    return [(code, word(kind, code)) for code in (codes or VOCABULARY[kind])]


def yes_no(value: object) -> str:
    return str(_l("Yes") if value else _l("No"))


HELPERS = {"word": word, "words": words, "yes_no": yes_no}
