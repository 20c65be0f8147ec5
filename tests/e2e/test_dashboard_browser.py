"""A CX manager's dashboard in a real browser: every chart fits its card, uncovered, at each
width; the filters survive the language switch; the export brings the filtered rows."""

import csv

import pytest

from tests.app.dashboard_bank import build_bank
from tests.app.test_dashboard_pages import PERIOD
from tests.factories import PASSWORD, UserFactory

CHARTS = 4  # the journey, NPS and closure by week, the backlog

# For each chart: is it in a .chart-box, inside its column, inside its card; how many of five
# points on it (corners, centre) show something else on top; is any table of its card above it.
MEASURE = """() => Array.from(document.querySelectorAll("main canvas")).map((canvas) => {
  canvas.scrollIntoView({block: "center", behavior: "instant"});  // Bootstrap scrolls smoothly
  const rect = (element) => element.getBoundingClientRect();
  const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1
    && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  const c = rect(canvas), box = canvas.parentElement, card = canvas.closest(".card");
  const column = canvas.closest("[class*='col-']");
  const inner = column && card.contains(column) ? column : card;
  const outer = card.parentElement.closest("[class*='col-']");
  const points = [[c.left + 4, c.top + 4], [c.right - 4, c.top + 4], [c.left + 4, c.bottom - 4],
    [c.right - 4, c.bottom - 4], [(c.left + c.right) / 2, (c.top + c.bottom) / 2]];
  return {
    id: canvas.id,
    inBox: box.classList.contains("chart-box") && inside(c, rect(box)),
    inColumn: inside(rect(box), rect(inner)) && inside(rect(card), rect(outer)),
    fills: c.width >= 0.9 * rect(box).width && c.height >= 100,
    covered: points.filter(([x, y]) => document.elementFromPoint(x, y) !== canvas).length,
    tableOnTop: Array.from(card.querySelectorAll("table")).some((t) => rect(t).top < c.bottom
      && rect(t).bottom > c.top),
  };
})"""


def sign_in(page, base, user):
    # The app has no favicon yet (not the dashboard's to add): Chromium's own request for one
    # would count as a console error of every page.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def charts_drawn(page):
    page.wait_for_function(f"window.Chart && Object.keys(Chart.instances).length === {CHARTS}")
    for toggle in page.locator("details.figures-toggle summary").all():
        toggle.click()  # the tables behind the charts, opened: they must not land on a chart


@pytest.mark.parametrize("width", [1280, 820, 390])
@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_chart_fits_its_card_uncovered(
    app, session, live_server, journey, monkeypatch, width, lang
):
    monkeypatch.setitem(app.config, "DASHBOARD_MIN_SAMPLE", 3)
    build_bank(session)
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    walk = journey("dashboard-charts", width)
    sign_in(walk.page, live_server, manager)
    walk.page.goto(f"{live_server}/dashboard?{PERIOD}&lang={lang}")
    charts_drawn(walk.page)
    measured = walk.page.evaluate(MEASURE)
    assert len(measured) == CHARTS
    for chart in measured:
        assert chart == chart | {
            "inBox": True,
            "inColumn": True,
            "fills": True,
            "covered": 0,
            "tableOnTop": False,
        }
    walk.page.evaluate("window.scrollTo(0, 0)")
    walk.look(f"charts-{lang}")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_cx_manager_filters_switches_language_and_exports(
    app, session, live_server, journey, monkeypatch, tmp_path, width
):
    monkeypatch.setitem(app.config, "DASHBOARD_MIN_SAMPLE", 3)
    build_bank(session)
    manager = UserFactory(role="cx_manager", department=None, name="Lin Qing")
    session.commit()
    walk = journey("cx-manager-dashboard", width)
    page = walk.page
    sign_in(page, live_server, manager)
    page.goto(f"{live_server}/dashboard?{PERIOD}")
    charts_drawn(page)
    walk.look("dashboard")

    page.select_option("select[name=touchpoint]", "branch_visit")
    page.select_option("select[name=segment]", "vip")
    page.click("form.filter-bar button[type=submit]")
    page.wait_for_url("**segment=vip**")
    chips = page.locator(".filter-chip").all_inner_texts()
    assert chips == ["Touchpoint: Branch visit", "Segment: VIP"]
    walk.look("filtered")

    page.click('a[lang="zh-CN"]')
    page.wait_for_url("**lang=zh_CN**")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    kept = {
        name: page.input_value(f"[name={name}]")
        for name in ("start", "end", "touchpoint", "segment")
    }
    assert kept == {
        "start": "2026-03-02",
        "end": "2026-03-15",
        "touchpoint": "branch_visit",
        "segment": "vip",
    }
    assert "网点到访" in page.locator(".filter-chip").first.inner_text()  # the name, in Chinese
    walk.look("filtered-zh")

    with page.expect_download() as download:
        page.click('a[href*="/dashboard/export/responses.csv"]')
    assert download.value.suggested_filename == "touchloop-responses-20260302-20260315.csv"
    saved = tmp_path / "responses.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(saved.read_text(encoding="utf-8-sig").splitlines()))
    assert [(row["touchpoint"], row["segment"], row["nps"]) for row in rows] == [
        ("branch_visit", "vip", "9")
    ]

    page.click('a[href*="/dashboard/scorecard"]')
    page.wait_for_url("**/dashboard/scorecard**")
    assert page.input_value("[name=segment]") == "vip"  # the tabs keep the filters too
    walk.look("scorecard-zh")
