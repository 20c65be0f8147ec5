"""Loading the demo bank, idempotently: a second run adds nothing and changes nothing."""

from __future__ import annotations

import csv
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    Case,
    Department,
    Invitation,
    InvitationStatus,
    RoutingRule,
    Touchpoint,
    TouchpointEvent,
    User,
)
from app.services.accounts.users import create_user
from app.services.cases.case_routing import route_response
from app.services.cases.lifecycle import transition_case
from app.services.distribution.events import CustomerIn, EventIn, ingest_event
from app.services.distribution.links import link_for_invitation
from app.services.feedback.responses import record_response
from app.services.feedback.survey_versions import sync_surveys
from workflows.sla import BusinessCalendar

DEPARTMENTS = [
    ("retail_branches", "Retail branches", "零售网点"),
    ("loans", "Loans", "贷款部"),
    ("cards", "Cards", "信用卡中心"),
    ("call_centre", "Call centre", "客服中心"),
    ("digital_banking", "Digital banking", "数字银行部"),
    ("complaints", "Complaints", "投诉管理部"),
]

NPS, CSAT = "touchpoint_nps", "service_csat"


class DemoTouchpoint(NamedTuple):
    code: str
    name: str
    name_zh: str
    journey_stage: str
    journey_order: int
    department: str
    delay_minutes: int
    topic: str  # which CFPB comments fit an English detractor here
    survey: str
    priority: int = 50
    send_at_local_time: str | None = None
    sampling_rate: float = 1.0
    overrides_fatigue: bool = False


# fmt: off
TOUCHPOINTS = [
    DemoTouchpoint("account_opening", "Account opening", "开户", "onboarding", 1,
                   "retail_branches", 60, "accounts", NPS, priority=60),
    DemoTouchpoint("card_activation", "Card activation", "卡片激活", "onboarding", 2,
                   "cards", 30, "cards", NPS, priority=40),
    DemoTouchpoint("mobile_app", "Mobile app", "手机银行", "everyday_banking", 3,
                   "digital_banking", 0, "transfers", NPS, priority=20, sampling_rate=0.5),
    DemoTouchpoint("branch_visit", "Branch visit", "网点到访", "everyday_banking", 4,
                   "retail_branches", 120, "accounts", NPS, priority=30),
    DemoTouchpoint("call_centre", "Call-centre call", "客服来电", "service", 5,
                   "call_centre", 30, "complaints", CSAT, priority=70),
    DemoTouchpoint("loan_approval", "Loan approval", "贷款审批", "borrowing", 6,
                   "loans", 60, "loans", NPS, priority=80, send_at_local_time="09:30"),
    DemoTouchpoint("complaint_resolution", "Complaint resolution", "投诉处理", "service", 7,
                   "complaints", 60, "complaints", CSAT, priority=90, overrides_fatigue=True),
]
# fmt: on

CHINESE_COMMENTS = {
    "detractor": [
        "排队等了一个多小时，窗口只开了两个，太浪费时间了。",
        "客服电话一直打不通，转了三次人工还是没解决问题。",
        "手机银行转账总是失败，也没有任何提示，非常失望。",
        "贷款审批拖了一个月，每次问都说在流程中。",
        "信用卡年费没有提前通知就扣了，要求退回。",
    ],
    "passive": ["整体还可以，就是等待时间有点长。", "服务一般，希望流程能再简化一些。"],
    "promoter": [
        "柜员非常耐心，帮我很快办好了开户。",
        "手机银行很好用，转账到账很快。",
        "客户经理专业热情，解答很清楚，点赞！",
    ],
}
ENGLISH_PRAISE = [
    "Quick and friendly, the whole thing took ten minutes.",
    "The advisor explained every fee clearly. Thank you.",
    "Smooth process, the app made it easy.",
]
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴"]
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰"]
ENGLISH_NAMES = ["Alex Chan", "Mary Wong", "Peter Lee", "Grace Ho", "David Lam", "Emily Tse"]
CFPB_COMMENTS = Path(__file__).parent / "cfpb_comments.csv"


@dataclass
class DemoReport:
    departments: int = 0
    touchpoints: int = 0
    surveys: int = 0
    customers: int = 0
    responses: int = 0
    cases: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def seed_demo(
    session: Session,
    *,
    now: datetime,
    customers: int = 300,
    history_days: int = 45,
    calendar: BusinessCalendar | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DemoReport:
    """Load the demo bank; returns what was added, with any new logins' passwords."""
    report = DemoReport(surveys=sync_surveys(session))
    departments = _departments(session, report)
    _touchpoints(session, departments, report)
    _routing_rules(session, departments)
    _users(session, report)
    if session.scalar(sa.select(TouchpointEvent.id).where(TouchpointEvent.event_id.like("demo-%"))):
        return report
    _history(
        session, now, customers, history_days, calendar or BusinessCalendar(), report, progress
    )
    return report


def _departments(session: Session, report: DemoReport) -> dict[str, Department]:
    found = {d.code: d for d in session.scalars(sa.select(Department))}
    for code, name, name_zh in DEPARTMENTS:
        if code not in found:
            found[code] = Department(code=code, name=name, name_zh=name_zh)
            session.add(found[code])
            report.departments += 1
    session.flush()
    return found


def _touchpoints(session: Session, departments: dict[str, Department], report: DemoReport) -> None:
    existing = set(session.scalars(sa.select(Touchpoint.code)))
    for demo in TOUCHPOINTS:
        if demo.code in existing:
            continue
        session.add(
            Touchpoint(
                code=demo.code,
                name=demo.name,
                name_zh=demo.name_zh,
                journey_stage=demo.journey_stage,
                journey_order=demo.journey_order,
                department_id=departments[demo.department].id,
                survey_code=demo.survey,
                delay_minutes=demo.delay_minutes,
                send_at_local_time=demo.send_at_local_time,
                sampling_rate=demo.sampling_rate,
                reminder_hours=[72],
                priority=demo.priority,
                overrides_fatigue=demo.overrides_fatigue,
            )
        )
        report.touchpoints += 1
    session.flush()


def _routing_rules(session: Session, departments: dict[str, Department]) -> None:
    """The demo bank's rules: fraud to complaints first, then VIPs, then every low score."""
    if session.scalar(sa.select(RoutingRule.id).limit(1)) is not None:
        return
    low = [
        {"metric": "nps", "op": "<=", "value": 6},
        {"metric": "csat", "op": "<=", "value": 2},
        {"metric": "ces", "op": "<=", "value": 3},
    ]
    session.add_all(
        [
            RoutingRule(
                name="fraud_or_unauthorised",
                position=10,
                keywords=["fraud", "scam", "unauthorized", "identity theft", "诈骗", "盗刷"],
                department_id=departments["complaints"].id,
                priority="P1",
                first_contact_hours=2,
                resolve_hours=16,
                round_robin=True,
            ),
            RoutingRule(
                name="vip_detractor_negative",
                position=20,
                scores=low,
                segments=["vip"],
                polarity_below=0,
                priority="P1",
                first_contact_hours=2,
                resolve_hours=16,
                round_robin=True,
            ),
            RoutingRule(name="low_score", position=90, scores=low, priority="P2", round_robin=True),
        ]
    )
    session.flush()


def _users(session: Session, report: DemoReport) -> None:
    wanted = [("admin@demo.bank", "admin", None), ("cx.manager@demo.bank", "cx_manager", None)]
    wanted += [(f"{code.replace('_', '.')}@demo.bank", "staff", code) for code, _, _ in DEPARTMENTS]
    existing = set(session.scalars(sa.select(User.email)))
    for email, role, department in wanted:
        if email in existing:
            continue
        password = secrets.token_urlsafe(9)
        create_user(session, email=email, password=password, role=role, department_code=department)
        report.logins.append((email, role, password))


def _history(
    session: Session,
    now: datetime,
    customers: int,
    days: int,
    calendar: BusinessCalendar,
    report: DemoReport,
    progress: Callable[[int, int], None] | None,
) -> None:
    rng = random.Random(20261123)
    comments = _cfpb_comments()
    people = [_customer(rng, index) for index in range(customers)]
    report.customers = customers
    events = customers * 2
    for number in range(events):
        touchpoint = rng.choice(TOUCHPOINTS)
        person = rng.choice(people)
        occurred = now - timedelta(days=rng.uniform(0.5, days))
        result = ingest_event(
            session,
            EventIn(
                event_id=f"demo-{number:05d}",
                touchpoint=touchpoint.code,
                customer=person,
                occurred_at=occurred,
                attributes={"branch": rng.choice(["Central", "Harbour", "Riverside", "Airport"])},
            ),
            now=occurred,
        )
        if progress:
            progress(number + 1, events)
        if result.invitation_status != "scheduled" or rng.random() > 0.45:
            continue  # most customers never answer; that is what response rates look like
        case = _answer(
            session, rng, result.invitation_id, touchpoint, person, comments, now, calendar
        )
        report.responses += case is not False
        if not case:
            continue
        report.cases += 1
        resolved = case.opened_at + timedelta(hours=rng.uniform(2, 120))
        if rng.random() < 0.6 and resolved < now:
            note = "Called the customer and fixed it."
            transition_case(session, case, "resolved", None, note, now=resolved)


def _answer(
    session: Session,
    rng: random.Random,
    invitation_id: int,
    touchpoint: DemoTouchpoint,
    person: CustomerIn,
    comments: dict[str, list[str]],
    now: datetime,
    calendar: BusinessCalendar,
) -> Case | None | Literal[False]:
    """Answer one invitation in the past: the case it opened, None, or False if still unanswered."""
    invitation = session.get(Invitation, invitation_id)
    assert invitation is not None
    invitation.status = InvitationStatus.SENT  # imported history: the e-mail went out long ago
    invitation.sent_at = invitation.send_after
    score = rng.choices(range(11), weights=[3, 2, 2, 3, 3, 4, 6, 9, 12, 14, 12])[0]
    band = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    if person.locale == "zh_CN":
        comment = rng.choice(CHINESE_COMMENTS[band])
    elif band == "detractor":
        comment = rng.choice(comments.get(touchpoint.topic) or comments["complaints"])
    else:
        comment = rng.choice(ENGLISH_PRAISE)
    answers = _answers(rng, touchpoint.survey, score, band, comment)
    answered = invitation.send_after + timedelta(hours=rng.uniform(0.2, 30))
    if answered + timedelta(minutes=5) >= now:
        return False
    language = "zh-CN" if person.locale == "zh_CN" else "en"
    link = link_for_invitation(session, invitation.id)
    response_id = record_response(session, link, answers, language=language, now=answered)
    return route_response(
        session, response_id, now=answered + timedelta(minutes=5), calendar=calendar
    )


def _answers(
    rng: random.Random, survey: str, score: int, band: str, comment: str
) -> dict[str, Any]:
    """Answers to either demo survey that agree with the customer's mood (score 0-10)."""
    unhappy = band == "detractor"
    if survey == NPS:
        answers: dict[str, Any] = {"nps": score, "comment": comment}
        if unhappy:
            answers["what_went_wrong"] = rng.sample(["waiting_time", "staff", "fees", "process"], 2)
            answers["consent"] = rng.random() < 0.8
        return answers
    csat = max(1, min(5, round(score / 2)))
    answers = {
        "csat": csat,
        "ces": max(1, min(7, round(score * 0.6) + 1)),
        "resolved": not unhappy,
        "agent_rating": max(1, csat - rng.randint(0, 1)),
        "comment": comment,
    }
    if unhappy:
        answers["channel_wanted"] = rng.choice(["phone", "email", "branch"])
    if csat <= 2:
        answers["consent"] = rng.random() < 0.8
    return answers


def _customer(rng: random.Random, index: int) -> CustomerIn:
    chinese = rng.random() < 0.6
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) if chinese else rng.choice(ENGLISH_NAMES)
    segment = rng.choices(["mass", "private", "vip"], weights=[70, 20, 10])[0]
    return CustomerIn(
        external_id=f"DEMO{index:05d}",
        email=f"customer{index:05d}@demo.invalid",
        name=name,
        locale="zh_CN" if chinese else "en",
        segment=segment,
    )


def _cfpb_comments() -> dict[str, list[str]]:
    by_topic: dict[str, list[str]] = {}
    with CFPB_COMMENTS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_topic.setdefault(row["topic"], []).append(row["comment"])
    return by_topic
