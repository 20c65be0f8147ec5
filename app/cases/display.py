"""How cases read on the staff pages: statuses, answers, sentiment, the timeline and time left on
the SLA, in the reader's words. Plain functions of plain values, so tests read them directly."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Answer, Case, CaseEvent, Response, User
from app.services.cases.case_view import TimelineNames
from app.services.cases.inbox import shows_customer
from app.web.locale import local_name
from app.web.reasons import reason_words
from app.web.words import choices, word, yes_no
from surveys.schema import Question, SurveyDefinition
from surveys.sentiment import label_of
from workflows.case_transitions import IllegalTransition


def status_label(status: str) -> str:
    return word("case_status", status)


def refusal(error: Exception) -> str:
    """A refused action, said in the reader's language."""
    if isinstance(error, IllegalTransition):
        return _(
            "A case that is %(from_status)s cannot become %(to_status)s.",
            from_status=status_label(error.from_status),
            to_status=status_label(error.to_status),
        )
    return str(error)


def status_choices() -> list[tuple[str, str]]:
    return choices("case_status")


def score_of(response: Response) -> str:
    """The headline score of a response, whichever the survey asked."""
    for label, value in (("NPS", response.nps), ("CSAT", response.csat), ("CES", response.ces)):
        if value is not None:
            return f"{label} {value}"
    return "–"


def time_left(due: datetime | None, now: datetime) -> str:
    """ "3 h left" or "overdue by 2 d", rounded the way a person says it."""
    if due is None:
        return "–"
    seconds = (due - now).total_seconds()
    hours = abs(seconds) / 3600
    amount = (
        _("%(n)d d", n=round(hours / 24)) if hours >= 48 else _("%(n)d h", n=max(1, round(hours)))
    )
    return (
        _("%(amount)s left", amount=amount)
        if seconds >= 0
        else _("overdue by %(amount)s", amount=amount)
    )


def clock(case: Case, now: datetime) -> str:
    """Time left to resolve, or, while the case waits on the customer, what was left then."""
    if case.waiting_since is None:
        return time_left(case.due_resolve_at, now)
    return _("paused, %(left)s", left=time_left(case.due_resolve_at, case.waiting_since))


class SlaState(NamedTuple):
    """A deadline as a badge shows it: its tone (overdue, soon, ok, paused, met, missed, none)
    and its words."""

    tone: str
    text: str


DUE_SOON = timedelta(hours=4)  # what is left when a deadline turns amber
DONE_STATUSES = frozenset({"resolved", "closed", "cancelled"})


def sla_state(case: Case, now: datetime) -> SlaState:
    """Where a case stands against its resolution deadline, the way the SLA is reported
    (met when first resolved by the deadline, the time waiting on the customer excluded)."""
    if case.status in DONE_STATUSES:
        if case.first_resolved_at is None or case.due_resolve_at is None:
            return SlaState("none", "–")
        if case.first_resolved_at <= case.due_resolve_at:
            return SlaState("met", _("resolved in time"))
        return SlaState("missed", _("resolved late"))
    if case.waiting_since is not None:
        return SlaState("paused", clock(case, now))
    if case.due_resolve_at is None:
        return SlaState("none", "–")
    left = case.due_resolve_at - now
    tone = "overdue" if left < timedelta() else "soon" if left < DUE_SOON else "ok"
    return SlaState(tone, time_left(case.due_resolve_at, now))


def mask(text: str | None) -> str:
    """Each word's first character and stars: enough to tell two customers apart, no more."""
    return " ".join(word[0] + "*" * max(2, len(word) - 1) for word in (text or "").split())


def mask_email(address: str | None) -> str:
    """c*******@e******.com: the shape of an address without the address."""
    local, _, domain = (address or "").partition("@")
    host, dot, tld = domain.rpartition(".")
    return f"{mask(local)}@{mask(host)}{dot}{tld}" if local and domain else mask(address)


def customer_name(case: Case, viewer: User) -> str:
    """Who answered, as this viewer may read it: in clear for the case owner when the customer
    agreed to be contacted, masked for everyone else, "anonymous" when no one is known."""
    customer = case.response.customer
    if customer is None:
        return _("Anonymous")
    if shows_customer(viewer, case):
        return customer.name or _("(no name given)")
    return mask(customer.name) or _("(no name given)")


def first_words(text: str | None, limit: int = 90) -> str:
    """The start of a comment, cut at a word (or, in Chinese, at a character) with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;，。；") + "…"


def _scale(question: Question, value: Any) -> str:
    bounds = question.bounds()
    return f"{value} / {bounds[1]}" if bounds else str(value)


def _choice(question: Question, choice_id: Any, other: str | None, language: str) -> str:
    if choice_id == "other":
        return _("Other: “%(text)s”", text=other) if other else _("Other")
    found = next((c for c in question.choices if c.id == choice_id), None)
    return found.text.get(language) if found else str(choice_id).replace("_", " ")


def answer_words(question: Question, value: Any, other: str | None, language: str) -> str:
    """One answer as its question's reader says it: a choice by its text, yes/no in words, a
    score out of its scale, the "other, please say" text beside the choice it explains."""
    if question.type == "yes_no":
        return yes_no(value)
    if question.bounds() is not None:
        return _scale(question, value)
    if question.type in ("single_choice", "multiple_choice"):
        picked = value if isinstance(value, list) else [value]
        return _(", ").join(_choice(question, choice, other, language) for choice in picked)
    return str(value)


def answer_rows(
    definition: SurveyDefinition, answers: list[Answer], language: str
) -> list[tuple[str, str]]:
    """(question, answer) in the survey's order and the reader's language; the comment is left
    out (it is shown apart) and the consent comes last, after what the customer told us."""
    given = {answer.question_id: answer.value for answer in answers}
    asked = [q for q in definition.questions if q.id in given and q.role != "comment"]
    asked.sort(key=lambda question: question.role == "consent")
    return [
        (
            question.text.get(language),
            answer_words(question, given[question.id], given.get(question.other_id), language),
        )
        for question in asked
    ]


SENTIMENT = {"negative": _l("negative"), "neutral": _l("neutral"), "positive": _l("positive")}


def sentiment_words(polarity: float | None) -> str:
    """ "negative (−0.62)": the label and the score it comes from."""
    if polarity is None:
        return "–"
    score = f"{polarity:+.2f}".replace("-", "−")
    return _("%(label)s (%(score)s)", label=SENTIMENT[label_of(polarity)], score=score)


# Status moves offered as buttons, by what they do; resolving and cancelling have their own forms.
STEP_LABELS = {
    "acknowledged": _l("Acknowledge"),
    "in_progress": _l("Start work"),
    "closed": _l("Close the case"),
}
NEXT_STEP = {"new": "acknowledged", "acknowledged": "in_progress", "reopened": "in_progress"}


def status_steps(status: str) -> list[str]:
    """The status buttons a case shows now, the usual next step first."""
    steps = {
        "new": ["acknowledged", "in_progress"],
        "acknowledged": ["in_progress"],
        "reopened": ["in_progress"],
        "resolved": ["closed"],
    }
    return steps.get(status, [])


def primary_action(case: Case) -> str:
    """The one thing a person would do next on this case, drawn as the primary button:
    "resume" (the customer came back), a status step, "contact", "resolve", or "" (none)."""
    if case.status in DONE_STATUSES:
        return ""
    if case.waiting_since is not None:
        return "resume"
    if case.status in NEXT_STEP:
        return NEXT_STEP[case.status]
    if case.first_contact_at is None and case.response.consent_to_contact:
        return "contact"
    return "resolve"


class TimelineEntry(NamedTuple):
    at: datetime
    actor: str
    what: str
    note: str


# What the jobs write as notes, said again in the reader's words.
SYSTEM_NOTES = {
    "Customer confirmed": _l("The customer confirmed it is resolved."),
    "No answer to the follow-up": _l("The customer did not answer the follow-up."),
}
NOT_RESOLVED = "Customer says it is not resolved: "


def person(user: User | None) -> str:
    return (user.name or user.email) if user else _("Touchloop itself")


def _place(department_id: Any, names: TimelineNames) -> str:
    department = names.departments.get(department_id)
    return local_name(department) if department else "–"


def _event_words(event: CaseEvent, names: TimelineNames) -> str:
    data = event.data or {}
    if event.kind == "opened":
        return _("Case opened")
    if event.kind == "status":
        return _(
            "Status: %(from_status)s → %(to_status)s",
            from_status=status_label(event.from_status or ""),
            to_status=status_label(event.to_status or ""),
        )
    if event.kind == "assigned":
        to = person(names.people.get(data.get("to_user")))
        if data.get("from_user") is None:
            return _("Assigned to %(to)s", to=to)
        was = person(names.people.get(data["from_user"]))
        return _("Assigned to %(to)s (was %(was)s)", to=to, was=was)
    if event.kind == "contacted":
        return _("Customer contacted: %(channel)s", channel=word("channel", data.get("channel")))
    if event.kind == "reassigned":
        return _(
            "Sent from %(from_department)s to %(to_department)s",
            from_department=_place(data.get("from_department"), names),
            to_department=_place(data.get("to_department"), names),
        )
    if event.kind == "waiting":
        return _("Waiting on the customer: the clock stopped")
    if event.kind == "resumed":
        return _(
            "The clock runs again after %(hours).1f business hours of waiting",
            hours=data.get("paused_seconds", 0) / 3600,
        )
    if event.kind == "note":
        return _("Note")
    return str(SLA_STEPS.get(event.kind, _("Update")))


SLA_STEPS = {
    "sla_remind": _l("The deadline is near: the assignee was reminded"),
    "sla_escalate_department": _l("The deadline passed: sent up to the department head"),
    "sla_escalate_cx": _l("Twice over the deadline: sent up to the CX managers"),
}


def _note_words(event: CaseEvent, touchpoints: Mapping[str, str]) -> str:
    """What the entry says beside its kind: a person's note as written, the system's in words."""
    if event.kind == "opened":
        return reason_words(event.note, touchpoints)
    if event.actor_id is not None or not event.note:
        return event.note
    if event.kind in SLA_STEPS:
        return ""
    if event.note.startswith(NOT_RESOLVED):
        comment = event.note.removeprefix(NOT_RESOLVED)
        return _("The customer says it is not resolved: %(comment)s", comment=comment)
    return str(SYSTEM_NOTES.get(event.note, event.note))


def timeline(
    events: Iterable[CaseEvent], names: TimelineNames, touchpoints: Mapping[str, str]
) -> list[TimelineEntry]:
    """Every entry of a case's timeline in words: when, who, what happened, what was said."""
    return [
        TimelineEntry(
            event.at,
            person(event.actor),
            _event_words(event, names),
            _note_words(event, touchpoints),
        )
        for event in events
    ]


HELPERS = {
    "status_label": status_label,
    "status_choices": status_choices,
    "score_of": score_of,
    "time_left": time_left,
    "clock": clock,
    "sla_state": sla_state,
    "mask": mask,
    "mask_email": mask_email,
    "customer_name": customer_name,
    "first_words": first_words,
    "sentiment_words": sentiment_words,
    "step_label": lambda status: STEP_LABELS[status],
}
