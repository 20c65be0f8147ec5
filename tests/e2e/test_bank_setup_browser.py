"""A new bank set up from nothing in a real browser, by its first admin, with no developer:
the first-run page, a department, a colleague invited by e-mail who signs in, a touchpoint,
an API key, and the bank system's first event turned into a survey invitation."""

import json
import logging
import re
import urllib.request

from app.models import utcnow
from app.worker.jobs import deliver_outbox, send_invitations
from tests.conftest import body_of

ADMIN, STAFF = "li.na@harbour.example", "wang.wei@harbour.example"
PASSWORD, STAFF_PASSWORD = "a long first password", "another long password"


def test_an_admin_sets_up_a_new_bank_from_nothing(
    app, mail_app, live_server, journey, smtp_server, caplog
):
    walk = journey("bank-setup", 1280)
    page = walk.page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the app has none
    with caplog.at_level(logging.WARNING, logger="app.setup.routes"):
        page.goto(f"{live_server}/?lang=en")
        page.get_by_role("link", name="Set the bank up").first.click()
    assert page.url.endswith("/setup")
    walk.look("setup")
    code = re.search(r"setup code: ([A-Z0-9-]+)", caplog.text).group(1)

    fill(page, {"code": code, "name": "Harbour Bank", "name_zh": "海港银行",
                "admin_name": "Li Na", "admin_email": ADMIN, "password": PASSWORD,
                "confirm": PASSWORD})  # fmt: skip
    page.get_by_label("English").last.check()  # the admin's own language
    page.get_by_role("button", name="Set up the bank").click()
    assert "Your bank is set up" in page.content()
    walk.look("welcome")

    page.goto(f"{live_server}/admin/departments/new")
    fill(page, {"code": "mortgages", "name": "Mortgages", "name_zh": "房贷部"})
    page.get_by_role("button", name="Save").click()
    assert "Department saved." in page.content()
    walk.look("departments")

    page.goto(f"{live_server}/admin/users/invite")
    fill(page, {"email": STAFF, "name": "Wang Wei"})
    page.locator("select[name=role]").select_option("staff")
    page.locator("select[name=department_id]").select_option(label="Mortgages")
    page.get_by_role("button", name="Send the invitation").click()
    with app.app_context():
        deliver_outbox()
    [invite] = smtp_server.messages
    link = re.search(r"https?://\S+/auth/reset/\S+", body_of(invite)).group()
    phone = journey("bank-setup-colleague", 390)
    colleague = phone.page
    colleague.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    colleague.goto(link)
    phone.look("choose-password")
    fill(colleague, {"password": STAFF_PASSWORD, "confirm": STAFF_PASSWORD})
    colleague.get_by_role("button").last.click()
    phone.look("sign-in")
    fill(colleague, {"email": STAFF, "password": STAFF_PASSWORD})
    colleague.get_by_role("button", name=re.compile("Sign in")).click()
    assert colleague.url.endswith("/cases")

    page.goto(f"{live_server}/admin/touchpoints/new")
    fill(page, {"code": "mortgage_signed", "name": "Mortgage signed", "name_zh": "房贷签约",
                "delay_minutes": "0"})  # fmt: skip
    page.locator("select[name=journey_stage]").select_option(label="Borrowing")  # in words
    page.locator("select[name=department_id]").select_option(label="Mortgages")
    page.get_by_role("button", name="Save").click()
    assert "Mortgage signed" in page.content()
    walk.look("touchpoints")

    page.goto(f"{live_server}/admin/api-keys/new")
    fill(page, {"name": "core-banking"})
    page.get_by_role("button", name="Create the key").click()
    secret = page.locator("#secret").input_value()
    assert secret.startswith("tl_")
    walk.look("api-key")

    event = {"event_id": "hb-0001", "touchpoint": "mortgage_signed",
             "customer": {"external_id": "HB-77", "email": "mei@example.com", "locale": "zh-CN"},
             "occurred_at": utcnow().isoformat()}  # fmt: skip
    request = urllib.request.Request(
        f"{live_server}/api/v1/events",
        data=json.dumps(event).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as answer:
        assert answer.status == 202
    with app.app_context():
        assert send_invitations()["invitations_sent"] == 1
        deliver_outbox()
    survey = smtp_server.messages[-1]
    assert survey["To"] == "mei@example.com" and "/s/" in body_of(survey)
    assert "房贷签约" in body_of(survey)  # the customer's language, the touchpoint by its name


def fill(page, fields):
    for name, value in fields.items():
        page.locator(f"[name={name}]").fill(value)
