"""A customer answering on a phone, in a real browser: language, skip logic, keyboard, drafts."""

import pytest
import sqlalchemy as sa

from app.models import Response
from app.services.feedback.survey_versions import sync_surveys
from tests.factories import (
    CustomerFactory,
    EventFactory,
    InvitationFactory,
    TouchpointFactory,
    survey_link,
)


def open_survey(app, session, live_server, locale="zh_CN", survey="touchpoint_nps"):
    sync_surveys(session)
    event = EventFactory(
        customer=CustomerFactory(locale=locale),
        touchpoint=TouchpointFactory(survey_code=survey, name_zh="贷款审批"),
    )
    invitation = InvitationFactory(event=event)
    path = survey_link(app.config["SECRET_KEY"], invitation)
    session.commit()
    return live_server + path


def responses(session):
    session.expire_all()
    return session.scalars(sa.select(Response)).all()


def test_a_chinese_customer_answers_on_a_phone(app, session, live_server, phone, tmp_path):
    phone.goto(open_survey(app, session, live_server))
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    assert phone.get_by_text("经过这次体验").is_visible()
    follow_up = phone.locator("#q-what_went_wrong")
    assert follow_up.is_hidden()  # shown only to detractors

    phone.locator("label", has=phone.locator("#nps-3")).tap()
    assert follow_up.is_visible() and phone.locator("#q-consent").is_visible()
    phone.get_by_label("等待时间").check()
    phone.locator("#comment").fill("审批等了三个星期，没人通知我进度。")
    phone.get_by_role("radio", name="是").check()
    phone.screenshot(path=tmp_path / "survey-zh.png", full_page=True)
    phone.get_by_role("button", name="提交").tap()

    phone.get_by_role("heading", name="谢谢您").wait_for()
    [response] = responses(session)
    assert (response.nps, response.consent_to_contact, response.language) == (3, True, "zh-CN")


def test_a_promoter_never_sees_the_detractor_questions(app, session, live_server, phone):
    phone.goto(open_survey(app, session, live_server, locale="en"))
    phone.locator("label", has=phone.locator("#nps-10")).tap()
    assert phone.locator("#q-what_went_wrong").is_hidden()
    phone.locator("label", has=phone.locator("#nps-2")).tap()
    assert phone.locator("#q-what_went_wrong").is_visible()


def test_score_buttons_are_big_enough_to_tap(app, session, live_server, phone):
    phone.goto(open_survey(app, session, live_server))
    for label in phone.locator(".scale label").all():
        box = label.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44


def test_the_survey_works_from_the_keyboard(app, session, live_server, chromium):
    page = chromium.new_page()
    page.goto(open_survey(app, session, live_server, locale="en"))
    page.locator("#nps-0").focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    assert page.locator("#nps-8").is_checked()
    page.locator("#comment").focus()
    page.keyboard.type("Fine")
    page.get_by_role("button", name="Send").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Thank you").wait_for()
    assert responses(session)[0].nps == 8
    page.close()


def test_without_javascript_every_question_shows_and_the_answer_is_stored(
    app, session, live_server, chromium
):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(open_survey(app, session, live_server, locale="en"))
    assert page.locator("#q-what_went_wrong").is_visible()
    assert page.get_by_text("Answer only if it applies").first.is_visible()
    page.locator("label", has=page.locator("#nps-9")).click()
    page.get_by_label("Fees or rates").check()  # not a detractor: the server drops this
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    [response] = responses(session)
    assert response.nps == 9 and [a.question_id for a in response.answers] == ["nps"]
    context.close()


def test_answers_given_so_far_survive_leaving_the_page(app, session, live_server, phone):
    url = open_survey(app, session, live_server, locale="en")
    phone.goto(url)
    phone.locator("label", has=phone.locator("#nps-5")).tap()
    with phone.expect_response(lambda r: r.url.endswith("/draft") and r.status == 204):
        phone.locator("#comment").fill("I will finish this later")
    phone.goto("about:blank")
    phone.goto(url)
    assert phone.locator("#nps-5").is_checked()
    assert phone.locator("#comment").input_value() == "I will finish this later"
    assert responses(session) == []


@pytest.mark.parametrize(
    ("locale", "lang", "wrong", "send", "thanks"),
    [
        ("zh_CN", "zh-CN", "等待时间", "提交", "谢谢您"),
        ("en", "en", "Waiting time", "Send", "Thank you"),
    ],
)
def test_a_customer_answers_on_a_phone_in_their_language(
    app, session, live_server, journey, locale, lang, wrong, send, thanks
):
    walk = journey(f"survey-{locale}", 390, has_touch=True, device_scale_factor=2)
    page = walk.page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the app has none
    page.goto(open_survey(app, session, live_server, locale=locale))
    assert page.locator("html").get_attribute("lang") == lang
    walk.look("survey")

    page.locator("label", has=page.locator("#nps-3")).tap()
    page.get_by_label(wrong).check()
    page.locator("#comment").fill("审批等了三个星期。" if locale == "zh_CN" else "Three weeks.")
    page.locator("#q-consent input[value=yes]").check()
    walk.look("survey-answered")
    page.get_by_role("button", name=send).tap()
    page.get_by_role("heading", name=thanks).wait_for()
    walk.look("thanks")
    [response] = responses(session)
    assert (response.nps, response.consent_to_contact, response.language) == (3, True, lang)
