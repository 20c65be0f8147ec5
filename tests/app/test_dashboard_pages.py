"""The dashboard page, its scoping, exports and the metrics API, on the hand-computed bank."""

import csv
import io
import json
import re
from html import unescape
from urllib.parse import parse_qs, urlencode

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from app.models import AuditEntry
from app.services.accounts.api_keys import create_api_key
from app.services.reports.exports import safe_cell
from tests.app.dashboard_bank import build_bank
from tests.app.openapi_check import assert_matches_openapi
from tests.conftest import login
from tests.factories import PASSWORD, UserFactory

PERIOD = "start=2026-03-02&end=2026-03-15"


@pytest.fixture
def bank(app, session):
    app.config["DASHBOARD_MIN_SAMPLE"] = 3
    yield build_bank(session)
    app.config["DASHBOARD_MIN_SAMPLE"] = 30


def loop_row(html, label):
    """This period's and the previous period's figure of a row of the closed-loop table."""
    cell = r'<td data-label="[^"]*"><span class="figure">([^<]*)</span></td>'
    return re.search(rf'<th scope="row">{re.escape(label)}</th>{cell}{cell}', html).groups()


def chart_data(html):
    return json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))


def test_a_manager_sees_the_whole_bank_with_charts_and_tables(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard?{PERIOD}").get_data(as_text=True)
    assert loop_row(html, "Cases opened") == ("5", "1")
    # every chart in a box of fixed height, its table in the same card below it
    for chart, table in (
        ("chart-touchpoints", 'id="journey"'),
        ("chart-nps-trend", "Week of"),
        ("chart-closure-trend", "Week of"),
        ("chart-backlog", "Open cases</th>"),
    ):
        assert re.search(rf'<div class="chart-box[^"]*">\s*<canvas id="{chart}"', html)
        after = html[html.index(f'id="{chart}"') :]
        assert after.index(table) < after.index("</section>")
    assert "vendor/chartjs/chart.umd.min.js" in html and "dashboard.css" in html
    assert 'class="weakest"' in html and "Loan approval" in html
    assert "keyword=%E5%AE%A1%E6%89%B9" in html  # 审批, a link to the comments
    assert "<script>alert" not in html


def test_scores_on_too_few_answers_are_shown_faded_not_dropped(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard?{PERIOD}").get_data(as_text=True)
    journey = chart_data(html)["journey"]
    # call_centre: two answers of 9 (the one at 23:59 UTC on 03-15 is 03-16 in Shanghai: out)
    assert journey["labels"] == ["Branch visit", "Loan approval", "Call centre"]
    assert journey["values"] == [20.0, -50.0, 100.0]
    assert journey["enough"] == [True, True, False]
    assert journey["notes"][2] == "n=1, too few to judge"
    row = re.sub(r">\s+<", "><", html[html.index("Call centre</a>") :].split("</tr>")[0])
    assert (
        '<td data-label="NPS"><span class="figure"><span class="too-few">100.0</span>'
        '<span class="sample sample-note">n=1, too few to judge</span></span></td>'
    ) in row
    weeks = chart_data(html)["npsTrend"]
    assert (weeks["values"], weeks["enough"]) == ([-20.0, 20.0], [True, True])


def test_staff_see_only_their_department(client, session, bank):
    staff = UserFactory(department=bank.cards)
    session.commit()
    login(client, staff.email, PASSWORD)
    # asking for the loans department changes nothing: cards' cases c1 and c6 only
    html = client.get(f"/dashboard?{PERIOD}&department=loans").get_data(as_text=True)
    assert loop_row(html, "Cases opened") == ("2", "1")
    assert 'name="department"' not in html
    assert "/dashboard/scorecard" not in html  # no scorecard for plain staff
    export = client.get(f"/dashboard/export/cases.csv?{PERIOD}").get_data(as_text=True)
    assert {row["department"] for row in csv.DictReader(io.StringIO(export.lstrip("\ufeff")))} == {
        "cards"
    }


def test_the_dashboard_needs_a_login_and_speaks_chinese(client, session, bank):
    assert client.get("/dashboard").status_code == 302
    manager = UserFactory(role="admin", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard?{PERIOD}&lang=zh_CN").get_data(as_text=True)
    assert "闭环" in html and "贷款审批" in html
    assert chart_data(html)["journey"]["labels"][1] == "贷款审批"  # the chart's names too


FILTERS = {
    "start": "2026-03-02",
    "end": "2026-03-15",
    "department": "cards",
    "touchpoint": "branch_visit",
    "journey_stage": "onboarding",
    "segment": "vip",
    "branch": "Central",
    "channel": "email",
}


def switch_to_chinese(html):
    """The query of the page's link to the same page in Chinese."""
    link = re.search(r'<a href="\?([^"]*)" lang="zh-CN"', html).group(1)
    return parse_qs(unescape(link))


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/scorecard", "/dashboard/responses"])
def test_switching_language_keeps_every_filter(client, session, bank, path):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    asked = FILTERS | ({"keyword": "queue", "category": "detractor"} if "responses" in path else {})
    html = client.get(f"{path}?{urlencode(asked)}&_method=x&page=1").get_data(as_text=True)
    query = switch_to_chinese(html)
    assert query.pop("lang") == ["zh_CN"]
    assert "_method" not in query
    assert {key: value for key, [value] in query.items() if key != "page"} == asked
    chinese = client.get(f"{path}?{urlencode(query, doseq=True)}&lang=zh_CN").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese
    for name, value in FILTERS.items():  # the same filters, chosen in the form
        if name in ("start", "end", "branch"):
            kind = "text" if name == "branch" else "date"
            assert f'name="{name}" type="{kind}" value="{value}"' in chinese
        else:
            chosen = rf'<select[^>]*name="{name}"[^>]*>.*?<option selected value="{value}"'
            assert re.search(chosen, chinese, re.S)


def test_filters_and_figures_say_words_not_codes(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard?{PERIOD}&segment=mass&channel=email").get_data(as_text=True)
    assert '<option selected value="mass">Retail</option>' in html
    assert '<option value="onboarding">Onboarding</option>' in html
    assert '<option selected value="email">E-mail</option>' in html
    assert "Segment: Retail" in html and "Channel: E-mail" in html  # what the view is
    stages = html[html.index('id="journey"') :]
    assert ">Onboarding</td>" in stages and ">onboarding<" not in stages


def test_times_and_days_are_the_viewers_with_the_zone_shown(client, session, bank):
    """The bank's zone (Asia/Shanghai) unless the user has one: the days of the period are
    theirs, so the call-centre answer at 23:59 UTC on 03-15 falls on 03-16 in Shanghai."""
    shanghai = UserFactory(role="cx_manager", department=None)
    london = UserFactory(role="cx_manager", department=None, timezone="Europe/London")
    session.commit()
    asked = f"/dashboard/responses?{PERIOD}&touchpoint=call_centre"
    login(client, shanghai.email, PASSWORD)
    html = client.get(asked).get_data(as_text=True)
    assert "1 response<" in html and "2026-03-13 16:00 UTC+8" in html
    assert "Asia/Shanghai (UTC+8)" in html and "2026-03-02 to 2026-03-15" in html
    login(client, london.email, PASSWORD)
    html = client.get(asked).get_data(as_text=True)
    assert "2 responses" in html and "2026-03-15 23:59 UTC" in html
    assert "Europe/London" in html


def test_keyword_click_through_lists_the_comments(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(
        f"/dashboard/responses?{PERIOD}&touchpoint=loan_approval&keyword=审批&category=detractor"
    ).get_data(as_text=True)
    assert "3 responses" in html and "审批太慢了" in html
    assert "Comments with “审批”" in html and "Detractors" in html  # what the list is


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 123", "'+86 123"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("fine = ok", "fine = ok"),
        (-2, -2),
        (None, None),
    ],
)
def test_formula_cells_are_neutralised(value, expected):
    assert safe_cell(value) == expected


def test_exports_in_csv_and_excel(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    reply = client.get("/dashboard/export/responses.csv?start=2026-03-02&end=2026-03-16")
    assert reply.is_streamed and reply.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(rows) == 12  # 11 in the period and the one on 03-16 (follow-ups left out)
    assert "'=cmd|' /C calc'!A0" in {row["comment"] for row in rows}
    workbook = client.get(f"/dashboard/export/cases.xlsx?{PERIOD}")
    data = workbook.data
    workbook.close()  # as the server does: the temporary file goes
    book = load_workbook(io.BytesIO(data), read_only=True)
    values = list(book["cases"].values)
    book.close()
    assert values[0][:3] == ("case_id", "status", "priority") and len(values) == 1 + 6
    assert client.get("/dashboard/export/secrets.csv").status_code == 404
    logged = session.execute(
        sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.seq)
    ).all()
    assert [(actor, action, detail["format"]) for actor, action, detail in logged] == [
        (f"user:{manager.id}", "export.responses", "csv"),
        (f"user:{manager.id}", "export.cases", "xlsx"),
    ]


def test_the_api_gives_the_same_numbers(client, session, bank):
    _key, secret = create_api_key(session, "bi", scopes=["metrics:read"])
    session.commit()
    bank_system = {"Authorization": f"Bearer {secret}"}
    reply = client.get(f"/api/v1/metrics/closed-loop?{PERIOD}", headers=bank_system)
    assert_matches_openapi("/api/v1/metrics/closed-loop", "GET", reply)
    body = reply.get_json()
    assert (body["cases_total"], body["closure_rate"], body["sla_compliance"]) == (5, 0.6, 0.5)
    assert (body["median_hours_to_first_contact"], body["p90_hours_to_close"]) == (2.0, 28.0)
    loans = client.get(
        f"/api/v1/metrics/closed-loop?{PERIOD}&department=loans", headers=bank_system
    )
    assert loans.get_json()["cases_total"] == 3
    reply = client.get(f"/api/v1/metrics/scores?group_by=touchpoint&{PERIOD}", headers=bank_system)
    assert_matches_openapi("/api/v1/metrics/scores", "GET", reply)
    groups = {g["key"]: g for g in reply.get_json()["groups"]}
    assert (groups["branch_visit"]["nps"], groups["call_centre"]["nps"]) == (20.0, None)
    assert groups["call_centre"]["nps_n"] == 2
    bad = client.get("/api/v1/metrics/scores?group_by=colour", headers=bank_system)
    assert_matches_openapi("/api/v1/metrics/scores", "GET", bad)
    assert bad.status_code == 422
    unknown = client.get("/api/v1/metrics/closed-loop?touchpoint=nope", headers=bank_system)
    assert unknown.status_code == 422
