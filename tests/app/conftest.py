"""Fixtures shared by the web-side tests."""

import pytest

from app.models import utcnow
from app.services.cases import route_response
from app.services.responses import record_response
from app.services.surveys import sync_surveys
from tests.factories import InvitationFactory
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
        response_id = record_response(session, invitation, answers, language="en", now=utcnow())
        case = route_response(session, response_id, now=utcnow(), calendar=BusinessCalendar())
        session.commit()
        return case

    return make
