"""A CX manager's dashboard in a real browser: the charts draw, with nothing refused by the CSP."""

from tests.app.dashboard_bank import build_bank
from tests.app.test_dashboard_pages import PERIOD
from tests.factories import PASSWORD, UserFactory


def test_the_charts_draw_beside_their_tables(app, session, live_server, chromium):
    app.config["DASHBOARD_MIN_SAMPLE"] = 3
    build_bank(session)
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(  # a refused script or style would show as a CSP error here
        "console",
        lambda m: problems.append(m.text)
        if m.type == "error" and "load resource" not in m.text
        else None,
    )
    page.on(
        "response",
        lambda r: problems.append(r.url) if r.status >= 400 and "favicon" not in r.url else None,
    )
    try:
        page.goto(f"{live_server}/auth/login")
        page.fill("input[name=email]", manager.email)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"{live_server}/dashboard?{PERIOD}&lang=zh-CN")
        # Chart.js keeps every chart it drew; an empty canvas would not be one.
        page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 3")
        assert page.locator("table").count() >= 3  # the data beside each chart
        assert "仪表板" in page.content()
        assert problems == []
    finally:
        page.close()
        app.config["DASHBOARD_MIN_SAMPLE"] = 30
