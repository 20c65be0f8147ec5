"""Closing the loop with the customer: the follow-up closes, reopens or times out the case."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Case, CaseEvent, Invitation, OutboxMessage, utcnow
from app.services.cases.lifecycle import resolve_case
from app.services.reports.filters import ReportFilter
from app.services.reports.loop import closed_loop
from app.worker.jobs import close_unconfirmed_cases, route_responses, send_invitations
from tests.conftest import csrf_token


@pytest.fixture
def resolved(session, detractor_case):
    """A detractor's case, resolved by its department; the follow-up is sent."""
    case = detractor_case()
    resolve_case(
        session, case, None, root_cause="fees_and_rates", summary="Fee refunded", now=utcnow()
    )
    session.commit()
    return case


def followup_link(session):
    send_invitations()
    message = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "followup"))
    assert message is not None, "no follow-up e-mail was queued"
    return re.search(r"http://localhost(/s/\S+)", message.body_text).group(1)


def answer(client, path, **fields):
    page = client.get(path).get_data(as_text=True)
    assert "Is your issue resolved?" in page
    result = client.post(path, data={"csrf_token": csrf_token(page), **fields})
    assert result.status_code == 200
    route_responses()


def reload(session, case):
    session.expire_all()
    return session.get(Case, case.id)


def test_a_yes_closes_the_case_as_confirmed(client, session, resolved):
    answer(client, followup_link(session), resolved="yes", csat="5")
    case = reload(session, resolved)
    assert (case.status, case.closure_kind) == ("closed", "confirmed")
    figures = closed_loop(session, ReportFilter(), now=utcnow())
    assert (figures.cases_confirmed, figures.cases_unconfirmed) == (1, 0)


def test_a_no_reopens_the_case_with_the_customers_words(client, session, resolved):
    answer(client, followup_link(session), resolved="no", csat="2", comment="Charged again")
    case = reload(session, resolved)
    assert (case.status, case.reopen_count, case.department_id) == (
        "reopened",
        1,
        resolved.department_id,
    )
    last = session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    ).first()
    assert last.to_status == "reopened" and "Charged again" in last.note
    assert session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1  # no new case


def test_no_answer_in_time_closes_as_resolved_unconfirmed(session, resolved):
    assert close_unconfirmed_cases() == {"cases_closed_unconfirmed": 0}
    reload(session, resolved).resolved_at = utcnow() - timedelta(days=8)
    session.commit()
    assert close_unconfirmed_cases() == {"cases_closed_unconfirmed": 1}
    case = reload(session, resolved)
    assert (case.status, case.closure_kind) == ("closed", "unconfirmed")
    figures = closed_loop(session, ReportFilter(), now=utcnow())
    assert (figures.cases_confirmed, figures.cases_unconfirmed) == (0, 1)


def test_without_consent_no_follow_up_is_sent(session, detractor_case):
    case = detractor_case()
    case.response.consent_to_contact = False
    resolve_case(session, case, None, root_cause="other", summary="Noted", now=utcnow())
    session.commit()
    assert session.scalar(sa.select(Invitation).where(Invitation.case_id == case.id)) is None
