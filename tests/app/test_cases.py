import sqlalchemy as sa

from app.models import Case, CaseEvent
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory


def test_staff_see_their_departments_open_cases_only(client, session, detractor_case):
    loans, cards = DepartmentFactory(code="loans"), DepartmentFactory(code="cards")
    mine, theirs = detractor_case(loans), detractor_case(cards)
    user = UserFactory(department=loans)
    session.commit()
    login(client, user.email, PASSWORD)
    html = client.get("/cases").get_data(as_text=True)
    assert f'href="/cases/{mine.id}"' in html
    assert f'href="/cases/{theirs.id}"' not in html


def test_a_guessed_case_of_another_department_is_a_404(client, session, detractor_case):
    other = detractor_case(DepartmentFactory())
    user = UserFactory()
    session.commit()
    login(client, user.email, PASSWORD)
    assert client.get(f"/cases/{other.id}").status_code == 404
    page = client.get("/cases").get_data(as_text=True)
    result = client.post(
        f"/cases/{other.id}/resolve", data={"summary": "x", "csrf_token": csrf_token(page)}
    )
    assert result.status_code == 404


def test_managers_see_every_department(client, session, detractor_case):
    cases = [detractor_case(DepartmentFactory()) for _ in range(2)]
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    html = client.get("/cases").get_data(as_text=True)
    assert all(f'href="/cases/{case.id}"' in html for case in cases)


def test_the_case_page_escapes_the_comment(client, session, detractor_case):
    case = detractor_case()
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_note_and_a_resolution_are_written_to_the_timeline(client, session, detractor_case):
    case = detractor_case()
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    token = csrf_token(page)
    client.post(f"/cases/{case.id}/notes", data={"note": "Called, no answer", "csrf_token": token})
    done = client.post(
        f"/cases/{case.id}/resolve", data={"summary": "Refunded the fee", "csrf_token": token}
    )
    assert done.status_code == 302
    session.expire_all()
    events = session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).all()
    assert [(e.kind, e.to_status, e.note) for e in events] == [
        ("opened", "new", "NPS 2 ≤ 6"),
        ("note", None, "Called, no answer"),
        ("status", "resolved", "Refunded the fee"),
    ]
    assert events[1].actor_id == user.id and events[2].actor_id == user.id
    resolved = session.get(Case, case.id)
    assert resolved.status == "resolved" and resolved.resolved_at is not None
    assert f'href="/cases/{case.id}"' not in client.get("/cases").get_data(as_text=True)


def test_resolving_needs_a_summary(client, session, detractor_case):
    case = detractor_case()
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    client.post(f"/cases/{case.id}/resolve", data={"summary": "", "csrf_token": csrf_token(page)})
    session.expire_all()
    assert session.get(Case, case.id).status == "new"


def test_resolving_twice_is_refused_with_a_message(client, session, detractor_case):
    case = detractor_case()
    user = UserFactory(department=case.department)
    session.commit()
    login(client, user.email, PASSWORD)
    token = csrf_token(client.get(f"/cases/{case.id}").get_data(as_text=True))
    client.post(f"/cases/{case.id}/resolve", data={"summary": "done", "csrf_token": token})
    again = client.post(
        f"/cases/{case.id}/resolve",
        data={"summary": "again", "csrf_token": token},
        follow_redirects=True,
    )
    assert "A case that is resolved cannot become resolved." in again.get_data(as_text=True)


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
    session.commit()
    login(client, user.email, PASSWORD)
    shown = client.get(f"/cases/{consenting.id}").get_data(as_text=True)
    hidden = client.get(f"/cases/{declining.id}").get_data(as_text=True)
    assert consenting.response.customer.email in shown
    assert declining.response.customer.email not in hidden
    assert "did not agree to be contacted" in hidden
