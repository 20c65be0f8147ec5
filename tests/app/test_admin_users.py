"""Staff users in the admin console: a list to search, an invitation e-mailed through the outbox
with a single-use link to choose a password, edits and deactivation that take effect at once,
each on the audit log without a secret."""

import json
import re
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.models import AuditEntry, OutboxMessage, PasswordReset, User
from app.services.accounts import password_reset
from app.services.accounts.users import NO_PASSWORD, authenticate
from app.worker.jobs import deliver_outbox
from tests.app.conftest import row_counts
from tests.conftest import FreshContextClient, body_of, csrf_token, login
from tests.factories import PASSWORD, DepartmentFactory, UserFactory

NEW_PASSWORD = "a first passphrase"
LINK = re.compile(r"/auth/reset/[\w-]+")


@pytest.fixture
def app(app):
    """Each request in an app context of its own, as a server runs it."""
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture
def bank(session):
    """Two departments, a retired one, and an admin signed in on a client of their own."""
    loans = DepartmentFactory(code="loans", name="Loans", name_zh="贷款部")
    cards = DepartmentFactory(code="cards", name="Cards", name_zh="信用卡部")
    retired = DepartmentFactory(code="old", name="Old branch", active=False)
    admin = UserFactory(email="ada@bank.example.com", role="admin", department=None,
                        name="Ada Admin")  # fmt: skip
    session.commit()
    return type("Bank", (), locals())


@pytest.fixture
def admin(app, bank):
    client = app.test_client()
    login(client, bank.admin.email, PASSWORD)
    return client


def post(client, path, page=None, **data):
    """Post a form like a browser: with the CSRF token of the page it is on."""
    token = csrf_token(client.get(page or path).text)
    return client.post(path, data={**data, "csrf_token": token})


def invitation(department, **changes):
    fields = {
        "email": "Mei.Chen@Bank.example.com",
        "name": "Mei Chen",
        "role": "staff",
        "department_id": str(department.id),
        "locale": "en",
        "timezone": "",
    }
    return {**fields, **changes}


def invite(admin, department, **changes):
    return post(admin, "/admin/users/invite", **invitation(department, **changes))


def user_named(session, email):
    session.expire_all()
    return session.scalar(sa.select(User).where(User.email == email))


def newest_link(session, email):
    session.expire_all()
    mails = session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.kind == "staff_invite", OutboxMessage.recipient == email)
        .order_by(OutboxMessage.id)
    ).all()
    return LINK.search(mails[-1].body_text).group()


def choose_password(app, path, password=NEW_PASSWORD):
    """The invitee, on a browser of their own, sets a password through the link."""
    browser = app.test_client()
    return post(browser, path, page="/auth/login", password=password, confirm=password)


def signs_in(app, email, password):
    browser = app.test_client()
    page = browser.get("/auth/login").text
    data = {"email": email, "password": password, "csrf_token": csrf_token(page)}
    return browser.post("/auth/login", data=data).status_code == 302


def audit_entries(session, action=None):
    session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.seq)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))


def heading(page):
    """The words around a page's heading: its title and what stands beside it."""
    return re.sub(r"<[^>]+>", " ", page.partition("<h1")[2][:400])


def table_text(page):
    """The rows of a list page as text, without markup (a code in an option value is fine)."""
    body = page.partition("<tbody>")[2].partition("</tbody>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_list_finds_users_by_e_mail_or_name_role_and_status_in_words(app, admin, session, bank):
    UserFactory(email="li.wei@bank.example.com", name="Li Wei", department=bank.loans,
                heads_department=True, timezone="Europe/London")  # fmt: skip
    UserFactory(email="cx@bank.example.com", name="Chen Jing", role="cx_manager",
                department=None, locale="zh_CN")  # fmt: skip
    UserFactory(email="new@bank.example.com", name="Newcomer", password_hash=NO_PASSWORD)
    UserFactory(email="gone@bank.example.com", name="Gone Away", active=False)
    session.commit()

    everyone = table_text(admin.get("/admin/users").text)
    assert (
        "Li Wei li.wei@bank.example.com Staff Loans head of department English Europe/London Active"
        in everyone
    )
    assert "Chen Jing cx@bank.example.com CX manager – Simplified Chinese the bank's" in everyone
    assert "Ada Admin" in everyone and " Admin " in everyone
    assert "cx_manager" not in everyone and "zh_CN" not in everyone

    def found(**query):
        rows = table_text(admin.get("/admin/users", query_string=query).text)
        return set(re.findall(r"[\w.]+@bank\.example\.com", rows))

    assert found(q="LI.W") == {"li.wei@bank.example.com"}
    assert found(q="chen") == {"cx@bank.example.com"}
    assert found(q="%") == set()  # a wildcard is a character like any other
    assert found(role="cx_manager") == {"cx@bank.example.com"}
    assert found(status="invited") == {"new@bank.example.com"}
    assert found(status="deactivated") == {"gone@bank.example.com"}
    assert "new@bank.example.com" not in found(status="active")
    assert "gone@bank.example.com" not in found(status="active")
    assert found(role="nonsense", status="nonsense", q="cx") == {"cx@bank.example.com"}
    nobody = admin.get("/admin/users?q=nobody").text
    assert "No user matches these filters." in nobody
    assert 'href="/admin/users">Show everyone' in nobody

    chinese = table_text(admin.get("/admin/users?lang=zh_CN").text)
    assert "贷款部" in chinese and "客户体验经理" in chinese and "员工" in chinese
    assert "管理员" in chinese


def test_the_list_comes_a_page_at_a_time(app, admin, session, bank):
    for n in range(30):
        UserFactory(email=f"teller{n:02d}@bank.example.com", name=f"Teller {n:02d}")
    session.commit()
    first = admin.get("/admin/users?q=teller").text
    assert first.count("Teller ") == 25 and "Page 1 of 2" in first
    second = admin.get("/admin/users?q=teller&page=2").text
    assert second.count("Teller ") == 5 and "Teller 29" in second
    assert "q=teller" in re.search(r'href="\?([^"]*page=1[^"]*)"', second).group(1)


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"email": ""}, "This field is required."),
        ({"email": "not-an-address"}, "Invalid email address."),
        ({"name": "   "}, "This field is required."),
        ({"department_id": "0"}, "Staff need a department."),
        ({"department_id": "retired"}, "Not a valid choice."),
        ({"role": "superuser"}, "Not a valid choice."),
        (
            {"role": "cx_manager", "department_id": "0", "heads_department": "y"},
            "Only a staff member of a department heads it.",
        ),
        ({"locale": "fr"}, "Not a valid choice."),
        ({"timezone": "Asia/Nowhere"}, "Use a time zone such as Asia/Shanghai"),
        ({"email": "ADA@bank.example.com"}, "A user with this e-mail exists already."),
    ],
)
def test_an_invitation_with_a_wrong_field_says_so_beside_it_and_stores_nothing(
    app, admin, session, bank, changes, field_error
):
    if changes.get("department_id") == "retired":
        changes = {**changes, "department_id": str(bank.retired.id)}
    before = row_counts(session)
    page = invite(admin, bank.loans, **changes)
    assert page.status_code == 200
    assert field_error in page.text and 'role="alert"' in page.text
    assert row_counts(session) == before


def test_an_invitation_reaches_the_invitee_in_their_language_and_lets_them_in_once(
    app, mail_app, smtp_server, admin, session, bank
):
    answer = invite(admin, bank.loans, locale="zh_CN", heads_department="y")
    invitee = user_named(session, "mei.chen@bank.example.com")
    assert answer.status_code == 302 and answer.location == f"/admin/users/{invitee.id}"
    assert (invitee.role, invitee.department_id, invitee.heads_department, invitee.locale) == (
        "staff", bank.loans.id, True, "zh_CN")  # fmt: skip
    assert invitee.password_hash == NO_PASSWORD
    assert not signs_in(app, invitee.email, "")
    assert not signs_in(app, invitee.email, NEW_PASSWORD)

    assert deliver_outbox()["emails_sent"] == 1
    [mail] = smtp_server.messages
    assert mail["To"] == invitee.email
    assert str(make_header(decode_header(mail["Subject"]))) == "欢迎使用 Touchloop：请设置您的密码"
    text, html = body_of(mail), body_of(mail, "html")
    assert "72 小时" in text and "Mei Chen" in text
    path = LINK.search(text).group()
    assert path in html

    welcome = app.test_client().get(path)
    assert welcome.status_code == 200 and "欢迎——请设置您的密码" in welcome.text
    done = choose_password(app, path)
    assert done.status_code == 302 and done.location.endswith("/auth/login")
    assert signs_in(app, invitee.email, NEW_PASSWORD)
    assert app.test_client().get(path).status_code == 404  # the link is spent
    assert choose_password(app, path, "someone else's pick").status_code == 404
    session.expire_all()
    assert check_password_hash(session.get(User, invitee.id).password_hash, NEW_PASSWORD)
    assert "Active" in table_text(admin.get("/admin/users?q=mei").text)


def test_the_set_password_page_welcomes_an_invitee_and_still_speaks_of_a_reset_otherwise(
    app, admin, session, bank
):
    invite(admin, bank.loans)
    welcome = app.test_client().get(newest_link(session, "mei.chen@bank.example.com")).text
    assert "Welcome — choose your password" in welcome and "Set a new password" not in welcome
    staff = UserFactory()
    session.commit()
    browser = app.test_client()
    post(browser, "/auth/forgot", email=staff.email)
    reset = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.kind == "password_reset"))
    page = browser.get(LINK.search(reset.body_text).group()).text
    assert "Set a new password" in page and "Welcome" not in page


def test_an_invitation_link_lasts_72_hours_and_no_longer(app, admin, session, bank):
    invite(admin, bank.loans)
    token = newest_link(session, "mei.chen@bank.example.com").removeprefix("/auth/reset/")
    sent = session.scalar(sa.select(PasswordReset.created_at))
    expires = sent + timedelta(hours=72)
    assert password_reset.open_link(session, token, now=expires - timedelta(seconds=1))
    assert password_reset.open_link(session, token, now=expires) is None


def test_resending_an_invitation_spends_the_link_sent_before(app, admin, session, bank):
    invite(admin, bank.loans)
    invitee = user_named(session, "mei.chen@bank.example.com")
    first = newest_link(session, invitee.email)
    page = f"/admin/users/{invitee.id}"
    assert post(admin, f"{page}/resend", page=page).status_code == 302
    second = newest_link(session, invitee.email)
    assert second != first
    assert app.test_client().get(first).status_code == 404
    assert app.test_client().get(second).status_code == 200
    assert choose_password(app, second).status_code == 302

    queued = row_counts(session)["outbox_message"]
    refused = post(admin, f"{page}/resend", page=page)
    assert "has not chosen a password" in admin.get(refused.location).text
    assert row_counts(session)["outbox_message"] == queued  # they have a password now
    assert [e.subject for e in audit_entries(session, "user.invite")] == [f"user:{invitee.id}"] * 2


def test_a_deactivated_invitees_link_stops_working_for_good(app, admin, session, bank):
    invite(admin, bank.loans)
    invitee = user_named(session, "mei.chen@bank.example.com")
    path, page = newest_link(session, invitee.email), f"/admin/users/{invitee.id}"
    post(admin, f"{page}/deactivate", page=page)
    assert app.test_client().get(path).status_code == 404
    assert choose_password(app, path).status_code == 404
    post(admin, f"{page}/reactivate", page=page)
    assert app.test_client().get(path).status_code == 404  # a reactivation needs a new link
    assert user_named(session, invitee.email).password_hash == NO_PASSWORD


def test_an_invited_user_cannot_sign_in_and_checking_never_fails(session, bank):
    invited = UserFactory(password_hash=NO_PASSWORD)
    session.commit()
    for attempt in ("", NO_PASSWORD, "anything at all", PASSWORD):
        assert authenticate(session, invited.email, attempt) is None


def test_deactivation_ends_every_session_at_once_and_reactivation_needs_a_new_sign_in(
    app, admin, session, bank
):
    staff = UserFactory(department=bank.loans)
    session.commit()
    browser = app.test_client()
    login(browser, staff.email, PASSWORD)
    copied = browser.get_cookie("session").value
    page = f"/admin/users/{staff.id}"

    assert post(admin, f"{page}/deactivate", page=page).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/cases").status_code == 302
    assert browser.get("/cases").status_code == 302
    assert not signs_in(app, staff.email, PASSWORD)
    assert "Deactivated" in table_text(admin.get("/admin/users?status=deactivated").text)

    assert post(admin, f"{page}/reactivate", page=page).status_code == 302
    assert thief.get("/cases").status_code == 302  # the old sessions stay ended
    assert signs_in(app, staff.email, PASSWORD)


def test_a_new_role_or_department_shows_on_the_users_next_request(app, admin, session, bank):
    staff = UserFactory(department=bank.loans, name="Li Wei")
    session.commit()
    browser = app.test_client()
    login(browser, staff.email, PASSWORD)
    assert "Loans" in heading(browser.get("/cases").text)
    assert browser.get("/admin/users").status_code == 404
    page = f"/admin/users/{staff.id}"
    fields = {"name": "Li Wei", "role": "staff", "locale": "en", "timezone": ""}

    post(admin, page, **fields, department_id=str(bank.cards.id))
    assert browser.get("/cases").status_code == 302  # signed out: the rights changed
    login(browser, staff.email, PASSWORD)
    assert "Cards" in heading(browser.get("/cases").text)

    post(admin, page, **{**fields, "role": "cx_manager"}, department_id="0")
    assert browser.get("/admin/users").status_code == 302
    login(browser, staff.email, PASSWORD)
    assert browser.get("/admin/users").status_code == 200  # CX managers read the console


def test_an_admin_can_neither_deactivate_nor_demote_themselves(app, admin, session, bank):
    page = f"/admin/users/{bank.admin.id}"
    refused = post(admin, f"{page}/deactivate", page=page)
    assert refused.status_code == 409
    assert "You cannot deactivate yourself" in refused.text
    fields = {"name": "Ada", "locale": "zh_CN", "timezone": "Asia/Shanghai", "department_id": "0"}
    demoted = post(admin, page, **fields, role="cx_manager")
    assert demoted.status_code == 200 and "You cannot change your own role" in demoted.text
    session.expire_all()
    assert (bank.admin.active, bank.admin.role, bank.admin.name) == (True, "admin", "Ada Admin")

    assert post(admin, page, **fields, role="admin").status_code == 302
    post(admin, page, **{**fields, "department_id": str(bank.cards.id)}, role="admin")
    assert admin.get("/admin/users").status_code == 200  # their own change kept them in
    session.expire_all()
    assert (bank.admin.name, bank.admin.department_id) == ("Ada", bank.cards.id)


def test_every_change_is_on_the_audit_log_field_by_field_without_secrets(app, admin, session, bank):
    invite(admin, bank.loans)
    invitee = user_named(session, "mei.chen@bank.example.com")
    path, page = newest_link(session, invitee.email), f"/admin/users/{invitee.id}"
    choose_password(app, path)
    fields = {"name": "Mei Chen", "role": "staff", "locale": "zh_CN", "timezone": "Asia/Shanghai"}
    post(admin, page, **fields, department_id=str(bank.cards.id))
    post(admin, f"{page}/deactivate", page=page)
    post(admin, f"{page}/reactivate", page=page)

    mine = [e for e in audit_entries(session) if e.subject == f"user:{invitee.id}"]
    assert [(e.actor, e.action) for e in mine] == [
        (f"user:{bank.admin.id}", "user.create"),
        (f"user:{bank.admin.id}", "user.invite"),
        (f"user:{invitee.id}", "user.invite_accepted"),
        (f"user:{bank.admin.id}", "user.update"),
        (f"user:{bank.admin.id}", "user.update"),
        (f"user:{bank.admin.id}", "user.update"),
    ]
    created, _, _, edited, deactivated, reactivated = (e.detail.get("changes") for e in mine)
    assert created["email"] == [None, invitee.email] and created["role"] == [None, "staff"]
    assert "password_hash" not in created
    assert edited == {
        "department_id": [bank.loans.id, bank.cards.id],
        "locale": ["en", "zh_CN"],
        "timezone": [None, "Asia/Shanghai"],
    }
    assert deactivated == {"active": [True, False]} and reactivated == {"active": [False, True]}
    logged = json.dumps([e.detail for e in audit_entries(session)])
    stored = user_named(session, invitee.email).password_hash
    token = path.removeprefix("/auth/reset/")
    assert token not in logged and stored not in logged and NEW_PASSWORD not in logged

    assert admin.get(page).text.count('class="history-entry"') == len(mine)


def test_managers_see_users_without_a_way_to_change_them(app, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    client = app.test_client()
    login(client, manager.email, PASSWORD)
    assert "Invite a user" not in client.get("/admin/users").text
    page = client.get(f"/admin/users/{manager.id}").text
    assert "Deactivate this user" not in page and ">Save<" not in page
    assert client.get("/admin/users/invite").status_code == 200
