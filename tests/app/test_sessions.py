"""Session cookies: ended on the server by sign-out and changes of access, renewed at sign-in,
and read across a secret-key rotation."""

import pytest
from itsdangerous import BadSignature

from app.extensions import db
from app.models import utcnow
from app.services.accounts.users import set_password
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

NEW_PASSWORD = "another-long-password"


def test_a_rotated_key_signs_new_cookies_reads_listed_old_ones_and_drops_unlisted(app, monkeypatch):
    interface = app.session_interface
    before = interface.get_signing_serializer(app)
    old_cookie = before.dumps({"lang": "zh_CN"})

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.secret_key])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-after-rotation")
    rotated = interface.get_signing_serializer(app)
    assert rotated.loads(old_cookie) == {"lang": "zh_CN"}
    with pytest.raises(BadSignature):
        before.loads(rotated.dumps({"lang": "en"}))  # new cookies carry the new key

    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    with pytest.raises(BadSignature):
        interface.get_signing_serializer(app).loads(old_cookie)


@pytest.fixture
def app(app):
    """Each client request in an app context of its own, as a server runs it (no shared `g`)."""
    app.test_client_class = FreshContextClient
    return app


def signed_in(app, user):
    """A client signed in as `user`, and a copy of its session cookie taken now."""
    client = app.test_client()
    login(client, user.email, PASSWORD)
    assert client.get("/cases").status_code == 200
    return client, client.get_cookie("session").value


def with_cookie(app, cookie):
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def test_signing_out_ends_the_session_for_every_copy_of_its_cookie(app, session):
    user = UserFactory()
    session.commit()
    client, copied = signed_in(app, user)
    _, elsewhere = signed_in(app, user)
    client.post("/auth/logout", data={"csrf_token": csrf_token(client.get("/cases").text)})
    assert with_cookie(app, copied).get("/cases").status_code == 302
    assert with_cookie(app, elsewhere).get("/cases").status_code == 302  # every device
    assert client.get("/cases").status_code == 302


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda user, other: setattr(user, "active", False), id="deactivated"),
        pytest.param(lambda user, other: setattr(user, "role", "cx_manager"), id="role"),
        pytest.param(lambda user, other: setattr(user, "department", other), id="department"),
        pytest.param(
            lambda user, other: set_password(
                db.session, user, "another-long-password", now=utcnow()
            ),
            id="password",
        ),
    ],
)
def test_a_change_of_access_ends_every_earlier_session_at_once(app, session, change):
    user = UserFactory()
    other = DepartmentFactory(code="cards")
    session.commit()
    _, copied = signed_in(app, user)
    change(user, other)
    session.commit()
    assert with_cookie(app, copied).get("/cases").status_code == 302


def test_an_unrelated_change_keeps_the_session(app, session):
    user = UserFactory()
    session.commit()
    _, copied = signed_in(app, user)
    user.name, user.locale = "陈美", "zh_CN"
    session.commit()
    assert with_cookie(app, copied).get("/cases").status_code == 200


def test_sign_in_starts_a_new_session_with_a_new_csrf_token(app, client, session):
    """A cookie planted before sign-in (session fixation) carries nothing into the new one."""
    user = UserFactory()
    session.commit()
    before = csrf_token(client.get("/auth/login").text)
    with client.session_transaction() as planted:
        planted["planted"] = "by an attacker"
    login(client, user.email, PASSWORD)
    with client.session_transaction() as now:
        assert "planted" not in now
    assert csrf_token(client.get("/cases").text) != before
