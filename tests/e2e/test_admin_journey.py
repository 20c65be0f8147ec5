"""An admin changes a routing rule in a real browser, at a desk and on a phone: signs in, opens
the routing rules, changes a condition, tries the draft on the last 30 days, saves, and finds
the change on the rule's history. Every screen is looked at (axe, console, sideways scroll)."""

import re

import pytest

from app.models import RoutingRule, utcnow
from app.services.cases.case_routing import route_response
from app.services.feedback.survey_versions import sync_surveys
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    DepartmentFactory,
    EventFactory,
    InvitationFactory,
    TouchpointFactory,
    UserFactory,
    answer,
)
from workflows.sla import BusinessCalendar


def bank_with_history(session):
    """A rule for unhappy VIPs, and a month of answers routed by it and the catch-all."""
    sync_surveys(session)
    complaints = DepartmentFactory(code="complaints", name="Complaints", name_zh="投诉管理部")
    branch = TouchpointFactory(code="branch_visit", name="Branch visit", name_zh="网点到访")
    session.add(
        RoutingRule(name="vip_unhappy", position=10, scores=[{"metric": "nps", "op": "<=",
                    "value": 6}], segments=["vip"], department_id=complaints.id, priority="P1")
    )  # fmt: skip
    for score, segment in [(2, "vip"), (5, "vip"), (6, "vip"), (3, "mass"), (9, "vip")]:
        customer = CustomerFactory(segment=segment)
        invitation = InvitationFactory(event=EventFactory(customer=customer, touchpoint=branch))
        response_id = answer(session, invitation, {"nps": score, "comment": "Slow service"})
        route_response(session, response_id, now=utcnow(), calendar=BusinessCalendar())
    admin = UserFactory(role="admin", department=None, email="li.na@bank.example.com")
    session.commit()
    return admin


def open_menu(page, width):
    """The navigation: a rail beside the page on a desk, a menu to open on a phone."""
    if width < 992:
        page.get_by_text("Menu").click()
        return page.locator("main").locator("xpath=..").locator("nav")
    return page.locator("nav.staff-rail")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_edits_a_rule_tries_it_and_finds_it_on_the_history(
    session, live_server, journey, width
):
    admin = bank_with_history(session)
    walk = journey("admin-rule", width)
    page = walk.page
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))  # the app has none

    page.goto(f"{live_server}/auth/login?lang=en")
    walk.look("sign-in")
    page.get_by_label("E-mail").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/cases"))

    open_menu(page, width).get_by_role("link", name="Routing rules").click()
    page.get_by_role("heading", name="Routing rules", level=1).wait_for()
    walk.look("rules")
    assert page.get_by_text("segment: VIP").is_visible()  # the conditions in words

    page.get_by_role("link", name="vip unhappy").click()
    page.get_by_role("heading", name="vip unhappy").wait_for()
    walk.look("rule")
    scores = page.get_by_label("Scores")
    assert scores.input_value() == "nps<=6"
    scores.fill("nps<=4")
    page.get_by_role("button", name="Try on the last 30 days").click()
    page.get_by_role("heading", name="Tried on the last 30 days").wait_for()
    walk.look("rule-tried")
    tried = page.locator("#trial").inner_text()
    assert "first match for 1 of the 5 responses routed" in tried  # only the VIP's 2 is ≤ 4
    assert page.get_by_label("Scores").input_value() == "nps<=4"  # the draft kept, not saved

    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Rule saved.").wait_for()
    walk.look("rules-saved")
    assert page.get_by_text("NPS ≤ 4").is_visible()

    page.get_by_role("link", name="vip unhappy").click()
    history = page.locator("section[aria-labelledby=history]")
    history.get_by_text("NPS ≤ 6 → NPS ≤ 4").wait_for()
    assert admin.email in history.inner_text()
    walk.look("rule-history")
