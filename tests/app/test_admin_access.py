"""The admin console, route by route from the URL map: admins change, CX managers only read,
staff never see it; pages only admins may read (the outbox holds reset links) are 404 to
managers too. A route added later is checked without anyone listing it."""

from tests.app.conftest import rules, snapshot, url_for_rule
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import PASSWORD

CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
ADMINS_ONLY = {"admin_outbox", "admin_activity"}  # blueprints managers may not read


def signed_in(app, user):
    client = app.test_client()
    login(client, user.email, PASSWORD)
    return client, csrf_token(client.get("/cases").get_data(as_text=True))


def test_admins_change_managers_read_and_staff_never_see_the_console(app, session, world):
    app.test_client_class = FreshContextClient
    admin, _ = signed_in(app, world.admin)
    manager, manager_token = signed_in(app, world.manager)
    staff, staff_token = signed_in(app, world.staff)
    checked = []
    for rule in rules(app, lambda r: r.endpoint.split(".")[0].startswith("admin")):
        url = url_for_rule(rule, world, world.own_case.id)
        area = rule.endpoint.split(".")[0]
        if "GET" in rule.methods:
            expected = 404 if area in ADMINS_ONLY else admin.get(url).status_code
            assert manager.get(url).status_code == expected, rule.endpoint
            assert staff.get(url).status_code == 404, rule.endpoint
        for method in sorted(rule.methods & CHANGING):
            before = snapshot()
            refused = 404 if area in ADMINS_ONLY else 403
            answer = manager.open(url, method=method, data={"csrf_token": manager_token})
            assert answer.status_code == refused, (method, rule.endpoint)
            answer = staff.open(url, method=method, data={"csrf_token": staff_token})
            assert answer.status_code == 404, (method, rule.endpoint)
            assert snapshot() == before, rule.endpoint
        checked.append(rule.endpoint)
    assert len(checked) >= 10
