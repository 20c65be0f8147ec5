"""Security headers and cookie flags: every page, error and static file says what it allows."""

import re
from pathlib import Path

from app.factory import create_app
from app.services.accounts.users import create_user
from app.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import app_config, login
from tests.factories import PASSWORD, UserFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"


def test_every_kind_of_response_carries_the_headers(client):
    for path in ("/auth/login", "/static/touchloop.css", "/no-such-page", "/s/forged"):
        with client.get(path) as response:
            headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "Strict-Transport-Security" not in headers  # plain-http development


def test_the_policy_forbids_inline_script_and_framing():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script_style_or_handlers():
    """What the policy forbids must not be in the templates, or the pages would break."""
    for template in TEMPLATES.rglob("*.html"):
        if template.parent.name == "email":
            continue  # e-mails are not served under the policy
        text = template.read_text(encoding="utf-8")
        # Scripts only from files; a JSON data block is data, which the policy does not run.
        assert not re.search(r"<script(?![^>]*\s(src=|type=\"application/json\"))", text), template
        assert not re.search(r"\sstyle=", text), template
        assert not re.search(r"\son[a-z]+=", text), template


def test_session_cookie_is_httponly_and_lax(client, session):
    user = UserFactory()
    session.commit()
    login(client, user.email, PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_https_deployments_get_secure_cookies_and_hsts(monkeypatch, database_url):
    monkeypatch.setenv("BASE_URL", "https://feedback.bank.example")
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = {k: v for k, v in app_config(database_url).items() if k != "BASE_URL"}
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    with app.test_client().get("/static/touchloop.css") as response:
        headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_passwords_are_hashed_with_scrypt(session):
    user = create_user(session, email="a@bank.example", password="long enough pw", role="admin")
    assert user.password_hash.startswith("scrypt:")
