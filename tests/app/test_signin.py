"""Sign-in lockout and throttling: database-backed, the same for known and unknown e-mails."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Throttle, utcnow
from app.services.accounts import throttle, users
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, UserFactory


def attempt(client, email, password, ip="10.0.0.1"):
    page = client.get("/auth/login").get_data(as_text=True)
    result = client.post(
        "/auth/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page)},
        environ_base={"REMOTE_ADDR": ip},
    )
    text = result.get_data(as_text=True)
    if "Too many failed sign-ins" in text:
        return result.status_code, "locked"
    return result.status_code, "wrong" if "not right" in text else ""


def test_five_failures_lock_the_account_even_against_the_right_password(client, session):
    user = UserFactory()
    session.commit()
    outcomes = [attempt(client, user.email, "wrong password") for _ in range(5)]
    assert outcomes == [(200, "wrong")] * 5
    assert attempt(client, user.email, PASSWORD) == (429, "locked")
    assert client.get("/cases").status_code == 302  # not signed in


def test_an_unknown_email_answers_exactly_like_a_real_account(client, session):
    user = UserFactory()
    session.commit()
    known = [attempt(client, user.email, "wrong password") for _ in range(6)]
    unknown = [attempt(client, "nobody@bank.example.com", "wrong password") for _ in range(6)]
    assert known == unknown == [(200, "wrong")] * 5 + [(429, "locked")]


def test_every_path_does_one_password_hash(client, session, monkeypatch):
    """Equal work, so timing does not tell a real account from an unknown or locked one."""
    user = UserFactory()
    session.commit()
    calls = []
    real = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash", lambda *a: calls.append(1) or real(*a))
    for email in [user.email, "nobody@bank.example.com"] * 6:
        calls.clear()
        attempt(client, email, "wrong password")
        assert len(calls) == 1


def test_the_lock_ends_and_a_success_clears_the_count(client, session):
    user = UserFactory()
    session.commit()
    for _ in range(5):
        attempt(client, user.email, "wrong password")
    session.execute(sa.update(Throttle).values(blocked_until=utcnow() - timedelta(seconds=1)))
    session.commit()
    assert attempt(client, user.email, PASSWORD)[0] == 302
    key = throttle.key_for("login", user.email)
    assert session.scalar(sa.select(Throttle).where(Throttle.key == key)) is None


def test_one_ip_failing_across_many_emails_is_throttled(app, client, session):
    user = UserFactory()
    session.commit()
    app.config["LOGIN_IP_MAX_FAILURES"] = 4
    try:
        for n in range(4):
            attempt(client, f"guess{n}@bank.example.com", "wrong password", ip="10.9.9.9")
        assert attempt(client, user.email, PASSWORD, ip="10.9.9.9") == (429, "locked")
        assert attempt(client, user.email, PASSWORD, ip="10.1.1.1")[0] == 302
    finally:
        app.config["LOGIN_IP_MAX_FAILURES"] = 30


def test_no_email_or_ip_is_stored_in_clear(client, session):
    attempt(client, "someone@bank.example.com", "wrong password", ip="10.7.7.7")
    keys = " ".join(session.scalars(sa.select(Throttle.key)))
    assert "someone" not in keys and "10.7.7.7" not in keys


def test_failures_from_concurrent_processes_are_all_counted(app):
    """Eight connections failing at once: the atomic upsert loses none of the 40 failures."""
    limit = throttle.Limit(1000, timedelta(minutes=15), timedelta(minutes=15))
    barrier, engine = threading.Barrier(8), db.engine

    def fail_five():
        barrier.wait()
        for _ in range(5):
            with Session(engine) as own:
                throttle.record_failure(own, "login:race", limit, now=utcnow())
                own.commit()

    threads = [threading.Thread(target=fail_five) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.session.get(Throttle, "login:race").failures == 40


def test_a_limit_must_allow_one_failure():
    with pytest.raises(ValueError):
        throttle.Limit(1, timedelta(minutes=1), timedelta(minutes=1))


def test_the_address_make_run_prints_leads_to_sign_in_then_to_the_inbox(client, session):
    user = UserFactory(role="admin", department=None)  # the bank is set up: it has an admin
    session.commit()
    landing = client.get("/").get_data(as_text=True)  # what Touchloop is, and the ways in
    assert 'href="/auth/login?next=/cases"' in landing
    sign_in = client.get("/auth/login").get_data(as_text=True)
    assert 'name="password"' in sign_in and 'autocomplete="current-password"' in sign_in
    login(client, user.email, PASSWORD)
    signed_in = client.get("/", follow_redirects=True)
    assert (signed_in.status_code, signed_in.request.path) == (200, "/cases")
