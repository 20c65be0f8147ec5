"""API keys in the admin console: the secret shown once and kept only as a hash, scopes in
words, revocation after a question, the API refusing a revoked key; each on the audit log."""

import hashlib
import json
import re

import pytest
import sqlalchemy as sa

from app.models import ApiKey, AuditEntry
from app.services.accounts.api_keys import create_api_key
from tests.app.conftest import row_counts
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import PASSWORD, UserFactory

SECRET = re.compile(r">(tl_[\w-]+)</textarea>")


@pytest.fixture
def admin(app, session):
    app.test_client_class = FreshContextClient
    user = UserFactory(role="admin", department=None)
    session.commit()
    client = app.test_client()
    login(client, user.email, PASSWORD)
    client.user = user
    return client


def create(admin, name="crm", scopes=("cases:read",)):
    token = csrf_token(admin.get("/admin/api-keys/new").text)
    return admin.post(
        "/admin/api-keys/new", data={"name": name, "scopes": list(scopes), "csrf_token": token}
    )


def cases_api(client, secret):
    return client.get("/api/v1/cases", headers={"Authorization": f"Bearer {secret}"})


def logged(session):
    session.expire_all()
    return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq)))


@pytest.mark.parametrize(
    ("name", "scopes", "field_error"),
    [
        ("", ("cases:read",), "This field is required."),
        ("core banking", ("cases:read",), "Letters, digits, _ . - only."),
        ("x" * 81, ("cases:read",), "Field cannot be longer than 80 characters."),
        ("crm", (), "Tick at least one."),
        ("crm", ("cases:delete",), "is not a valid choice"),
        ("bi", ("cases:read",), "Another API key has this name."),
    ],
)
def test_a_wrong_key_form_says_so_beside_the_field_and_stores_nothing(
    admin, session, name, scopes, field_error
):
    create_api_key(session, "bi")
    session.commit()
    before = row_counts(session)
    page = create(admin, name, scopes)
    assert page.status_code == 200 and field_error in page.text
    assert 'role="alert"' in page.text and "tl_" not in page.text
    assert row_counts(session) == before


def test_the_form_offers_every_scope_in_words_the_usual_two_ticked(admin):
    page = admin.get("/admin/api-keys/new").text
    ticked = re.findall(r'<input checked[^>]*value="([^"]+)"', page)
    assert sorted(ticked) == ["events:write", "metrics:read"]
    for words in ("Send touchpoint events", "Read the metrics", "Read cases",
                  "Change the status of cases"):  # fmt: skip
        assert words in page
    boxes = page.split("What the key may do", 1)[1].split("</fieldset>", 1)[0]
    assert "required" not in boxes  # no box must be ticked alone
    assert "events:write<" not in page  # the codes are the values, never the words


def test_the_secret_is_shown_once_and_only_its_hash_is_kept(app, admin, session):
    answer = create(admin, "crm", ("cases:read", "cases:write"))
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert "it will not be shown again" in answer.text
    [secret] = SECRET.findall(answer.text)

    key = session.scalar(sa.select(ApiKey))
    assert key.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert key.prefix == secret[:10] and key.scopes == ["cases:read", "cases:write"]
    row = json.dumps([str(getattr(key, c.key)) for c in ApiKey.__table__.columns])
    assert secret not in row
    for path in ("/admin/api-keys", "/admin/api-keys/new", f"/admin/api-keys/{key.id}/revoke",
                 "/admin/users", "/admin/activity"):  # fmt: skip
        assert secret not in admin.get(path).text, path
    cookie = admin.get_cookie("session").value
    stored = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert secret not in json.dumps(stored) and "_flashes" not in stored

    assert cases_api(app.test_client(), secret).status_code == 200
    [entry] = [e for e in logged(session) if e.action == "api_key.create"]
    assert (entry.actor, entry.subject) == (f"user:{admin.user.id}", f"api_key:{key.id}")
    assert entry.detail == {"name": "crm", "scopes": ["cases:read", "cases:write"]}
    everything = json.dumps([(e.actor, e.subject, e.detail) for e in logged(session)])
    assert secret not in everything and key.key_hash not in everything


def test_revoking_asks_first_then_the_api_refuses_the_key(app, admin, session):
    [secret] = SECRET.findall(create(admin, "crm").text)
    key = session.scalar(sa.select(ApiKey))
    question = admin.get(f"/admin/api-keys/{key.id}/revoke")
    assert "Revoke crm?" in question.text and "Yes, revoke crm" in question.text
    assert '<details class="danger-zone' in question.text  # behind its own button
    assert cases_api(app.test_client(), secret).status_code == 200  # asking changed nothing

    done = admin.post(
        f"/admin/api-keys/{key.id}/revoke", data={"csrf_token": csrf_token(question.text)}
    )
    assert done.status_code == 302 and done.location == "/admin/api-keys"
    assert cases_api(app.test_client(), secret).status_code == 401
    listed = admin.get("/admin/api-keys").text
    assert "the API refuses it within seconds" in listed and "revoked 20" in listed
    page = admin.get(f"/admin/api-keys/{key.id}/revoke").text
    assert "Revoked on" in page and "Yes, revoke" not in page
    assert [(e.action, e.detail) for e in logged(session) if e.action.startswith("api_key")] == [
        ("api_key.create", {"name": "crm", "scopes": ["cases:read"]}),
        ("api_key.revoke", {"name": "crm"}),
    ]


def test_the_list_shows_keys_a_page_at_a_time_working_ones_first(app, admin, session):
    for n in range(26):
        create_api_key(session, f"system-{n:02d}", ("metrics:read",))
    create_api_key(session, "aaa-revoked")
    session.commit()
    create(admin, "zzz-used", ("cases:read",))
    session.commit()
    [secret] = SECRET.findall(create(admin, "zzz-used-too", ("cases:read",)).text)
    cases_api(app.test_client(), secret)
    old = session.scalar(sa.select(ApiKey).where(ApiKey.name == "aaa-revoked"))
    token = csrf_token(admin.get(f"/admin/api-keys/{old.id}/revoke").text)
    admin.post(f"/admin/api-keys/{old.id}/revoke", data={"csrf_token": token})

    assert "aaa-revoked is revoked" in admin.get("/admin/api-keys").text  # the flash, once
    first = admin.get("/admin/api-keys").text
    assert "Page 1 of 2" in first and first.count("<tr>") == 1 + 25
    assert "Read the metrics" in first and "metrics:read" not in first
    assert "aaa-revoked" not in first and "never" in first
    second = admin.get("/admin/api-keys?page=2").text
    assert "zzz-used-too" in second and "aaa-revoked" in second
    used = second.split("zzz-used-too", 1)[1].split("</tr>", 1)[0]
    assert "never" not in used and " UTC" in used
    assert second.index("zzz-used-too") < second.index("aaa-revoked")


def test_managers_see_the_keys_without_a_way_to_change_them(app, session):
    app.test_client_class = FreshContextClient
    manager = UserFactory(role="cx_manager", department=None)
    key, _secret = create_api_key(session, "crm")
    session.commit()
    client = app.test_client()
    login(client, manager.email, PASSWORD)
    assert "crm" in client.get("/admin/api-keys").text
    assert "New API key</a>" not in client.get("/admin/api-keys").text
    assert "Yes, revoke" not in client.get(f"/admin/api-keys/{key.id}/revoke").text
    assert "Create the key" not in client.get("/admin/api-keys/new").text
