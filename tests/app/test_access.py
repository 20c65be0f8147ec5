"""Access and forgery, route by route: the routes are enumerated from the URL map, so a route
added later is checked (or fails the test until someone says how it should be checked)."""

import sqlalchemy as sa

from app.models import AuditEntry, Case, CaseEvent
from tests.app.conftest import rules, snapshot, url_for_rule
from tests.conftest import csrf_token, login
from tests.factories import (
    PASSWORD,
    UserFactory,
)

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
# Bank systems' endpoints take only a bearer key (no cookie, so nothing to forge).
BEARER_ONLY = {"api"}
# Providers' callbacks hold no cookie either: each proves itself by a signature or its address,
# and their own tests check the refusals (tests/app/test_sms_hooks.py, test_wechat_hooks.py).
PROVIDER_CALLBACKS = {"sms_hooks", "wechat_hooks"}
# The signed token is the credential; mail clients' one-click POST carries no form (RFC 8058).
CSRF_EXEMPT = {"survey.unsubscribe"}
# Case routes without a case id; each is checked for cross-department access below.
CASE_COLLECTIONS = {"cases.inbox_page", "cases.acknowledge", "cases_api.list_cases"}
XSS = '<script>alert(1)</script> <a href="javascript:alert(2)">点我</a> 服务太慢了'
FORM = {"version": "1", "note": "x", "to_status": "acknowledged", "channel": "phone",
        "root_cause": "other", "summary": "x", "department_id": "1", "reason": "x",
        "nps": "5", "action": "save", "case_id": "1"}  # fmt: skip


def test_every_state_changing_form_refuses_a_post_without_csrf_token(app, client, world):
    login(client, world.admin.email, PASSWORD)
    checked = []
    for rule in rules(app, lambda r: r.methods & STATE_CHANGING):
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in BEARER_ONLY | PROVIDER_CALLBACKS or rule.endpoint in CSRF_EXEMPT:
            continue
        url = url_for_rule(rule, world, world.own_case.id)
        for method in sorted(rule.methods & STATE_CHANGING):
            before = snapshot()
            if url.startswith("/api/"):
                result = client.open(url, method=method, json={"to_status": "acknowledged"})
            else:
                result = client.open(url, method=method, data=FORM)
            assert result.status_code == 400, (rule.endpoint, result.status_code)
            assert snapshot() == before, rule.endpoint
            checked.append(rule.endpoint)
    assert {"auth.login", "auth.logout", "auth.forgot_password", "auth.reset_password",
            "cases.note", "survey.answer", "survey.draft", "cases_api.post_transition",
            "admin_touchpoints.touchpoint_edit"} <= set(checked)  # fmt: skip
    print(f"CSRF: {len(checked)} state-changing routes refused without a token")


def case_routes(app):
    return rules(app, lambda r: "case_id" in r.arguments)


def test_every_case_route_is_known_to_the_access_tests(app):
    """A new case route without a case id must be added to CASE_COLLECTIONS and checked."""
    for rule in rules(app, lambda r: r.endpoint.split(".")[0] in ("cases", "cases_api")):
        assert "case_id" in rule.arguments or rule.endpoint in CASE_COLLECTIONS, rule.endpoint


def test_staff_cannot_read_or_change_another_departments_case_by_any_route(
    app, client, session, world
):
    login(client, world.staff.email, PASSWORD)
    token = csrf_token(client.get("/cases").get_data(as_text=True))
    target = world.other_case
    before = snapshot()
    checked = []
    for rule in case_routes(app):
        url = url_for_rule(rule, world, target.id)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if url.startswith("/api/"):
                body = {"to_status": "acknowledged", "version": target.version, "note": "x"}
                result = client.open(url, method=method, json=body, headers={"X-CSRFToken": token})
            else:
                result = client.open(url, method=method, data={**FORM, "csrf_token": token})
            assert result.status_code == 404, (rule.endpoint, method, result.status_code)
            assert world.other_case.response.comment not in result.get_data(as_text=True)
            checked.append(f"{method} {rule.endpoint}")
    client.post("/cases/acknowledge", data={"case_id": str(target.id), "csrf_token": token})
    inbox = client.get("/cases?status=all").get_data(as_text=True)
    listed = client.get("/api/v1/cases?status=all").get_json()["cases"]
    assert f'href="/cases/{target.id}"' not in inbox
    assert target.id not in [case["id"] for case in listed]
    after = snapshot()
    assert after["case_file"] == before["case_file"] and after["case_event"] == before["case_event"]
    viewed = session.scalars(sa.select(AuditEntry.subject).where(AuditEntry.action == "case.view"))
    assert f"case:{target.id}" not in set(viewed)
    assert len(checked) >= 7
    print(f"access: {len(checked)} case routes + {len(CASE_COLLECTIONS)} collections refused")


def test_identity_comes_from_the_session_never_from_the_body(client, session, world):
    login(client, world.staff.email, PASSWORD)
    case = world.own_case
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    forged = {"actor_id": world.admin.id, "user_id": world.admin.id, "email": world.admin.email,
              "assignee_id": world.admin.id, "department_id": world.theirs.id}  # fmt: skip
    data = {"csrf_token": csrf_token(page), "note": "mine", "version": case.version, **forged}
    client.post(f"/cases/{case.id}/notes", data=data)
    session.expire_all()
    note = session.scalar(sa.select(CaseEvent).where(CaseEvent.kind == "note"))
    assert note.actor_id == world.staff.id
    assert session.get(Case, case.id).department_id == world.mine.id
    refused = client.post(
        f"/api/v1/cases/{case.id}/transitions",
        json={"to_status": "acknowledged", "version": case.version, "actor_id": world.admin.id},
        headers={"X-CSRFToken": csrf_token(page)},
    )
    assert refused.status_code == 422


def test_hostile_and_chinese_text_renders_escaped_on_staff_pages(client, session, detractor_case):
    case = detractor_case(comment=XSS)
    case.response.touchpoint.name = XSS
    case.response.customer.name = XSS
    user = UserFactory(department=case.department)
    case.assignee = user
    session.commit()
    login(client, user.email, PASSWORD)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    client.post(f"/cases/{case.id}/notes", data={"csrf_token": csrf_token(page), "note": XSS,
                                                 "version": case.version})  # fmt: skip
    for html in (client.get(f"/cases/{case.id}").get_data(as_text=True),
                 client.get("/cases").get_data(as_text=True)):  # fmt: skip
        assert "<script>alert(1)" not in html and 'href="javascript:' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "服务太慢了" in html


def test_hostile_and_chinese_text_renders_escaped_on_the_survey_page(app, client, world):
    path = f"/s/{world.token}"
    page = client.get(path).get_data(as_text=True)
    client.post(path, data={"csrf_token": csrf_token(page), "comment": XSS, "action": "save"})
    html = client.get(path).get_data(as_text=True)
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "服务太慢了" in html
