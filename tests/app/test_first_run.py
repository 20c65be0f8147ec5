"""A bank goes live without a developer: the first visit (behind a code from the console) or
`flask setup` creates the bank, its first admin and its surveys, and nothing else."""

import io
import logging
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import Bank, Customer, Department, Survey, Touchpoint, User, utcnow
from app.services.governance.first_run import SetupRefused, draw_setup_code, spend_setup_code
from tests.app.conftest import row_counts
from tests.conftest import csrf_token
from tests.factories import UserFactory

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
    assert client.get("/").headers["Location"].endswith("/setup")
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
