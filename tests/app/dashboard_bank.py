"""A small bank whose dashboard figures were worked out by hand (see test_dashboard_figures.py).

Period: 2026-03-02 to 2026-03-15 (UTC, two Mondays); the previous period is the two weeks
before. Touchpoints: branch_visit (onboarding, department cards), loan_approval (lending,
loans), call_centre (service, cards).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.models import Case, Department, Response, Touchpoint
from tests.factories import (
    CustomerFactory,
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
)

START = datetime(2026, 3, 2, tzinfo=UTC)
END = datetime(2026, 3, 16, tzinfo=UTC)
NOW = END  # the figures are taken at the end of the period


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


@dataclass
class Bank:
    cards: Department
    loans: Department
    branch: Touchpoint
    loan: Touchpoint
    call: Touchpoint
    cases: dict[str, Case]


def _response(session, touchpoint, submitted_at, nps=None, **fields) -> Response:
    category = None
    if nps is not None:
        category = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
    response = Response(
        survey_code=fields.pop("survey_code", "touchpoint_nps"),
        survey_version=1,
        touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage,
        department_id=touchpoint.department_id,
        channel="email",
        segment=fields.pop("segment", "mass"),
        branch=fields.pop("branch", "Central"),
        submitted_at=submitted_at,
        nps=nps,
        nps_category=category,
        language="en",
        routing_status="routed",
        **fields,
    )
    session.add(response)
    session.flush()
    return response


def _case(session, response, opened_at, status, **hours) -> Case:
    """A case with its times given as hours after opening."""
    times = {name: opened_at + timedelta(hours=value) for name, value in hours.items()}
    case = Case(
        response_id=response.id,
        department_id=response.department_id,
        status=status,
        rule="detractor",
        opened_at=opened_at,
        **times,
    )
    session.add(case)
    session.flush()
    return case


def _followup(session, case, touchpoint, csat) -> None:
    """The customer's answer to the follow-up survey about a case."""
    invitation = InvitationFactory(
        event=None, customer=CustomerFactory(), touchpoint=touchpoint, case_id=case.id
    )
    _response(
        session,
        touchpoint,
        case.opened_at + timedelta(days=1),
        survey_code="case_followup",
        csat=csat,
        csat_satisfied=csat >= 4,
        invitation_id=invitation.id,
    )


def build_bank(session) -> Bank:
    cards = DepartmentFactory(code="cards", name="Cards", name_zh="信用卡部")
    loans = DepartmentFactory(code="loans", name="Loans", name_zh="贷款部")
    branch = TouchpointFactory(
        code="branch_visit", journey_stage="onboarding", journey_order=1, department=cards
    )
    loan = TouchpointFactory(
        code="loan_approval",
        name="Loan approval",
        name_zh="贷款审批",
        journey_stage="lending",
        journey_order=2,
        department=loans,
    )
    call = TouchpointFactory(
        code="call_centre", name="Call centre", journey_stage="service", journey_order=3,
        department=cards,
    )  # fmt: skip
    r = {}
    # branch_visit: NPS 10, 9 (vip), 8, 7, 3 -> 2 promoters, 1 detractor of 5: NPS 20.0
    r["b10"] = _response(session, branch, at(2, 10), 10, comment="Great service", polarity=0.8,
                         csat=5, csat_satisfied=True)  # fmt: skip
    r["b9"] = _response(session, branch, at(3, 8), 9, segment="vip", csat=4, csat_satisfied=True)
    r["b8"] = _response(session, branch, at(11, 8), 8, csat=2, csat_satisfied=False)
    r["b7"] = _response(session, branch, at(12, 8), 7, branch="North")
    r["b3"] = _response(session, branch, at(3, 8), 3, comment="Queue too long, rude staff",
                        polarity=-0.6)  # fmt: skip
    # loan_approval: NPS 10, 6, 5, 2 -> 1 promoter, 3 detractors of 4: NPS -50.0
    r["l10"] = _response(session, loan, at(9, 10), 10, ces=5, ces_scale=5)
    r["l6"] = _response(session, loan, at(10, 8), 6, comment="审批慢", polarity=0.05,
                        ces=3, ces_scale=5)  # fmt: skip
    r["l5"] = _response(session, loan, at(5, 8), 5, comment="审批太慢了", ces=6, ces_scale=7)
    r["l2"] = _response(session, loan, at(4, 8), 2, comment="贷款审批太慢，排队时间太长",
                        polarity=-0.8)  # fmt: skip
    # call_centre: 9, 9 -> below a minimum sample of 3
    r["c9a"] = _response(session, call, at(13, 8), 9)
    r["c9b"] = _response(session, call, datetime(2026, 3, 15, 23, 59, tzinfo=UTC), 9)
    # outside the period: one in the previous period, one on the first day after it
    r["before"] = _response(session, branch, at(20, 9, month=2), 10)
    _response(session, branch, END, 0, comment="=cmd|' /C calc'!A0")

    cases = {
        "c1": _case(
            session,
            r["b3"],
            at(3),
            "closed",
            due_first_contact_at=4,
            first_contact_at=2,
            due_resolve_at=24,
            first_resolved_at=10,
            resolved_at=10,
            closed_at=40,
        ),  # fmt: skip
        "c2": _case(
            session,
            r["l2"],
            at(4),
            "closed",
            due_first_contact_at=4,
            first_contact_at=6,
            due_resolve_at=24,
            first_resolved_at=30,
            resolved_at=30,
            closed_at=200,
        ),  # fmt: skip
        "c3": _case(
            session, r["l5"], at(5), "in_progress", due_first_contact_at=4, due_resolve_at=24
        ),  # fmt: skip
        "c4": _case(
            session,
            r["l6"],
            at(10),
            "resolved",
            due_first_contact_at=4,
            first_contact_at=1,
            due_resolve_at=24,
            first_resolved_at=5,
            resolved_at=20,
        ),  # fmt: skip
        "c5": _case(session, r["b8"], at(11), "cancelled"),
        "c6": _case(session, r["b7"], at(12), "new", due_resolve_at=192),  # due 03-20
        "c0": _case(
            session,
            r["before"],
            at(20, 9, month=2),
            "closed",
            resolved_at=4,
            first_resolved_at=4,
            closed_at=4,
        ),  # fmt: skip
    }
    cases["c1"].closure_kind = "confirmed"
    cases["c2"].closure_kind = "unconfirmed"
    cases["c4"].reopen_count = 1
    cases["c5"].closure_kind = "cancelled"
    _followup(session, cases["c1"], branch, csat=5)
    _followup(session, cases["c4"], loan, csat=2)

    # invitations sent in the period: branch 3 answered of 4, loans 1 of 2; one before
    for touchpoint, status, day in [
        (branch, "answered", 2), (branch, "answered", 3), (branch, "answered", 3),
        (branch, "sent", 4), (loan, "answered", 9), (loan, "expired", 10),
        (branch, "answered", 20),
    ]:  # fmt: skip
        InvitationFactory(
            event__touchpoint=touchpoint,
            status=status,
            sent_at=at(day, 7, month=3 if day < 20 else 2),
        )
    session.commit()
    return Bank(cards, loans, branch, loan, call, cases)
