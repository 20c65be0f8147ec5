"""Security headers and cookie flags: every page, error and static file says what it allows."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app.config import DEVELOPMENT_SECRET_KEY, UnsafeSettings
from app.factory import create_app
from app.services.accounts.users import create_user
from app.web.headers import CONTENT_SECURITY_POLICY
from tests.conftest import REPO, app_config, free_port, login
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


def test_pages_exports_and_the_api_are_never_cached_but_static_files_may_be(
    client, session, api_headers
):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    for path in ("/cases", "/dashboard", "/dashboard/export/cases.csv", "/auth/login"):
        with client.get(path) as response:
            assert response.headers.get_all("Cache-Control") == ["no-store"], path
    with client.get("/api/v1/metrics/closed-loop", headers=api_headers) as response:
        assert response.headers["Cache-Control"] == "no-store"
    with client.get("/static/touchloop.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_every_header_is_sent_once(client, session):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    for path in ("/dashboard/export/responses.csv", "/dashboard", "/cases", "/s/forged"):
        with client.get(path) as response:
            names = [name.lower() for name, _ in response.headers]
        assert len(names) == len(set(names)), path
        assert response.headers["Content-Type"].count("charset") <= 1, path


def production(database_url, **settings):
    """The test app's settings as a production start would have them (no TESTING mark)."""
    return {**app_config(database_url), "TESTING": False, **settings}


@pytest.mark.parametrize("secret", [None, "", DEVELOPMENT_SECRET_KEY])
def test_production_refuses_to_start_without_a_secret_key_of_its_own(database_url, secret):
    with pytest.raises(UnsafeSettings, match="SECRET_KEY"):
        create_app(production(database_url, SECRET_KEY=secret))


def test_production_refuses_the_development_outbox_page(database_url):
    with pytest.raises(UnsafeSettings, match="DEV_OUTBOX_PAGE"):
        create_app(production(database_url, DEV_OUTBOX_PAGE=True))


def test_production_with_its_own_key_starts_without_the_outbox_page(database_url):
    app = create_app(production(database_url, SECRET_KEY="a-long-random-production-key"))
    assert "dev.outbox" not in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_development_is_said_out_loud_and_then_takes_the_defaults(monkeypatch, database_url):
    monkeypatch.setenv("TOUCHLOOP_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = production(database_url, DEV_OUTBOX_PAGE=True)
    del config["SECRET_KEY"]
    app = create_app(config)
    assert app.config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY
    assert "dev.outbox" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_the_production_server_names_no_version(app):
    """gunicorn, as the README runs it, gives its name only: no version to look flaws up by."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "a-long-random-production-key",
    }
    env.pop("TOUCHLOOP_ENV", None)
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        headers = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/login") as answer:
                    headers = answer.headers
                break
            except OSError:
                time.sleep(0.1)
        assert headers is not None, "gunicorn did not answer"
        assert headers["Server"] == "gunicorn" and "X-Powered-By" not in headers
    finally:
        server.terminate()
        server.wait(timeout=10)
