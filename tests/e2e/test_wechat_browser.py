"""A customer taps the WeChat message and answers inside WeChat's own browser on a phone."""

import pytest
import sqlalchemy as sa

from app.models import Bank, ChannelSettings, Response
from app.services.distribution.channels.wechat import wechat_payload
from app.services.feedback.survey_versions import sync_surveys
from tests.factories import CustomerFactory, EventFactory, InvitationFactory, survey_link

# The user agents of WeChat's in-app browser, as it sends them on an iPhone and on Android.
WECHAT_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI "
    "Language/zh_CN"
)
WECHAT_ANDROID = (
    "Mozilla/5.0 (Linux; Android 13; V2244A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


def wechat_message_link(app, session, live_server):
    """The link of the template message a Chinese customer received, as the outbox built it."""
    session.add(Bank(name="Harbour Bank", name_zh="翠港银行"))
    sync_surveys(session)
    event = EventFactory(customer=CustomerFactory(locale="zh_CN", wechat_openid="oWx3s5Ek2h"))
    invitation = InvitationFactory(event=event, channel="wechat")
    path = survey_link(app.config["SECRET_KEY"], invitation)
    session.commit()
    payload = wechat_payload(
        ChannelSettings(wechat_template_id="tmpl"),
        language="zh",
        touchpoint_name="网点到访",
        when_text="3月2日 10:15",
        link=live_server + path,
    )
    return payload["url"]


@pytest.mark.parametrize(("system", "agent"), [("ios", WECHAT_IOS), ("android", WECHAT_ANDROID)])
def test_a_customer_answers_in_wechats_browser_with_only_the_banks_header(
    app, session, live_server, journey, system, agent
):
    walk = journey(
        f"survey-wechat-{system}", 390, user_agent=agent, has_touch=True, device_scale_factor=2
    )
    page = walk.page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the app has none
    page.goto(wechat_message_link(app, session, live_server))
    assert "MicroMessenger" in page.evaluate("navigator.userAgent")
    walk.look("survey")  # axe, no sideways scroll at 390 px, no console error

    [banner] = page.get_by_role("banner").all()
    assert "翠港银行" in banner.inner_text()
    assert page.locator("nav").count() == banner.locator("nav").count() == 1  # the language
    assert "Touchloop" not in page.locator("body").inner_text()

    page.locator("label", has=page.locator("#nps-9")).tap()
    page.locator("#comment").fill("柜台办理很快。")
    page.get_by_role("button", name="提交").tap()
    page.get_by_role("heading", name="谢谢您").wait_for()
    walk.look("thanks")
    session.expire_all()
    [response] = session.scalars(sa.select(Response)).all()
    assert (response.nps, response.language) == (9, "zh-CN")
