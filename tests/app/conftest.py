"""Fixtures shared by the web-side tests."""

import pytest
import sqlalchemy as sa

from app.models import Base, utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.cases.case_routing import route_response
from app.services.feedback.survey_versions import sync_surveys
from tests.factories import InvitationFactory, TouchpointFactory, answer
from workflows.sla import BusinessCalendar


@pytest.fixture
def detractor_case(session):
    """A case opened by routing a real detractor response, with a comment to escape."""

    def make(department=None, comment="The app <script>alert(1)</script> kept failing"):
        sync_surveys(session)
        invitation = InvitationFactory()
        if department is not None:
            invitation.touchpoint.department = department
            session.flush()
        answers = {"nps": 2, "comment": comment, "consent": True}
        response_id = answer(session, invitation, answers)
        case = route_response(session, response_id, now=utcnow(), calendar=BusinessCalendar())
        session.commit()
        return case

    return make


@pytest.fixture
def api_headers(session):
    """A bank system's key (events:write) and the touchpoint its events name."""
    TouchpointFactory(code="branch_visit", delay_minutes=120)
    _key, secret = create_api_key(session, "core-banking")
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


def row_counts(session):
    """Rows per table: equal before and after means a refused request stored nothing."""
    session.expire_all()
    return {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }
