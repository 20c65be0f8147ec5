"""How cases read on the staff pages: translated statuses, scores, time left on the SLA."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from flask_babel import gettext as _

from app.models import Answer, Case, Response
from app.web.words import choices, word
from surveys.schema import SurveyDefinition, Text
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


def answer_rows(definition: SurveyDefinition, answers: list[Answer]) -> list[tuple[Text, str]]:
    """Each answered question in the survey's order, the comment left out (it is shown apart),
    with the "other, please say" text beside the choice it explains."""
    given = {answer.question_id: answer.value for answer in answers}
    rows = []
    for question in definition.questions:
        if question.id == "comment" or question.id not in given:
            continue
        value = given[question.id]
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        if given.get(question.other_id):
            shown = f"{shown} ({given[question.other_id]})"
        rows.append((question.text, shown))
    return rows


HELPERS = {
    "answer_rows": answer_rows,
    "status_label": status_label,
    "status_choices": status_choices,
    "score_of": score_of,
    "time_left": time_left,
    "clock": clock,
    "sla_state": sla_state,
    "mask": mask,
    "mask_email": mask_email,
}
