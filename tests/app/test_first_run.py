"""A bank goes live without a developer: the first visit (behind a code from the console) or
`flask setup` creates the bank, its first admin and its surveys, and nothing else. The site's
root says what Touchloop is and where each audience starts; `make run` shows a newcomer a
survey to answer within seconds, whatever the hour."""

import io
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.demo.bank import seed_demo
from app.extensions import db
from app.factory import create_app
from app.models import Bank, Customer, Department, Survey, Touchpoint, User, utcnow
from app.services.governance.bank_profile import save_bank_profile
from app.services.governance.first_run import SetupRefused, draw_setup_code, spend_setup_code
from app.worker.scheduler import WorkflowScheduler, configure
from tests.app.conftest import row_counts
from tests.conftest import FreshContextClient, app_config, csrf_token, login
from tests.factories import PASSWORD as STAFF_PASSWORD
from tests.factories import UserFactory
from workflows.contact_rules import ContactPolicy

PASSWORD = "a long first password"


def setup_form(page, code, **overrides):
    return {
        "csrf_token": csrf_token(page),
        "code": code,
        "name": "Harbour Bank",
        "name_zh": "海港银行",
        "colour": "#0b6e4f",
        "timezone": "Asia/Shanghai",
        "languages": ["zh-CN", "en"],
        "admin_name": "Li Na",
        "admin_email": "li.na@harbour.example",
        "admin_language": "zh_CN",
        "password": PASSWORD,
        "confirm": PASSWORD,
        **overrides,
    }


def printed_code(caplog):
    found = re.search(r"setup code: ([A-Z0-9-]+)", caplog.text)
    assert found, "the server printed no setup code"
    return found.group(1)


def test_the_first_visit_sets_up_the_bank_behind_the_console_code(client, session, caplog):
    assert 'href="/setup"' in client.get("/").get_data(as_text=True)
    with caplog.at_level(logging.WARNING, logger="app.setup.routes"):
        page = client.get("/setup").get_data(as_text=True)
    code = printed_code(caplog)
    assert code not in page  # only the console has it
    done = client.post("/setup", data=setup_form(page, code.lower()))
    assert done.status_code == 302 and done.headers["Location"].endswith("/setup/welcome")
    assert "What to do next" in client.get("/setup/welcome").get_data(as_text=True)
    admin = session.scalar(sa.select(User))
    assert (admin.email, admin.role, admin.locale) == ("li.na@harbour.example", "admin", "zh_CN")
    bank = session.get(Bank, 1)
    assert (bank.name, bank.name_zh, bank.colour) == ("Harbour Bank", "海港银行", "#0b6e4f")
    assert bank.setup_code_hash is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Survey)) >= 3
    for demo in (Department, Touchpoint, Customer):  # no demo data
        assert session.scalar(sa.select(sa.func.count()).select_from(demo)) == 0
    assert client.get("/setup").status_code == 404
    assert client.get("/").headers["Location"].endswith("/cases")


def test_a_wrong_code_is_refused_and_counted_and_stores_nothing(client, session, caplog):
    with caplog.at_level(logging.WARNING, logger="app.setup.routes"):
        page = client.get("/setup").get_data(as_text=True)
    before = {k: v for k, v in row_counts(session).items() if k != "throttle"}
    answer = client.post("/setup", data=setup_form(page, "AAAA-BBBB-CCCC"))
    assert answer.status_code == 422
    assert "That code is not right" in answer.get_data(as_text=True)
    assert {k: v for k, v in row_counts(session).items() if k != "throttle"} == before
    assert row_counts(session)["throttle"] == 1


def test_wrong_codes_from_one_address_are_blocked_for_a_while(client, session, caplog):
    with caplog.at_level(logging.WARNING, logger="app.setup.routes"):
        page = client.get("/setup").get_data(as_text=True)
    code = printed_code(caplog)
    for _ in range(10):
        client.post("/setup", data=setup_form(page, "WRONG-CODE-0000"))
    assert client.post("/setup", data=setup_form(page, code)).status_code == 429
    assert session.scalar(sa.select(User)) is None


def test_a_code_is_drawn_once_while_valid_and_spent_once(session):
    now = utcnow()
    code = draw_setup_code(session, now=now)
    assert code is not None and draw_setup_code(session, now=now + timedelta(minutes=5)) is None
    spend_setup_code(session, code, now=now)
    with pytest.raises(SetupRefused):
        spend_setup_code(session, code, now=now)
    assert draw_setup_code(session, now=now) is not None  # still no admin: a new code


def test_an_expired_code_is_refused(session):
    now = utcnow()
    code = draw_setup_code(session, now=now)
    with pytest.raises(SetupRefused, match="expired"):
        spend_setup_code(session, code, now=now + timedelta(minutes=31))


def test_with_an_admin_the_first_run_does_not_exist(client, session):
    UserFactory(role="admin", department=None)
    session.commit()
    assert client.get("/setup").status_code == 404
    assert client.post("/setup", data={"code": "x"}).status_code in (400, 404)


def test_the_setup_command_sets_the_bank_up_once(runner, session):
    args = ["setup", "--bank-name", "Harbour Bank", "--bank-name-zh", "海港银行",
            "--timezone", "Asia/Shanghai", "--admin-email", "ops@harbour.example",
            "--admin-name", "Ops", "--admin-password", PASSWORD]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "Harbour Bank is set up: admin ops@harbour.example" in result.output
    assert session.scalar(sa.select(User.role)) == "admin"
    again = runner.invoke(args=args)
    assert again.exit_code == 1 and "set up already" in again.output
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_the_setup_command_refuses_an_unknown_time_zone(runner, session):
    args = ["setup", "--bank-name", "B", "--bank-name-zh", "", "--timezone", "Mars/Olympus",
            "--admin-email", "a@b.example", "--admin-name", "",
            "--admin-password", PASSWORD]  # fmt: skip
    result = runner.invoke(args=args)
    assert result.exit_code == 2 and "unknown time zone" in result.output


def test_surveys_sync_loads_new_versions_once(runner, session):
    first = runner.invoke(args=["surveys", "sync"])
    again = runner.invoke(args=["surveys", "sync"])
    stored = session.scalar(sa.select(sa.func.count()).select_from(Survey))
    assert first.output.strip() == f"surveys: {stored} new version(s) stored" and stored >= 3
    assert again.output.strip() == "surveys: 0 new version(s) stored"


def test_the_first_run_takes_the_banks_logo_and_refuses_a_file_that_is_not_one(
    client, session, caplog
):
    with caplog.at_level(logging.WARNING, logger="app.setup.routes"):
        page = client.get("/setup").get_data(as_text=True)
    code = printed_code(caplog)
    fake = {"logo": (io.BytesIO(b"MZ not an image"), "logo.png", "image/png")}
    refused = client.post("/setup", data=setup_form(page, code) | fake)
    assert refused.status_code == 422 and "not the image type" in refused.text
    assert session.scalar(sa.select(User)) is None
    logo = {
        "logo": (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "l.svg", "image/svg+xml")
    }
    assert client.post("/setup", data=setup_form(page, code) | logo).status_code == 302
    assert session.get(Bank, 1).logo.startswith("data:image/svg+xml;base64,")


MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def make_run_environment():
    """The settings `make run` starts the server with, read from its recipe."""
    recipe = MAKEFILE.read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"\b([A-Z_]+)=(\S+)", recipe))


def development_client(app):
    """A client of the app as `make run` serves it, on the test database."""
    served = create_app(
        app_config(app.config["SQLALCHEMY_DATABASE_URI"], DEVELOPMENT=True, DEV_OUTBOX_PAGE=True)
    )
    served.test_client_class = FreshContextClient
    return served


def test_a_new_banks_root_says_what_touchloop_is_and_leads_to_the_first_run(client):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Customer feedback that gets acted on" in html
    assert "This bank is not set up yet" in html
    assert html.count('href="/setup"') == 2  # the call-out and the admins' way in
    assert 'href="/auth/login?next=/cases"' in html  # staff
    assert 'href="/auth/login?next=/dashboard"' in html  # CX managers
    assert "their bank sends them a link" in html and "/dev/outbox" not in html  # customers


def test_a_set_up_banks_root_shows_its_name_and_the_admin_console(client, session):
    profile = {"name": "Harbour Bank", "name_zh": "海港银行", "colour": "#0b6e4f",
               "timezone": "Asia/Shanghai", "languages": ["zh-CN", "en"]}  # fmt: skip
    save_bank_profile(session, profile, actor="test")
    UserFactory(role="admin", department=None)
    session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Harbour Bank" in html and "not set up" not in html and 'href="/setup"' not in html
    assert 'href="/auth/login?next=/admin/bank"' in html
    chinese = client.get("/?lang=zh_CN").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and "海港银行" in chinese


def test_in_development_customers_start_in_the_outbox(app):
    served = development_client(app)
    html = served.test_client().get("/").get_data(as_text=True)
    with served.app_context():
        db.engine.dispose()
    assert 'href="/dev/outbox"' in html and "Answer a survey" in html
    assert "instance/demo-logins.txt" in html


def test_signed_in_staff_go_straight_on_to_their_cases(client, session):
    user = UserFactory()
    session.commit()
    login(client, user.email, STAFF_PASSWORD)
    assert client.get("/").headers["Location"].endswith("/cases")


def test_make_run_shows_a_survey_link_within_ten_seconds_at_two_in_the_morning(
    app, session, monkeypatch
):
    """At 02:00 in Shanghai every Shanghai customer is in quiet hours; the demo's newcomers in
    London and Vancouver are awake, and the ones who wait say why on the same page."""
    settings = make_run_environment()
    assert settings["SCHEDULER_EMBEDDED"] == "1" and settings["DEV_OUTBOX_PAGE"] == "1"
    seed_demo(session, now=NIGHT, customers=200, history_days=7)  # today's newcomers come too
    session.commit()
    monkeypatch.setattr("app.worker.jobs.utcnow", lambda: NIGHT)
    monkeypatch.setitem(app.config, "CONTACT_POLICY", ContactPolicy())  # quiet 21:00-08:00
    monkeypatch.setitem(app.config, "WORKFLOW_TICK_SECONDS", int(settings["WORKFLOW_TICK_SECONDS"]))
    served = development_client(app)
    reader = served.test_client()
    scheduler = configure(WorkflowScheduler(daemon=True), app, persistent=False)
    started = time.monotonic()
    scheduler.start()
    try:
        while "Answer as the customer" not in (page := reader.get("/dev/outbox").get_data(True)):
            assert time.monotonic() - started < 10, "no survey link in the outbox within 10 s"
            time.sleep(0.25)
    finally:
        scheduler.shutdown()
        with served.app_context():
            db.engine.dispose()
    assert 'href="/s/' in page
    assert "周晓明" in page  # a Shanghai newcomer, waiting for the morning, says why:
    assert "quiet hours where the customer lives (Asia/Shanghai)" in page
    assert "08:00 for the customer, in Asia/Shanghai" in page
