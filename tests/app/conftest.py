"""Fixtures shared by the web-side tests."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Base, utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.cases.case_routing import route_response
from app.services.feedback.survey_versions import sync_surveys
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
    UserFactory,
    answer,
    survey_link,
)
from workflows.sla import BusinessCalendar


@pytest.fixture
def detractor_case(session):
    """A case opened by routing a real detractor response, with a comment to escape."""

    def make(
        department=None,
        comment="The app <script>alert(1)</script> kept failing",
        customer=None,
        **more_answers,
    ):
        sync_surveys(session)
        invitation = InvitationFactory(**({"event__customer": customer} if customer else {}))
        if department is not None:
            invitation.touchpoint.department = department
            session.flush()
        answers = {"nps": 2, "comment": comment, "consent": True, **more_answers}
        response_id = answer(session, invitation, answers)
        case = route_response(session, response_id, now=utcnow(), calendar=BusinessCalendar())
        session.commit()
        return case

    return make


ADMIN_EMAIL = "admin@bank.example.com"


@pytest.fixture
def admin(client, session):
    """An admin signed in on `client`, with the survey definitions loaded (the setup's work)."""
    sync_surveys(session)
    user = UserFactory(role="admin", department=None, email=ADMIN_EMAIL)
    session.commit()
    login(client, user.email, PASSWORD)
    return user


@pytest.fixture
def on_case_page(client, session, detractor_case):
    """A case, a staff member of its department signed in, and the case page as they see it."""
    case = detractor_case()
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)
    return case, user, client.get(f"/cases/{case.id}").get_data(as_text=True)


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


def rules(app, wanted):
    """The app's URL rules that `wanted` picks, by endpoint: routes are enumerated, not listed."""
    return sorted(
        (rule for rule in app.url_map.iter_rules() if wanted(rule)), key=lambda r: r.endpoint
    )


def snapshot():
    """Every row of every table: "no change" means none at all."""
    db.session.expire_all()
    with db.engine.connect() as connection:
        return {
            table.name: sorted(map(repr, connection.execute(sa.select(table)).all()))
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def world(app, session, detractor_case):
    """Two departments, a case in each, a survey link, and their staff."""
    mine, theirs = DepartmentFactory(code="loans"), DepartmentFactory(code="cards")
    own_case, other_case = detractor_case(mine), detractor_case(theirs)
    staff = UserFactory(department=mine)
    admin = UserFactory(role="admin", department=None)
    manager = UserFactory(role="cx_manager", department=None)
    other_case.assignee = UserFactory(department=theirs)
    token = survey_link(app.config["SECRET_KEY"], InvitationFactory()).removeprefix("/s/")
    session.commit()
    return type("World", (), locals())


def url_for_rule(rule, world, case_id):
    values = {
        "case_id": case_id,
        "token": world.token,
        "code": "touchpoint_0",
        "rule_id": 1,
        "message_id": 1,
        "event_id": "no-such-event",
        "kind": "responses",
        "fmt": "csv",
        "user_id": world.staff.id,
        "key_id": 1,
        "endpoint_id": 1,
        "year": 2027,
        "day_id": 1,
        "poster_id": 1,
        "action_id": 1,
    }
    return rule.build({name: values[name] for name in rule.arguments})[1]
