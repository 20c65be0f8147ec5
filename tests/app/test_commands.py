import sqlalchemy as sa

from app.models import (
    ApiKey,
    AuditEntry,
    Bank,
    Case,
    Department,
    Invitation,
    OutboxMessage,
    Response,
    Touchpoint,
    User,
    utcnow,
)
from app.services.accounts.api_keys import api_key_for
from tests.factories import DepartmentFactory


def count(session, model):
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_api_key_create_prints_a_secret_that_is_stored_only_hashed(runner, session):
    result = runner.invoke(args=["api-key", "create", "core-banking"])
    assert result.exit_code == 0
    secret = result.stdout.strip()
    assert secret.startswith("tl_") and len(secret) > 40
    stored = session.scalar(sa.select(ApiKey))
    assert secret not in (stored.key_hash, stored.prefix)
    assert api_key_for(session, secret, now=utcnow()).name == "core-banking"


def test_an_api_key_name_is_unique(runner):
    runner.invoke(args=["api-key", "create", "bi"])
    again = runner.invoke(args=["api-key", "create", "bi"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_create_user_puts_staff_in_their_department(runner, session):
    DepartmentFactory(code="loans")
    session.commit()
    args = ["create-user", "--email", "Li@Bank.example.com", "--password", "long enough pw"]
    result = runner.invoke(args=[*args, "--role", "staff", "--department", "loans"])
    assert result.exit_code == 0, result.output
    user = session.scalar(sa.select(User))
    assert (user.email, user.department.code) == ("li@bank.example.com", "loans")
    assert "long enough pw" not in user.password_hash


def test_staff_without_a_department_are_refused(runner, session):
    args = ["create-user", "--email", "a@b.example.com", "--password", "long enough pw"]
    result = runner.invoke(args=[*args, "--role", "staff"])
    assert result.exit_code != 0 and "--department" in result.output
    assert count(session, User) == 0


def test_seed_demo_loads_a_bank_once(runner, session):
    first = runner.invoke(args=["seed-demo", "--customers", "200", "--months", "1"])
    assert first.exit_code == 0, first.output
    assert "demo bank: 30 days of history" in first.output  # the progress bar's label
    assert "cx.manager@demo.bank" in first.output
    assert "li.hua@demo.bank" not in first.output  # colleagues are there to be assigned cases
    assert session.get(Bank, 1).name == "Jade Harbour Bank"
    codes = set(session.scalars(sa.select(Touchpoint.code)))
    assert codes == {
        "account_opening",
        "loan_approval",
        "card_activation",
        "branch_visit",
        "call_centre",
        "mobile_app",
        "complaint_resolution",
    }
    models = (Department, User, Response, Case, Invitation, OutboxMessage, AuditEntry)
    before = {model: count(session, model) for model in models}
    assert before[Response] > 0 and before[Case] > 0
    second = runner.invoke(args=["seed-demo", "--customers", "200", "--months", "1"])
    assert second.exit_code == 0
    assert "@demo.bank" not in second.output  # passwords are printed once
    assert {model: count(session, model) for model in before} == before
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
