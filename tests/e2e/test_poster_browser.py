"""A branch's QR poster in a real browser: an admin prints it, a phone scans it and answers in
Chinese, and the same phone is thanked but not counted twice the same day."""

import sqlalchemy as sa

from app.models import Response
from app.services.distribution.posters import create_poster
from app.services.feedback.survey_versions import sync_surveys
from tests.factories import PASSWORD, TouchpointFactory, UserFactory


def make_poster(session):
    sync_surveys(session)
    touchpoint = TouchpointFactory(name="Counter service", name_zh="柜台服务")
    poster = create_poster(session, touchpoint.id, "湾仔支行", actor="user:1")
    session.commit()
    return poster


def test_a_phone_scans_the_poster_and_answers_in_chinese(session, live_server, journey):
    poster = make_poster(session)
    for width in (390, 820):
        walk = journey("poster-scan", width, locale="zh-CN", has_touch=True)
        page = walk.page
        page.goto(f"{live_server}/q/{poster.token}")
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.get_by_text("柜台服务").is_visible()
        assert page.locator("#q-consent").count() == 0  # nobody to contact
        walk.look("survey")
        page.locator("label", has=page.locator("#nps-4")).tap()
        assert page.locator("#q-what_went_wrong").is_visible()  # skip logic runs, no draft calls
        page.get_by_label("等待时间").check()
        page.locator("#comment").fill("取号后等了四十分钟。")
        page.get_by_role("button", name="提交").tap()
        page.get_by_role("heading", name="谢谢您").wait_for()
        walk.look("thanks")
        page.goto(f"{live_server}/q/{poster.token}")
        page.locator("label", has=page.locator("#nps-9")).tap()
        page.get_by_role("button", name="提交").tap()
        page.get_by_role("heading", name="You already told us today").or_(
            page.locator("h1", has_text="今天")
        ).wait_for()
        walk.problems.clear()  # the browser logs the 409 answer itself as an error
        walk.look("already")
    session.expire_all()
    kept = session.scalars(sa.select(Response)).all()
    assert len(kept) == 2 and {r.branch for r in kept} == {"湾仔支行"}
    assert {(r.channel, r.nps, r.customer_id) for r in kept} == {("qr", 4, None)}


def test_an_admin_opens_the_print_page_of_a_poster(session, live_server, journey):
    poster = make_poster(session)
    admin = UserFactory(role="admin", department=None)
    session.commit()
    walk = journey("poster-admin", 1280)
    page = walk.page
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("E-mail").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/admin/posters")
    walk.look("list")
    page.get_by_role("link", name="湾仔支行").click()
    walk.look("detail")
    page.get_by_role("link", name="A4 page to print").click()
    code = page.locator("img.poster-code")
    code.wait_for()
    assert page.evaluate("document.querySelector('img.poster-code').naturalWidth") > 0
    assert page.get_by_text(f"/q/{poster.token}").is_visible()
    walk.look("print")
