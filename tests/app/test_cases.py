"""The staff side through HTTP: who sees what, every action, the timeline, conflicts."""

import pytest
import sqlalchemy as sa

from app.models import Case, CaseEvent, utcnow
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory


@pytest.fixture
def staff(client, session, on_case_page):
    """A staff member signed in, with one case of their department; `act` posts a case form."""
    case, user, _page = on_case_page

    class Staff:
        def __init__(self):
            self.case, self.user = case, user

        def act(self, action, follow=False, **fields):
            page = client.get(f"/cases/{case.id}").get_data(as_text=True)
            data = {"csrf_token": csrf_token(page), "version": self.reload().version, **fields}
            return client.post(f"/cases/{case.id}/{action}", data=data, follow_redirects=follow)

        def reload(self):
            session.expire_all()
            return session.get(Case, case.id)

        def timeline(self):
            session.expire_all()
            rows = session.scalars(
                sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
            )
            return [(e.kind, e.to_status, e.note) for e in rows]

    return Staff()


def test_staff_see_their_departments_cases_only(client, session, detractor_case):
    loans, cards = DepartmentFactory(code="loans"), DepartmentFactory(code="cards")
    mine, theirs = detractor_case(loans), detractor_case(cards)
    user = UserFactory(department=loans)
    session.commit()
    login(client, user.email, PASSWORD)
    html = client.get("/cases").get_data(as_text=True)
    assert f'href="/cases/{mine.id}"' in html
    assert f'href="/cases/{theirs.id}"' not in html


@pytest.mark.parametrize(
    "action",
    ["notes", "status", "contact", "resolve", "reassign", "waiting", "assign", "cancel", "reopen"],
)
def test_another_departments_case_is_a_404_for_every_action(
    client, session, detractor_case, action
):
    other = detractor_case(DepartmentFactory())
    user = UserFactory()
    session.commit()
    login(client, user.email, PASSWORD)
    assert client.get(f"/cases/{other.id}").status_code == 404
    token = csrf_token(client.get("/cases").get_data(as_text=True))
    result = client.post(f"/cases/{other.id}/{action}", data={"csrf_token": token, "version": 1})
    assert result.status_code == 404


def test_managers_see_every_department(client, session, detractor_case):
    cases = [detractor_case(DepartmentFactory()) for _ in range(2)]
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get("/cases").get_data(as_text=True)
    assert all(f'href="/cases/{case.id}"' in html for case in cases)


def test_the_case_page_escapes_the_comment_and_shows_the_answers(client, staff):
    html = client.get(f"/cases/{staff.case.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert "how likely are you to recommend us" in html  # the answered question, labelled
    assert "2 / 10" in html  # the score out of its scale
    assert "left" in html  # time left on the SLA


def test_the_lifecycle_is_written_to_the_timeline(staff):
    staff.act("status", to_status="acknowledged")
    staff.act("status", to_status="in_progress")
    staff.act("contact", channel="phone", note="Called her back")
    staff.act("notes", note="Fee to be refunded")
    done = staff.act("resolve", root_cause="fees_and_rates", summary="Refunded the fee")
    assert done.status_code == 302
    assert staff.timeline() == [
        ("opened", "new", "NPS 2 ≤ 6"),
        ("status", "acknowledged", ""),
        ("status", "in_progress", ""),
        ("contacted", None, "Called her back"),
        ("note", None, "Fee to be refunded"),
        ("status", "resolved", "Refunded the fee"),
    ]
    case = staff.reload()
    assert (case.status, case.root_cause, case.resolution_summary) == (
        "resolved",
        "fees_and_rates",
        "Refunded the fee",
    )
    assert case.first_contact_at is not None and case.resolved_at is not None
    staff.act("reopen", reason="Fee charged again")
    assert staff.reload().reopen_count == 1 and staff.reload().resolved_at is None
    assert staff.timeline()[-1] == ("status", "reopened", "Fee charged again")


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("resolve", {"root_cause": "", "summary": "Refunded"}, "Choose the root cause."),
        ("resolve", {"root_cause": "fees_and_rates", "summary": ""}, "Say what was done"),
        ("resolve", {"root_cause": "luck", "summary": "x"}, "Not a valid choice"),
        ("status", {"to_status": "closed"}, "A case that is new cannot become closed."),
        ("status", {"to_status": "resolved"}, "Please fill in the form completely."),
        ("status", {"to_status": "cancelled"}, "Please fill in the form completely."),
        ("cancel", {"reason": " ", "confirm": "y"}, "Say why the case is cancelled."),
        ("cancel", {"reason": "Duplicate"}, "Tick the box to confirm."),
        ("reopen", {"reason": "Charged again"}, "A case that is new cannot become reopened."),
        ("reassign", {"department_id": "", "reason": "x"}, "Choose the department to send it to."),
        ("reassign", {"department_id": "0", "reason": "x"}, "Not a valid choice"),
        ("contact", {"channel": ""}, "Choose how you reached the customer."),
        ("contact", {"channel": "pigeon"}, "Not a valid choice"),
        ("notes", {"note": ""}, "Write the note first."),
    ],
)
def test_refused_actions_say_why_and_change_nothing(staff, action, fields, message):
    result = staff.act(action, follow=True, **fields)
    assert message in result.get_data(as_text=True)
    assert staff.reload().status == "new" and len(staff.timeline()) == 1


def test_a_form_sent_back_keeps_what_was_typed_with_the_error_beside_the_field(staff):
    page = staff.act("resolve", root_cause="", summary="Refunded the card fee").get_data(
        as_text=True
    )
    form = page.split('id="action-resolve"')[1].split("</details>")[0]
    assert " open>" in form.split(">")[0] + ">"  # the form is open where the error is
    assert "Refunded the card fee</textarea>" in form
    assert 'class="form-select is-invalid"' in form and "Choose the root cause." in form
    assert "Choose the root cause." in page.split('id="action-resolve"')[0]  # said at the top too


def test_reopening_needs_a_reason(session, staff):
    staff.act("resolve", root_cause="fees_and_rates", summary="Refunded the fee")
    page = staff.act("reopen", reason="").get_data(as_text=True)
    assert "Say why the case is reopened." in page
    assert staff.reload().status == "resolved"


def test_no_contact_is_recorded_without_consent(session, staff):
    staff.case.response.consent_to_contact = False
    session.commit()
    result = staff.act("contact", follow=True, channel="phone")
    assert "did not agree to be contacted" in result.get_data(as_text=True)
    assert staff.reload().first_contact_at is None


def test_a_reassigned_case_leaves_the_inbox_with_its_reason(client, session, staff):
    cards = DepartmentFactory(code="cards")
    session.commit()
    staff.act("reassign", department_id=str(cards.id), reason="Card fee, not a branch matter")
    assert staff.reload().department_id == cards.id
    assert client.get(f"/cases/{staff.case.id}").status_code == 404
    event = session.scalars(sa.select(CaseEvent).where(CaseEvent.kind == "reassigned")).one()
    assert event.note == "Card fee, not a branch matter"
    assert event.data["to_department"] == cards.id


def test_two_people_changing_one_case_get_a_conflict_not_a_lost_update(client, staff):
    page = client.get(f"/cases/{staff.case.id}").get_data(as_text=True)
    stale = {"csrf_token": csrf_token(page), "version": staff.reload().version}
    staff.act("status", to_status="acknowledged")  # someone else, a moment earlier
    result = client.post(
        f"/cases/{staff.case.id}/cancel",
        data={**stale, "reason": "duplicate", "confirm": "y"},
        follow_redirects=True,
    )
    html = result.get_data(as_text=True)
    assert "Someone else changed this case" in html
    assert "duplicate</textarea>" in html  # what was typed is not lost
    assert staff.reload().status == "acknowledged"


def test_bulk_acknowledge_touches_only_the_users_new_cases(client, session, detractor_case, staff):
    mine = detractor_case(staff.case.department)
    theirs = detractor_case(DepartmentFactory())
    session.commit()
    token = csrf_token(client.get("/cases").get_data(as_text=True))
    ids = [str(staff.case.id), str(mine.id), str(theirs.id)]
    client.post("/cases/acknowledge", data={"csrf_token": token, "case_id": ids})
    session.expire_all()
    statuses = {c.id: c.status for c in session.scalars(sa.select(Case))}
    assert statuses == {staff.case.id: "acknowledged", mine.id: "acknowledged", theirs.id: "new"}


def test_the_inbox_filters_counts_and_pages(client, session, detractor_case, staff):
    for _ in range(30):
        detractor_case(staff.case.department)
    overdue = detractor_case(staff.case.department)
    overdue.due_resolve_at = utcnow().replace(year=2020)
    overdue.priority = "P1"
    session.commit()
    first = client.get("/cases").get_data(as_text=True)
    assert "Page 1 of 2" in first and "32 cases" in first
    assert first.index(f'href="/cases/{overdue.id}"') < first.index(
        f'href="/cases/{staff.case.id}"'
    )
    assert "overdue by" in first
    only_overdue = client.get("/cases?overdue=1").get_data(as_text=True)
    assert "1 case ·" in only_overdue and f'href="/cases/{overdue.id}"' in only_overdue
    p1 = client.get("/cases?priority=P1").get_data(as_text=True)
    assert "1 case ·" in p1
    second = client.get("/cases?overdue=&priority=P2&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert "priority=P2" in second.split("Previous")[0].rsplit("href=", 1)[1]  # filters kept


def test_signed_out_visitors_are_sent_to_the_login(client):
    result = client.get("/cases")
    assert result.status_code == 302 and "/auth/login" in result.headers["Location"]


def test_a_wrong_password_does_not_sign_in(client, session):
    user = UserFactory()
    session.commit()
    page = client.get("/auth/login").get_data(as_text=True)
    result = client.post(
        "/auth/login",
        data={"email": user.email, "password": "wrong password", "csrf_token": csrf_token(page)},
    )
    assert result.status_code == 200 and "not right" in result.get_data(as_text=True)
    assert client.get("/cases").status_code == 302


def test_contact_details_are_shown_only_with_consent(client, session, detractor_case):
    consenting, declining = detractor_case(), detractor_case()
    declining.response.consent_to_contact = False
    user = UserFactory(role="cx_manager", department=None)
    consenting.assignee = declining.assignee = user  # the case owner: see test_privacy.py
    session.commit()
    login(client, user.email, PASSWORD)
    shown = client.get(f"/cases/{consenting.id}").get_data(as_text=True)
    hidden = client.get(f"/cases/{declining.id}").get_data(as_text=True)
    assert consenting.response.customer.email in shown
    assert declining.response.customer.email not in hidden
    assert "did not agree to be contacted" in hidden


def test_refusals_are_said_in_the_staff_members_language(client, staff):
    client.get("/cases?lang=zh-CN")
    result = staff.act("status", follow=True, to_status="closed").get_data(as_text=True)
    assert "状态为“新建”的工单不能变为“已关闭”。" in result
    result = staff.act("cancel", follow=True, reason=" ", confirm="y").get_data(as_text=True)
    assert "请说明取消工单的原因。" in result


def test_the_other_text_stands_beside_its_choice_on_the_case_page(client, session, detractor_case):
    case = detractor_case(what_went_wrong=["fees", "other"], what_went_wrong__other="安装费太高")
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "What went wrong?" in html and "安装费太高" in html


def test_staff_see_what_the_customer_told_their_department_and_only_a_count_of_the_rest(
    client, session, detractor_case
):
    loans, cards = DepartmentFactory(code="loans"), DepartmentFactory(code="cards")
    first = detractor_case(loans, comment="The loan officer never called back")
    customer = first.response.customer
    elsewhere = detractor_case(cards, comment="My card was swallowed", customer=customer)
    case = detractor_case(loans, comment="Still waiting on the loan", customer=customer)
    staff_member = UserFactory(department=loans)
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()

    def history(user):
        login(client, user.email, PASSWORD)
        page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        client.post("/auth/logout", data={"csrf_token": csrf_token(page)})
        return page.split("Other answers from this customer")[1].split("</aside>")[0]

    seen_by_staff = history(staff_member)
    assert seen_by_staff.count("<li>") == 1  # the earlier loans answer, with its case
    assert "The loan officer never called back" in seen_by_staff
    assert f'href="/cases/{first.id}"' in seen_by_staff
    assert "My card was swallowed" not in seen_by_staff
    assert f'href="/cases/{elsewhere.id}"' not in seen_by_staff
    assert "1 more answer went to another department." in seen_by_staff
    seen_by_manager = history(manager)
    assert seen_by_manager.count("<li>") == 2
    assert "My card was swallowed" in seen_by_manager
    assert f'href="/cases/{elsewhere.id}"' in seen_by_manager
    assert "another department" not in seen_by_manager
