"""The survey page through HTTP: every question type, skip logic, errors, drafts, links."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Answer, Invitation, Response, utcnow
from app.services.distribution.links import link_for_invitation
from app.services.feedback.responses import record_response, save_draft
from app.services.feedback.survey_versions import sync_surveys
from surveys.definitions import all_definitions
from surveys.tokens import new_token
from tests.conftest import csrf_token
from tests.factories import (
    CustomerFactory,
    EventFactory,
    InvitationFactory,
    TouchpointFactory,
    survey_link,
)


@pytest.fixture
def link(app, session):
    """A sent invitation's survey link, for a survey of the test's choosing."""
    sync_surveys(session)

    def make(survey="touchpoint_nps", locale="en", **invitation_fields):
        event = EventFactory(
            customer=CustomerFactory(locale=locale),
            touchpoint=TouchpointFactory(survey_code=survey),
        )
        invitation = InvitationFactory(event=event, **invitation_fields)
        path = survey_link(app.config["SECRET_KEY"], invitation)
        session.commit()
        return path

    return make


def stored(session):
    session.expire_all()
    return session.scalars(sa.select(Response)).all()


def answers_of(session, response):
    rows = session.scalars(sa.select(Answer).where(Answer.response_id == response.id))
    return {row.question_id: row.value for row in rows}


def submit(client, url, **fields):
    page = client.get(url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(page), **fields})


def test_the_page_asks_every_question_with_csrf_and_labels(client, link):
    html = client.get(link()).get_data(as_text=True)
    assert "recommend" in html and 'name="csrf_token"' in html
    assert html.count('name="nps"') == 11 and html.count('name="consent"') == 2
    assert html.count('type="checkbox"') == 6  # five reasons and "other"
    assert "data-show-if" in html and "Answer only if it applies" in html


def test_a_chinese_customer_sees_chinese_everywhere(client, link):
    html = client.get(link(locale="zh_CN")).get_data(as_text=True)
    assert 'lang="zh-CN"' in html
    assert "推荐" in html and "等待时间" in html  # the definition's texts
    assert "提交" in html and "稍后" in html  # the catalogue's texts


def test_the_language_switch_overrides_the_customers_locale(client, link):
    url = link(locale="zh_CN")
    assert "recommend" in client.get(url + "?lang=en").get_data(as_text=True)


def test_a_detractor_answers_everything_that_is_shown(client, session, link):
    result = submit(
        client,
        link(),
        nps="3",
        what_went_wrong=["waiting_time", "other"],
        what_went_wrong__other="Nobody at the desk",
        comment="Waited <b>an hour</b>",
        consent="no",
    )
    assert result.status_code == 200
    [response] = stored(session)
    assert (response.nps, response.nps_category, response.consent_to_contact) == (
        3,
        "detractor",
        False,
    )
    assert response.comment == "Waited <b>an hour</b>"
    assert answers_of(session, response) == {
        "nps": 3,
        "what_went_wrong": ["waiting_time", "other"],
        "what_went_wrong__other": "Nobody at the desk",
        "comment": "Waited <b>an hour</b>",
        "consent": False,
    }


def test_the_survey_leaves_no_cookie_on_the_customers_phone(client, link):
    """The page's CSRF token is bound to the link, so neither the page nor the answer sets one."""
    page = client.get(url := link())
    token = csrf_token(page.get_data(as_text=True))
    result = client.post(url, data={"csrf_token": token, "nps": "9"})
    assert result.status_code == 200 and "thank" in result.get_data(as_text=True).lower()
    assert "Set-Cookie" not in page.headers and "Set-Cookie" not in result.headers


def test_a_form_token_answers_only_the_link_whose_page_carried_it(client, session, link):
    first, second = link(), link()
    token = csrf_token(client.get(first).get_data(as_text=True))
    assert client.post(second, data={"csrf_token": token, "nps": "9"}).status_code == 400
    assert client.post(second + "/draft", data={"csrf_token": token, "nps": "9"}).status_code == 400
    assert stored(session) == []
    assert client.post(first, data={"csrf_token": token, "nps": "9"}).status_code == 200


def test_hidden_questions_are_not_stored_whatever_the_browser_sent(client, session, link):
    submit(client, link(), nps="10", what_went_wrong=["fees"], consent="yes")
    [response] = stored(session)
    assert answers_of(session, response) == {"nps": 10}
    assert response.consent_to_contact is None


def test_csat_ces_rating_and_branching_choice(client, session, link):
    url = link(survey="service_csat")
    result = submit(
        client, url, csat="2", ces="6", resolved="no", channel_wanted="phone", agent_rating="4"
    )
    assert result.status_code == 200
    [response] = stored(session)
    assert (response.csat, response.csat_satisfied, response.ces, response.ces_scale) == (
        2,
        False,
        6,
        7,
    )
    assert answers_of(session, response)["channel_wanted"] == "phone"
    assert answers_of(session, response)["agent_rating"] == 4


def test_a_hidden_choice_is_dropped_when_the_branch_is_not_taken(client, session, link):
    submit(
        client, link(survey="service_csat"), csat="5", ces="7", resolved="yes", channel_wanted="x"
    )
    [response] = stored(session)
    assert "channel_wanted" not in answers_of(session, response)
    assert response.csat_satisfied is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"nps": "11"}, "Not a valid choice"),
        ({"nps": "abc"}, "Not a valid choice"),
        ({"comment": "kept text"}, "Please answer this question."),
        ({"nps": "2", "what_went_wrong": ["teleport"]}, "not a valid choice"),
        ({"nps": "2", "what_went_wrong": ["other"]}, "Please tell us what you mean by other."),
        ({"nps": "8", "comment": "x" * 2001}, "under 2000 characters"),
    ],
)
def test_bad_answers_are_shown_beside_the_question_and_nothing_is_stored(
    client, session, link, fields, message
):
    result = submit(client, link(), **fields)
    assert result.status_code == 422
    html = result.get_data(as_text=True)
    assert message.lower() in html.lower()
    if "comment" in fields and len(fields["comment"]) < 100:
        assert fields["comment"] in html  # what was entered is kept
    assert stored(session) == []


def test_errors_come_in_the_customers_language(client, session, link):
    result = submit(client, link(survey="service_csat", locale="zh_CN"), ces="3")
    assert result.status_code == 422
    assert "请回答这个问题" in result.get_data(as_text=True)


def test_a_second_submit_says_already_answered_and_stores_nothing(client, session, link):
    url = link()
    token = csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token, "nps": "9"}).status_code == 200
    again = client.post(url, data={"csrf_token": token, "nps": "1"})
    assert again.status_code == 409
    assert "already been answered" in again.get_data(as_text=True)
    assert len(stored(session)) == 1


def test_each_customer_is_thanked_in_their_own_language(client, link):
    thanks = [
        submit(client, link(locale=locale), nps="9").get_data(as_text=True)
        for locale in ("zh_CN", "en", "zh_CN")
    ]
    assert ["谢谢您" in page for page in thanks] == [True, False, True]
    assert ["Thank you" in page for page in thanks] == [False, True, False]
    assert all('<html lang="zh-CN">' in page for page in thanks[::2])


def test_a_post_without_csrf_token_is_refused(client, session, link):
    assert client.post(link(), data={"nps": "5"}).status_code == 400
    assert stored(session) == []


def test_forged_and_unknown_links_get_the_same_404(app, client, link):
    url = link()
    assert client.get(url[:-3] + "abc").status_code == 404
    unknown = client.get("/s/" + new_token(app.config["SECRET_KEY"], 999999))
    assert unknown.status_code == 404 and "This link does not work" in unknown.get_data(
        as_text=True
    )
    chinese = client.get(url[:-3] + "abc", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "链接无效" in chinese.get_data(as_text=True)


def test_an_expired_link_is_a_410_in_the_customers_language(client, session, link):
    url = link(locale="zh_CN", expires_at=utcnow() - timedelta(minutes=1))
    result = client.get(url)
    assert result.status_code == 410 and "链接已过期" in result.get_data(as_text=True)


def test_a_saved_draft_is_there_when_the_customer_comes_back(client, session, link):
    url = link()
    page = client.get(url).get_data(as_text=True)
    saved = client.post(
        url,
        data={"csrf_token": csrf_token(page), "action": "save", "nps": "4", "comment": "half"},
    )
    assert saved.status_code == 200 and "saved" in saved.get_data(as_text=True)
    again = client.get(url).get_data(as_text=True)
    assert checked(again, "nps") == ["4"]
    assert "half</textarea>" in again
    assert stored(session) == []
    client.post(url, data={"csrf_token": csrf_token(again), "nps": "4"})
    session.expire_all()
    assert session.scalar(sa.select(Invitation.draft)) is None


def test_the_page_script_saves_drafts_in_the_background(client, session, link):
    url = link()
    token = csrf_token(client.get(url).get_data(as_text=True))
    assert client.post(url + "/draft", data={"csrf_token": token, "nps": "7"}).status_code == 204
    assert client.post(url + "/draft", data={"nps": "7"}).status_code == 400
    session.expire_all()
    assert session.scalar(sa.select(Invitation.draft)) == {"nps": ["7"]}


def test_an_anonymous_survey_keeps_no_link_to_the_customer(client, session, link):
    nps = next(d for d in all_definitions() if d.id == "touchpoint_nps")
    anonymous = nps.model_copy(update={"id": "pulse", "anonymous": True})
    sync_surveys(session, [anonymous])
    session.commit()
    submit(client, link(survey="pulse"), nps="2")
    [response] = stored(session)
    assert (response.customer_id, response.invitation_id) == (None, None)
    assert response.segment == "mass" and response.nps == 2


def checked(page: str, name: str) -> list[str]:
    """The values of the inputs named `name` that the page shows ticked."""
    inputs = re.findall(r"<input[^>]*>", page)
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if f'name="{name}"' in tag and re.search(r"\bchecked\b", tag)
    ]


def test_a_draft_saved_a_moment_after_the_answer_is_not_kept(session):
    sync_surveys(session)
    invitation = InvitationFactory()
    session.commit()
    seen_open = link_for_invitation(session, invitation.id)  # the draft request read it first
    record_response(session, seen_open, {"nps": 8}, language="en", now=utcnow())
    save_draft(session, seen_open, {"nps": ["3"]}, now=utcnow())
    session.commit()
    session.expire_all()
    assert session.get(Invitation, invitation.id).draft is None


def test_a_draft_keeps_only_the_surveys_own_fields_within_their_limits(client, session, link):
    url = link()
    token = csrf_token(client.get(url).get_data(as_text=True))
    posted = client.post(
        url + "/draft",
        data={
            "csrf_token": token,
            "nps": ["3", "9"],
            "what_went_wrong": ["fees", "staff", "x" * 500],
            "what_went_wrong__other": "o" * 5000,
            "comment": "c" * 9000,
            "planted": "y" * 100_000,
        },
    )
    assert posted.status_code == 204
    session.expire_all()
    draft = session.scalar(sa.select(Invitation.draft))
    assert set(draft) == {"nps", "what_went_wrong", "what_went_wrong__other", "comment"}
    assert draft["nps"] == ["3"]
    assert draft["what_went_wrong"] == ["fees", "staff", "x" * 40]
    assert len(draft["what_went_wrong__other"][0]) == 200
    assert len(draft["comment"][0]) == 2000
