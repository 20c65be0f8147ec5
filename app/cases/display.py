"""How cases read on the staff pages: translated statuses, scores, time left on the SLA."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Answer, Case, Response
from surveys.schema import SurveyDefinition, Text
from workflows.case_transitions import IllegalTransition

STATUS_LABELS = {
    "new": _l("new"),
    "acknowledged": _l("acknowledged"),
    "in_progress": _l("in progress"),
    "resolved": _l("resolved"),
    "closed": _l("closed"),
    "reopened": _l("reopened"),
    "cancelled": _l("cancelled"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


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
    return [(status, str(label)) for status, label in STATUS_LABELS.items()]


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
    "mask": mask,
    "mask_email": mask_email,
}
