"""Fixtures shared by the web-side tests."""

import pytest

from app.models import utcnow
from app.services.cases import route_response
from app.services.responses import AnswersIn, record_response
from app.services.surveys import sync_surveys
from tests.factories import InvitationFactory


@pytest.fixture
def detractor_case(session):
    """A case opened by routing a real detractor response, with a comment to escape."""

    def make(department=None, comment="The app <script>alert(1)</script> kept failing"):
        sync_surveys(session)
        invitation = InvitationFactory()
        if department is not None:
            invitation.touchpoint.department = department
            session.flush()
        response = record_response(
            session, invitation, AnswersIn(nps=2, comment=comment, language="en"), now=utcnow()
        )
        case = route_response(session, response.id, now=utcnow())
        session.commit()
        return case

    return make
