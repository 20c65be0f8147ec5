"""Staff password reset: one answer for every e-mail, hashed single-use links that expire, and
a new password that ends old sessions, clears the lockout and is audited."""

import logging
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.extensions import db
from app.factory import create_app
from app.models import AuditEntry, OutboxMessage, PasswordReset, Throttle, User, utcnow
from app.services.accounts import password_reset
from app.services.accounts.signin import account_key
from app.services.accounts.users import set_password
from app.services.governance import audit
from app.worker.jobs import deliver_outbox
from surveys.tokens import token_digest
from tests.conftest import FreshContextClient, app_config, body_of, csrf_token, login
from tests.factories import PASSWORD, UserFactory

NEW_PASSWORD = "a brand new passphrase"
UNKNOWN = "nobody@bank.example.com"


@pytest.fixture
def clock(monkeypatch):
    """Frozen time for the sign-in pages; a test moves it on by setting `clock.now`."""

    class Clock:
        now = utcnow()

        def __call__(self):
            return self.now

    frozen = Clock()
    monkeypatch.setattr("app.auth.routes.utcnow", frozen)
    return frozen


def ask(client, email, ip="10.0.0.1"):
    page = client.get("/auth/forgot").get_data(as_text=True)
    return client.post(
        "/auth/forgot",
        data={"email": email, "csrf_token": csrf_token(page)},
        environ_base={"REMOTE_ADDR": ip},
    )


def set_new(client, path, password=NEW_PASSWORD, confirm=None, **extra):
    """Post a new password to a link, with the session's CSRF token like a browser."""
    token = csrf_token(client.get("/auth/forgot").get_data(as_text=True))
    data = {"password": password, "confirm": confirm or password, "csrf_token": token}
    return client.post(path, data={**data, **extra})


def outbox(session, **where):
    session.expire_all()
    return list(session.scalars(sa.select(OutboxMessage).filter_by(**where)))


def link_for(session, user):
    """The path of the newest reset link queued for `user`."""
    newest = outbox(session, kind="password_reset", recipient=user.email)[-1]
    return re.search(r"/auth/reset/[\w-]+", newest.body_text).group()


def page(result, typed=""):
    """Status and page, without the per-request CSRF token or the address typed into it."""
    text = re.sub(r'name="csrf_token"[^>]*>', "", result.get_data(as_text=True))
    return result.status_code, text.replace(typed, "TYPED") if typed else text


def password_of(session, user):
    session.expire_all()
    return session.get(User, user.id).password_hash


def test_known_and_unknown_emails_get_the_same_page_and_only_an_account_gets_mail(
    mail_app, client, session, smtp_server
):
    user = UserFactory()
    inactive = UserFactory(active=False)
    session.commit()
    answers, new_rows = [], []
    for email in (UNKNOWN, inactive.email, user.email.upper()):
        before = len(outbox(session))
        answers.append(page(ask(client, email)))
        new_rows.append(len(outbox(session)) - before)
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200 and "If an account exists" in answers[0][1]
    assert new_rows == [0, 0, 1]

    assert deliver_outbox()["emails_sent"] == 1
    [mail] = smtp_server.messages
    assert mail["To"] == user.email and mail["Subject"] == "Reset your Touchloop password"
    path = re.search(r"/auth/reset/[\w-]+", body_of(mail)).group()
    assert path in body_of(mail, "html")
    assert set_new(client, path).status_code == 302


def test_the_link_holds_256_random_bits_of_which_only_the_hash_is_stored(client, session):
    user = UserFactory()
    session.commit()
    ask(client, user.email)
    token = link_for(session, user).removeprefix("/auth/reset/")
    assert len(token) >= 43  # token_urlsafe(32): 256 bits, URL-safe base64
    stored = session.scalar(sa.select(PasswordReset.token_hash))
    assert stored == token_digest(token) and token not in stored
    assert user.email not in link_for(session, user)


def test_the_link_sets_a_password_once_then_sends_to_sign_in(client, session):
    user = UserFactory()
    session.commit()
    ask(client, user.email)
    path = link_for(session, user)
    done = set_new(client, path)
    assert done.status_code == 302 and done.location.endswith("/auth/login")
    assert check_password_hash(password_of(session, user), NEW_PASSWORD)
    assert client.get("/cases").status_code == 302  # not signed in by the link itself
    login(client, user.email, NEW_PASSWORD)
    assert client.get("/cases").status_code == 200

    again = client.get(path)
    assert again.status_code == 404 and "does not work any more" in again.get_data(as_text=True)
    assert set_new(client, path, password="another passphrase").status_code == 404
    assert check_password_hash(password_of(session, user), NEW_PASSWORD)


def test_unknown_used_replaced_and_expired_links_all_get_one_page(client, session, clock):
    user, other = UserFactory(), UserFactory()
    session.commit()
    ask(client, user.email)
    replaced = link_for(session, user)
    clock.now += timedelta(minutes=1)
    ask(client, user.email)
    expiring = link_for(session, user)
    assert expiring != replaced
    replaced_at_once = page(client.get(replaced))  # while it would not have expired yet
    ask(client, other.email)
    used = link_for(session, other)
    assert set_new(client, used).status_code == 302

    clock.now += timedelta(minutes=30) - timedelta(seconds=1)
    assert client.get(expiring).status_code == 200  # 30 minutes, not a second less
    clock.now += timedelta(seconds=1)
    dead = {
        "unknown": page(client.get("/auth/reset/" + "A" * 43)),
        "used": page(client.get(used)),
        "replaced": replaced_at_once,
        "expired": page(client.get(expiring)),
        "expired, posted": page(set_new(client, expiring)),
    }
    assert len(set(dead.values())) == 1, dead
    assert dead["expired"][0] == 404
    assert "does not work any more" in dead["expired"][1]


def test_a_link_changes_only_the_account_it_was_sent_to(client, session):
    mine, theirs = UserFactory(), UserFactory()
    session.commit()
    ask(client, mine.email)
    forged = {"email": theirs.email, "user_id": str(theirs.id)}  # ignored: the link decides
    assert set_new(client, link_for(session, mine), **forged).status_code == 302
    assert check_password_hash(password_of(session, mine), NEW_PASSWORD)
    assert check_password_hash(password_of(session, theirs), PASSWORD)


def test_a_short_or_mistyped_password_is_refused_and_the_link_still_works(client, session):
    user = UserFactory()
    session.commit()
    ask(client, user.email)
    path = link_for(session, user)
    short = set_new(client, path, password="short")
    assert short.status_code == 200
    assert "At least 10 characters, please." in short.get_data(as_text=True)
    mistyped = set_new(client, path, confirm="something else entirely")
    assert "The passwords differ." in mistyped.get_data(as_text=True)
    assert check_password_hash(password_of(session, user), PASSWORD)
    assert set_new(client, path).status_code == 302


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(client, session):
    user = UserFactory()
    session.commit()
    assert client.post("/auth/forgot", data={"email": user.email}).status_code == 400
    assert outbox(session) == []
    ask(client, user.email)
    path = link_for(session, user)
    bare = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert bare.status_code == 400
    assert check_password_hash(password_of(session, user), PASSWORD)
    assert client.get(path).status_code == 200  # the link was not spent


def test_requests_per_email_are_limited_alike_for_known_and_unknown(app, client, session):
    user = UserFactory()
    session.commit()
    limit = app.config["PASSWORD_RESET_MAX_PER_EMAIL"]
    known = [page(ask(client, user.email, f"10.0.1.{n}"), user.email) for n in range(limit + 1)]
    unknown = [page(ask(client, UNKNOWN, f"10.0.2.{n}"), UNKNOWN) for n in range(limit + 1)]
    assert known == unknown
    assert [status for status, _ in known] == [200] * limit + [429]
    assert "Too many requests" in known[-1][1]
    assert len(outbox(session, kind="password_reset")) == limit


def test_requests_per_ip_are_limited_whatever_the_email(app, client, session):
    user = UserFactory()
    session.commit()
    app.config["PASSWORD_RESET_MAX_PER_IP"] = 4
    try:
        for n in range(4):
            ask(client, f"guess{n}@bank.example.com", ip="10.9.9.9")
        assert ask(client, user.email, ip="10.9.9.9").status_code == 429
        assert outbox(session) == []
        assert ask(client, user.email, ip="10.1.1.1").status_code == 200
        assert len(outbox(session)) == 1
    finally:
        app.config["PASSWORD_RESET_MAX_PER_IP"] = 20


def test_a_new_password_lifts_the_sign_in_lockout(client, session):
    user = UserFactory()
    session.commit()
    for _ in range(5):
        token = csrf_token(client.get("/auth/login").get_data(as_text=True))
        client.post("/auth/login", data={"email": user.email, "password": "wrong password",
                                         "csrf_token": token})  # fmt: skip
    assert session.get(Throttle, account_key(user.email)).blocked_until > utcnow()
    ask(client, user.email)
    assert set_new(client, link_for(session, user)).status_code == 302
    session.expire_all()
    assert session.get(Throttle, account_key(user.email)) is None
    login(client, user.email, NEW_PASSWORD)


def test_a_new_password_ends_every_other_session(app, client, session):
    user = UserFactory()
    session.commit()
    elsewhere = app.test_client()
    login(elsewhere, user.email, PASSWORD)
    assert elsewhere.get("/cases").status_code == 200
    ask(client, user.email)
    set_new(client, link_for(session, user))
    assert elsewhere.get("/cases").status_code == 302
    login(elsewhere, user.email, NEW_PASSWORD)
    assert elsewhere.get("/cases").status_code == 200


def test_a_session_from_before_session_stamps_is_not_trusted(client, session):
    user = UserFactory()
    session.commit()
    with client.session_transaction() as cookie:
        cookie["_user_id"], cookie["_fresh"] = str(user.id), True
    assert client.get("/cases").status_code == 302


def test_the_reset_and_the_request_are_in_the_audit_chain(client, session):
    user = UserFactory()
    session.commit()
    ask(client, UNKNOWN)
    ask(client, user.email)
    set_new(client, link_for(session, user))
    entries = session.execute(
        sa.select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).order_by(AuditEntry.seq)
    )
    subject = f"user:{user.id}"
    assert entries.all() == [
        ("anonymous", "password.reset_requested", subject),
        (subject, "password.reset", subject),
    ]
    assert audit.verify(session).ok


def test_pages_and_email_speak_chinese_to_a_chinese_user(client, session):
    user = UserFactory(locale="zh_CN")
    session.commit()
    headers = {"Accept-Language": "zh-CN"}
    login_page = client.get("/auth/login", headers=headers).get_data(as_text=True)
    assert "忘记密码？" in login_page
    form = client.get("/auth/forgot", headers=headers).get_data(as_text=True)
    assert "重置密码" in form and "Reset your password" not in form
    ask(client, user.email)
    [mail] = outbox(session, kind="password_reset")
    assert mail.subject == "重置您的 Touchloop 密码" and "30 分钟内" in mail.body_text
    assert "30 分钟内" in mail.body_html
    reset_page = client.get(link_for(session, user), headers=headers).get_data(as_text=True)
    assert "设置新密码" in reset_page
    assert "链接已失效" in client.get("/auth/reset/x", headers=headers).get_data(as_text=True)


def test_no_email_address_reaches_the_logs(client, session, caplog):
    user = UserFactory()
    session.commit()
    caplog.set_level(logging.DEBUG)
    ask(client, user.email)
    ask(client, UNKNOWN)
    set_new(client, link_for(session, user))
    assert user.email not in caplog.text and UNKNOWN not in caplog.text


def test_two_submits_of_one_link_set_one_password(app, session):
    """The link is spent by a conditional UPDATE: the slower of two submits gets None."""
    user = UserFactory()
    session.commit()
    policy = password_reset.ResetPolicy.from_settings(app.config)
    now = utcnow()
    password_reset.request_reset(session, user.email, ip="10.0.0.1", policy=policy, now=now)
    token = link_for(session, user).removeprefix("/auth/reset/")
    first = password_reset.complete_reset(session, token, NEW_PASSWORD, now=now)
    second = password_reset.complete_reset(session, token, "a second passphrase", now=now)
    session.commit()
    assert first is not None and first.id == user.id and second is None
    assert check_password_hash(password_of(session, user), NEW_PASSWORD)


def test_a_password_changed_any_other_way_ends_open_links(client, session):
    user = UserFactory()
    session.commit()
    ask(client, user.email)
    path = link_for(session, user)
    set_password(session, session.get(User, user.id), "set by an administrator", now=utcnow())
    session.commit()
    assert client.get(path).status_code == 404


def test_a_deactivated_account_cannot_use_its_link(client, session):
    user = UserFactory()
    session.commit()
    ask(client, user.email)
    session.get(User, user.id).active = False
    session.commit()
    assert set_new(client, link_for(session, user)).status_code == 404
    assert check_password_hash(password_of(session, user), PASSWORD)


def test_a_real_account_and_an_unknown_email_take_the_same_time(app, client, session):
    """Both answers wait for the floor, far above the few milliseconds a real account adds."""
    user = UserFactory()
    session.commit()
    app.config["PASSWORD_RESET_MIN_SECONDS"] = 0.3
    try:
        for email in (user.email, UNKNOWN):
            token = csrf_token(client.get("/auth/forgot").get_data(as_text=True))
            started = time.monotonic()
            client.post("/auth/forgot", data={"email": email, "csrf_token": token})
            assert time.monotonic() - started >= 0.3, email
    finally:
        app.config["PASSWORD_RESET_MIN_SECONDS"] = 0
    assert len(outbox(session, kind="password_reset")) == 1


@pytest.fixture
def dev_app(app):
    """The app as `make run` serves it: development, with the outbox page, on the test database."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    dev = create_app(app_config(url, DEVELOPMENT=True, DEV_OUTBOX_PAGE=True))
    dev.test_client_class = FreshContextClient
    yield dev
    with dev.app_context():
        db.engine.dispose()


def test_the_development_outbox_shows_reset_links_to_an_admin_only(client, session, dev_app):
    user = UserFactory()
    admin = UserFactory(role="admin", department=None)
    session.commit()
    ask(client, user.email)
    link = link_for(session, user)
    visitor, staff, signed_in_admin = (dev_app.test_client() for _ in range(3))
    login(staff, user.email, PASSWORD)
    login(signed_in_admin, admin.email, PASSWORD)
    for reader in (visitor, staff):
        page = reader.get("/dev/outbox").get_data(as_text=True)
        assert link not in page and "1 password-reset e-mail is hidden" in page
    assert link in signed_in_admin.get("/dev/outbox").get_data(as_text=True)
