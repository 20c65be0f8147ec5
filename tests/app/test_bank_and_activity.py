"""The bank's profile and the activity log, as admins use them."""

import base64
import io
import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.models import AuditEntry, Bank
from tests.conftest import csrf_token
from tests.factories import DepartmentFactory, TouchpointFactory, UserFactory

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def profile_form(page, **overrides):
    return {
        "csrf_token": csrf_token(page),
        "name": "Harbour Bank",
        "name_zh": "海港银行",
        "colour": "#0B6E4F",
        "timezone": "Asia/Hong_Kong",
        "languages": ["zh-CN"],
        **overrides,
    }


def test_an_admin_changes_the_profile_with_a_logo_and_the_change_is_logged(client, session, admin):
    page = client.get("/admin/bank").get_data(as_text=True)
    form = profile_form(page) | {"logo": (io.BytesIO(PNG), "logo.png", "image/png")}
    saved = client.post("/admin/bank", data=form, content_type="multipart/form-data")
    assert saved.status_code == 302
    bank = session.get(Bank, 1)
    assert (bank.name, bank.colour, bank.timezone, bank.languages) == (
        "Harbour Bank", "#0b6e4f", "Asia/Hong_Kong", ["zh-CN"],
    )  # fmt: skip
    assert bank.logo.startswith("data:image/png;base64,")
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.subject == "bank"))
    assert entry.actor == f"user:{admin.id}" and entry.action == "bank.create"
    assert entry.detail["changes"]["name"] == [None, "Harbour Bank"]
    assert entry.detail["changes"]["logo"] == ["(changed)", "(changed)"]  # no image in the log
    page = client.get("/admin/bank").get_data(as_text=True)
    assert 'src="data:image/png;base64,' in page and "Harbour Bank" in page


def test_a_file_that_is_not_the_image_it_claims_is_refused(client, session, admin):
    page = client.get("/admin/bank").get_data(as_text=True)
    fake = {"logo": (io.BytesIO(b"MZ\x90\x00not a png"), "logo.png", "image/png")}
    answer = client.post(
        "/admin/bank", data=profile_form(page) | fake, content_type="multipart/form-data"
    )
    assert answer.status_code == 200
    assert "The file is not the image type it says it is." in answer.get_data(as_text=True)
    assert session.get(Bank, 1) is None


def test_bad_profile_values_are_refused_beside_their_fields(client, session, admin):
    page = client.get("/admin/bank").get_data(as_text=True)
    answer = client.post(
        "/admin/bank",
        data=profile_form(page, colour="green", timezone="Mars/Olympus", name="", languages=[]),
    )
    html = answer.get_data(as_text=True)
    for message in ("Use a colour such as #1f5fad.", "Use a time zone such as Asia/Shanghai",
                    "Choose at least one language.", "This field is required."):  # fmt: skip
        assert message in html
    assert session.get(Bank, 1) is None


def test_the_activity_page_filters_by_kind_and_object_and_shows_each_change(client, session, admin):
    touchpoint = TouchpointFactory(code="branch_visit")
    session.commit()
    page = client.get("/admin/touchpoints/branch_visit").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "name": "Branch visit", "name_zh": "网点到访",
            "department_id": str(touchpoint.department_id), "survey_code": "touchpoint_nps",
            "journey_stage": "borrowing", "journey_order": "4", "delay_minutes": "90",
            "sampling_percent": "100", "expiry_days": "14", "priority": "50",
            "cooldown_days": "30", "active": "y"}  # fmt: skip
    assert client.post("/admin/touchpoints/branch_visit", data=form).status_code == 302
    client.post("/admin/bank", data=profile_form(client.get("/admin/bank").text))
    html = client.get("/admin/activity?kind=touchpoint").get_data(as_text=True)
    rows = html.split("<tbody>")[1]
    assert "Touchpoint · Branch visit" in rows and ">changed<" in rows
    assert "Delay (minutes)" in rows and "0 → 90" in rows
    assert "Everyday banking → Borrowing" in rows and "everyday_banking" not in rows
    assert "The bank" not in rows
    only_bank = client.get("/admin/activity?subject=bank").get_data(as_text=True)
    bank_rows = only_bank.split("<tbody>")[1]
    assert ">The bank<" in bank_rows and ">created<" in bank_rows
    assert "branch_visit" not in bank_rows
    history = client.get("/admin/touchpoints/branch_visit").text  # the object's own history
    assert "Delay (minutes)" in history and "Everyday banking → Borrowing" in history
    chinese = client.get("/admin/activity?kind=touchpoint&lang=zh_CN").text.split("<tbody>")[1]
    assert "日常银行业务 → 贷款融资" in chinese and "网点到访" in chinese


def test_the_activity_page_refuses_a_day_out_of_range(client, session, admin):
    assert client.get("/admin/activity?start=0001-01-01").status_code == 400


def test_a_role_change_reads_as_words_with_the_department_by_name(client, session, admin):
    loans = DepartmentFactory(code="loans", name="Loans", name_zh="贷款部")
    colleague = UserFactory(email="li@bank.example.com", name="Li Wei", department=None,
                            role="cx_manager")  # fmt: skip
    session.commit()
    page = client.get(f"/admin/users/{colleague.id}").text
    form = {"csrf_token": csrf_token(page), "name": "Li Wei", "role": "staff",
            "department_id": str(loans.id), "locale": "zh_CN", "timezone": ""}  # fmt: skip
    assert client.post(f"/admin/users/{colleague.id}", data=form).status_code == 302
    for page in (client.get("/admin/activity?kind=user").text,
                 client.get(f"/admin/users/{colleague.id}").text):  # fmt: skip
        assert "CX manager → Staff" in page and "– → Loans" in page and "English → Chinese" in page
        shown = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])  # what a reader sees
        assert "cx_manager" not in shown and f"→ {loans.id} " not in shown
    rows = client.get("/admin/activity?kind=user").text.split("<tbody>")[1]
    assert "User · li@bank.example.com" in rows and "admin@bank.example.com" in rows
    chinese = client.get("/admin/activity?kind=user&lang=zh_CN").text.split("<tbody>")[1]
    assert "客户体验经理 → 员工" in chinese and "– → 贷款部" in chinese


def test_the_activity_times_are_in_the_readers_zone_with_the_zone_shown(client, session, admin):
    admin.timezone = "Asia/Tokyo"
    session.commit()
    client.post("/admin/bank", data=profile_form(client.get("/admin/bank").text))
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.subject == "bank"))
    tokyo = entry.at.astimezone(ZoneInfo("Asia/Tokyo")).strftime("%Y-%m-%d %H:%M")
    rows = client.get("/admin/activity").text.split("<tbody>")[1]
    assert f"{tokyo} UTC+9" in rows and " UTC<" not in rows
