from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Response, utcnow
from app.services.surveys import sync_surveys
from surveys.tokens import new_token, token_digest
from tests.conftest import csrf_token
from tests.factories import CustomerFactory, EventFactory, InvitationFactory


@pytest.fixture
def link(app, session):
    """A sent invitation's survey link."""
    sync_surveys(session)

    def make(locale="en", **invitation_fields):
        invitation = InvitationFactory(
            event=EventFactory(customer=CustomerFactory(locale=locale)), **invitation_fields
        )
        token = new_token(app.config["SECRET_KEY"], invitation.id)
        invitation.token_hash = token_digest(token)
        session.commit()
        return f"/s/{token}"

    return make


def responses(session):
    return session.scalar(sa.select(sa.func.count()).select_from(Response))


def submit(client, url, **fields):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **fields})


def test_the_survey_page_asks_the_nps_question(client, link):
    page = client.get(link())
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "recommend" in html and 'name="csrf_token"' in html
    assert html.count('type="radio"') == 11


def test_a_chinese_customer_sees_chinese(client, link):
    html = client.get(link(locale="zh_CN")).get_data(as_text=True)
    assert "推荐" in html and 'lang="zh-CN"' in html
    assert "提交" in html  # the catalogue, not only the definition, is Chinese


def test_submitting_stores_the_response_with_its_category(client, session, link):
    result = submit(client, link(), nps="3", comment="Waited <b>an hour</b>")
    assert result.status_code == 200
    response = session.scalar(sa.select(Response))
    assert (response.nps, response.nps_category) == (3, "detractor")
    assert response.comment == "Waited <b>an hour</b>"
    assert response.branch == "Central" and response.segment == "mass"


def test_a_second_submit_says_already_answered_and_stores_nothing(client, session, link):
    url = link()
    page = client.get(url).get_data(as_text=True)
    token = csrf_token(page)
    assert client.post(url, data={"csrf_token": token, "nps": "9"}).status_code == 200
    again = client.post(url, data={"csrf_token": token, "nps": "1"})
    assert again.status_code == 409
    assert "already been answered" in again.get_data(as_text=True)
    assert responses(session) == 1


def test_a_missing_score_is_shown_beside_the_question_and_keeps_the_comment(client, session, link):
    result = submit(client, link(), comment="kept text")
    assert result.status_code == 422
    html = result.get_data(as_text=True)
    assert "Please choose a score" in html and "kept text" in html
    assert responses(session) == 0


def test_a_post_without_csrf_token_is_refused(client, session, link):
    result = client.post(link(), data={"nps": "5"})
    assert result.status_code == 400
    assert responses(session) == 0


def test_forged_and_unknown_links_get_the_same_404(app, client, link):
    url = link()
    forged = url[:-3] + "abc"
    unknown = "/s/" + new_token(app.config["SECRET_KEY"], 999999)
    assert client.get(forged).status_code == 404
    assert client.get(unknown).status_code == 404


def test_an_expired_link_is_a_410_and_stores_nothing(client, session, link):
    url = link(expires_at=utcnow() - timedelta(minutes=1))
    assert client.get(url).status_code == 410
    assert responses(session) == 0
