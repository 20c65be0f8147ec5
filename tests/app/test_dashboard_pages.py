"""The dashboard page, its scoping, exports and the metrics API, on the hand-computed bank."""

import csv
import io
import re

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


def opened(html):
    return re.search(r"Cases opened</th><td>(\d+)</td><td>(\d+)</td>", html).groups()


def test_a_manager_sees_the_whole_bank_with_charts_and_tables(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(f"/dashboard?{PERIOD}").get_data(as_text=True)
    assert opened(html) == ("5", "1")
    for chart in ("chart-trend", "chart-touchpoints", "chart-backlog"):
        assert f'<canvas id="{chart}"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert 'class="weakest"' in html and "Loan approval" in html
    assert "keyword=%E5%AE%A1%E6%89%B9" in html  # 审批, a link to the comments
    assert "<script>alert" not in html


def test_staff_see_only_their_department(client, session, bank):
    staff = UserFactory(department=bank.cards)
    session.commit()
    login(client, staff.email, PASSWORD)
    # asking for the loans department changes nothing: cards' cases c1 and c6 only
    html = client.get(f"/dashboard?{PERIOD}&department=loans").get_data(as_text=True)
    assert opened(html) == ("2", "1")
    assert 'name="department"' not in html
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


def test_keyword_click_through_lists_the_comments(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get(
        f"/dashboard/responses?{PERIOD}&touchpoint=loan_approval&keyword=审批&category=detractor"
    ).get_data(as_text=True)
    assert "3 responses" in html and "审批太慢了" in html


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
