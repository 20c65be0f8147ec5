"""The shapes bank systems send and receive, validated strictly so errors name the field.

The same models give the OpenAPI document its schemas, so the document cannot drift from
what the endpoints accept and answer.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, validate_email
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
)

from app.models import FIRST_DAY, LAST_DAY
from app.services.distribution.events import CustomerIn, EventIn
from app.web.forms import known_time_zones

MAX_BATCH = 1000


def _supported_day(day: date) -> date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"must be a day from {FIRST_DAY} to {LAST_DAY}")
    return day


def _supported_moment(moment: datetime) -> datetime:
    """Judged by its own calendar day, so a moment at the edge of time is refused, not turned
    into UTC (which would overflow)."""
    _supported_day(moment.date())
    return moment


Day = Annotated[date, AfterValidator(_supported_day)]


def _known_zone(name: str) -> str:
    if name not in known_time_zones():
        raise ValueError("unknown IANA time zone, e.g. Asia/Shanghai")
    return name


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")


def email_address(value: str) -> str:
    """An address as email-validator checks and normalises it (the domain in lower case).

    The usual plain ASCII address is recognised by a pattern at a tenth of the cost, which a
    batch of a thousand events notices; anything else (internationalised, IDNA, special-use
    domains such as .test) goes to email-validator itself. A test holds the two in agreement.
    """
    local, _, domain = value.rpartition("@")
    domain = domain.lower()
    if (
        len(value) <= 254
        and len(local) <= 64
        and "xn--" not in domain
        and domain.rpartition(".")[2] not in SPECIAL_USE_DOMAIN_NAMES
        and _PLAIN_EMAIL.fullmatch(value)
    ):
        return f"{local}@{domain}"
    return validate_email(value, check_deliverability=False).normalized


Email = Annotated[
    str, AfterValidator(email_address), WithJsonSchema({"type": "string", "format": "email"})
]


def mobile_number(value: str) -> str:
    """A mobile in E.164 (+8613800138000); a number without a country code is taken as
    mainland China's, the bank's home."""
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException as error:
        raise ValueError("not a phone number; send it in E.164, e.g. +8613800138000") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number; send it in E.164, e.g. +8613800138000")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


Mobile = Annotated[
    str,
    AfterValidator(mobile_number),
    WithJsonSchema({"type": "string", "description": "E.164", "examples": ["+8613800138000"]}),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerPayload(_Strict):
    external_id: str = Field(min_length=1, max_length=80)
    email: Email | None = None
    name: str = Field(default="", max_length=200)
    locale: Literal["en", "zh-CN"] = "en"
    segment: Literal["mass", "private", "vip", "business"] = "mass"
    timezone: Annotated[str, AfterValidator(_known_zone)] | None = None
    mobile: Mobile | None = None
    wechat_openid: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9_-]{6,64}$", description="on the bank's official account"
    )
    preferred_channel: Literal["email", "sms", "wechat"] | None = None


class EventPayload(_Strict):
    event_id: str = Field(min_length=1, max_length=100)
    touchpoint: str = Field(min_length=1, max_length=60)
    customer: CustomerPayload
    occurred_at: Annotated[AwareDatetime, AfterValidator(_supported_moment)]
    attributes: dict[str, Any] = Field(default_factory=dict)
    channel: Literal["link"] | None = Field(
        default=None,
        description='"link": answer at once with the survey\'s URL for the app to open, '
        "instead of sending a message (POST /events only)",
    )

    def to_domain(self) -> EventIn:
        customer = self.customer
        return EventIn(
            event_id=self.event_id,
            touchpoint=self.touchpoint,
            customer=CustomerIn(
                external_id=customer.external_id,
                email=customer.email,
                name=customer.name,
                locale="zh_CN" if customer.locale == "zh-CN" else "en",
                segment=customer.segment,
                timezone=customer.timezone,
                mobile=customer.mobile,
                wechat_openid=customer.wechat_openid,
                preferred_channel=customer.preferred_channel,
            ),
            occurred_at=self.occurred_at,
            attributes=self.attributes,
        )


class BatchPayload(_Strict):
    events: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class FieldError(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    error: str
    message: str
    fields: list[FieldError] = Field(default_factory=list)


class EventResult(BaseModel):
    event_id: str | None
    status: Literal["accepted", "duplicate", "rejected", "invalid"]
    invitation_id: int | None = None
    invitation_status: (
        Literal["scheduled", "deferred", "sent", "answered", "expired", "suppressed"] | None
    ) = None
    reason: str = ""
    survey_url: str | None = Field(
        default=None, description='with "channel": "link", the survey to open, single use'
    )
    fields: list[FieldError] = Field(default_factory=list)


class BatchResult(BaseModel):
    accepted: int
    duplicate: int
    rejected: int
    invalid: int
    results: list[EventResult]


class MetricsQuery(_Strict):
    """The filter of every metrics endpoint: whole UTC days (end included) and codes.

    Without start and end the figures cover all time, as the first version of the API did.
    """

    start: Day | None = None
    end: Day | None = None
    department: str | None = Field(default=None, max_length=40)
    touchpoint: str | None = Field(default=None, max_length=60)
    journey_stage: str | None = Field(default=None, max_length=40)
    segment: str | None = Field(default=None, max_length=20)
    branch: str | None = Field(default=None, max_length=80)
    channel: str | None = Field(default=None, max_length=20)


class ScoresQuery(MetricsQuery):
    group_by: Literal["touchpoint", "department", "segment", "journey_stage", "week"]


class ClosedLoopBody(BaseModel):
    """Cases opened in the period (cancelled left out) and how their loop closed.

    Rates are 0-1 (None with nothing to divide); durations are elapsed hours from opening.
    """

    cases_total: int
    cases_closed: int
    cases_confirmed: int
    cases_unconfirmed: int
    closure_rate: float | None
    median_hours_to_close: float | None
    cases_cancelled: int
    cases_reopened: int
    reopened_rate: float | None
    confirmed_rate: float | None
    detractor_cases: int
    detractors_contacted: int
    detractors_contacted_in_sla: int
    detractors_rescued: int
    close_the_loop_rate: float | None
    rescue_rate: float | None
    sla_met: int
    sla_due: int
    sla_compliance: float | None
    median_hours_to_first_contact: float | None
    p90_hours_to_first_contact: float | None
    median_hours_to_first_resolution: float | None
    p90_hours_to_first_resolution: float | None
    p90_hours_to_close: float | None


class ScoreGroup(BaseModel):
    """One group's scores; a score is None below the minimum sample, its sample size is not."""

    key: str
    label: str
    responses: int
    nps_n: int
    promoters: int
    detractors: int
    nps: float | None
    csat_n: int
    satisfied: int
    csat: float | None = Field(description="% satisfied (4-5 of 5)")
    ces_n: int
    easy: int
    ces: float | None = Field(description="% easy (top two points of the answer's scale)")
    invitations_sent: int
    invitations_answered: int
    response_rate: float | None


class ChannelGroup(BaseModel):
    """One channel's reach; None where the channel cannot have the figure (e-mail has no
    delivery receipts; QR answers have no invitation)."""

    channel: Literal["email", "sms", "wechat", "link", "qr"]
    invitations: int | None
    delivered: int | None
    failed: int | None
    responses: int
    response_rate: float | None = Field(description="0-1, answered ÷ invitations sent")


class ChannelsBody(BaseModel):
    channels: list[ChannelGroup]


class ScoresBody(BaseModel):
    group_by: str
    min_sample: int
    groups: list[ScoreGroup]


def field_errors(error: ValidationError, prefix: str = "") -> list[FieldError]:
    """Pydantic's errors as `customer.email`-style fields with a readable message."""
    return [
        FieldError(
            field=prefix + (".".join(str(part) for part in item["loc"]) or "body"),
            message=item["msg"],
        )
        for item in error.errors(include_url=False)
    ]


class CaseBody(BaseModel):
    id: int
    status: str
    priority: Literal["P1", "P2", "P3"]
    department: str
    touchpoint: str
    rule: str
    reason: str
    opened_at: str
    due_first_contact_at: str | None
    due_resolve_at: str | None
    first_contact_at: str | None
    resolved_at: str | None
    closed_at: str | None
    closure_kind: str | None
    root_cause: str | None
    waiting_since: str | None  # set while the case waits on the customer (the clock is stopped)
    paused_seconds: int  # business time spent waiting, added to the resolve deadline
    reopen_count: int
    version: int
    nps: int | None
    csat: int | None
    ces: int | None
    comment: str
    polarity: float | None


class CaseList(BaseModel):
    cases: list[CaseBody]
    total: int
    page: int
    pages: int


class TransitionPayload(_Strict):
    to_status: Literal["acknowledged", "in_progress", "resolved", "closed", "reopened", "cancelled"]
    version: int
    note: str = Field(default="", max_length=5000)
    root_cause: str | None = None  # required to resolve
