"""The inbox staff open fifty times a day: saved views, filters by name, the customer and the
comment on each row, empty states that say what to do, all in the reader's language, fast."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import utcnow
from app.services.cases.inbox import InboxFilter, inbox, saved_view, view_of
from tests.app.test_case_page import assert_no_codes, visible_text
from tests.conftest import login
from tests.factories import PASSWORD, DepartmentFactory, TouchpointFactory, UserFactory


@pytest.fixture
def desk(session, detractor_case):
    """A department's inbox: one case of mine, one overdue P1, one plain, one done, one of
    another department; a staff member and a colleague."""
    loans = DepartmentFactory(code="loans", name="Loans", name_zh="贷款部")
    me, colleague = UserFactory(department=loans), UserFactory(department=loans)
    mine, urgent, plain, done = (detractor_case(loans) for _ in range(4))
    mine.assignee = me
    urgent.priority, urgent.due_resolve_at = "P1", utcnow() - timedelta(days=2)
    plain.assignee = colleague
    done.status = "resolved"
    theirs = detractor_case(DepartmentFactory(code="cards"))
    theirs.priority = "P1"
    session.commit()
    return type("Desk", (), locals())


def ids(page):
    return {case.id for case in page.cases}


def test_saved_views_are_filters_and_a_filter_knows_its_view(session, desk):
    me = desk.me
    assert saved_view("mine", me) == InboxFilter(assignee_id=me.id)
    assert saved_view("nonsense", me) == InboxFilter()
    assert view_of(InboxFilter(priority="P1", page=3), me) == "p1"
    assert view_of(InboxFilter(overdue=True), me) == "overdue"
    assert view_of(InboxFilter(priority="P2"), me) is None


def test_each_saved_view_holds_what_it_says_and_counts_it(session, desk):
    now = utcnow()
    pages = {name: inbox(session, desk.me, saved_view(name, desk.me), now=now) for name in
             ("mine", "overdue", "p1", "open")}  # fmt: skip
    assert ids(pages["mine"]) == {desk.mine.id}
    assert ids(pages["overdue"]) == {desk.urgent.id}
    assert ids(pages["p1"]) == {desk.urgent.id}  # not the other department's P1
    assert ids(pages["open"]) == {desk.mine.id, desk.urgent.id, desk.plain.id}
    assert pages["open"].views == {"mine": 1, "overdue": 1, "p1": 1, "open": 3}
    assert pages["open"].counts == {"new": 3, "resolved": 1}


def test_the_inbox_reads_its_rows_in_a_fixed_number_of_queries(session, desk, detractor_case):
    def statements(user):
        seen = []
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            session.expire_all()
            page = inbox(session, user, InboxFilter(status="all"), now=utcnow())
            shown = [  # everything a row shows
                (case.response.touchpoint.name, case.response.customer, case.assignee)
                for case in page.cases
            ]
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listen)
        assert len(shown) == len(page.cases)
        return len(seen)

    few = statements(desk.me)
    for _ in range(12):
        detractor_case(desk.loans).assignee = desk.colleague
    session.commit()
    assert statements(desk.me) == few <= 4


def views_of(html):
    """The saved views' pills: (words, marked as current) each."""
    nav = html.split('aria-label="Saved views"')[1].split("</nav>")[0]
    return [
        (visible_text("<a" + link.split("</a>")[0]), 'aria-current="page"' in link.split(">")[0])
        for link in nav.split("<a")[1:]
    ]


def test_the_views_are_pills_with_counts_and_the_current_one_marked(client, session, desk):
    login(client, desk.me.email, PASSWORD)
    html = client.get("/cases?view=mine").get_data(as_text=True)
    assert views_of(html) == [
        ("Mine 1", True), ("Overdue 1", False), ("P1 · urgent 1", False), ("All open 3", False),
    ]  # fmt: skip
    assert f'href="/cases/{desk.mine.id}"' in html and f'href="/cases/{desk.plain.id}"' not in html
    assert views_of(client.get("/cases").get_data(as_text=True))[3] == ("All open 3", True)
    assert not any(marked for _, marked in views_of(client.get("/cases?status=all").text))


def test_rows_say_who_where_what_and_when(client, session, desk):
    login(client, desk.me.email, PASSWORD)
    desk.mine.response.touchpoint.name = "Loan approval"
    desk.mine.response.comment = "The approval took three weeks and nobody told me why. " * 3
    session.commit()
    row = client.get("/cases?view=mine").get_data(as_text=True).split("<tbody>")[1]
    text = visible_text(row)
    assert "Mei Chen" in text and "Retail" in text  # the owner reads the name
    assert "Loan approval" in text and "NPS 2" in text
    assert "The approval took three weeks" in text and "…" in text  # the first words
    assert "UTC" not in text and utcnow().strftime("%Y-") in text  # the zone is said once above
    assert "sla-" in row and "new" in text
    others = client.get("/cases?view=open").get_data(as_text=True)
    assert visible_text(others).count("M** C***") == 2  # not the owner: masked


def test_the_touchpoint_filter_lists_names_and_finds_by_them(client, session, desk):
    branch = TouchpointFactory(code="branch_visit", name="Branch visit", name_zh="网点到访")
    desk.plain.response.touchpoint = branch
    session.commit()
    login(client, desk.me.email, PASSWORD)
    html = client.get("/cases").get_data(as_text=True)
    assert f'<option value="{branch.id}">Branch visit</option>' in html
    found = client.get(f"/cases?touchpoint={branch.id}").get_data(as_text=True)
    assert (
        f'href="/cases/{desk.plain.id}"' in found and f'href="/cases/{desk.mine.id}"' not in found
    )
    assert f'<option value="{branch.id}" selected>Branch visit</option>' in found


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_no_stored_code_reaches_the_inbox(client, session, desk, lang):
    branch = TouchpointFactory(code="branch_visit", name="Branch visit", name_zh="网点到访")
    desk.plain.response.touchpoint = branch
    desk.plain.status = "in_progress"
    session.commit()
    login(client, desk.me.email, PASSWORD)
    html = client.get(f"/cases?status=all&lang={lang}").get_data(as_text=True)
    assert_no_codes(html)
    if lang == "zh_CN":
        text = visible_text(html)
        assert "网点到访" in text and "处理中" in text and "我的" in text and "全部未结" in text


def test_empty_states_say_what_they_mean_and_what_to_do(client, session, desk):
    login(client, desk.colleague.email, PASSWORD)
    desk.plain.assignee = None
    session.commit()
    mine = visible_text(client.get("/cases?view=mine").get_data(as_text=True))
    assert "No cases assigned to you" in mine and "See all open cases" in mine
    filtered = client.get("/cases?priority=P3&overdue=1").get_data(as_text=True)
    assert "No cases match these filters" in filtered
    empty = filtered.split('class="empty-state')[1].split("</div>")[0]
    assert 'href="/cases">Clear the filters</a>' in empty
    assert "every case is handled" not in filtered
    for case in (desk.mine, desk.urgent, desk.plain):
        case.status = "closed"
    session.commit()
    calm = visible_text(client.get("/cases").get_data(as_text=True))
    assert "Nothing waiting: every case is handled" in calm
    assert "No cases match these filters" not in calm


def test_paging_keeps_the_view(client, session, desk, detractor_case):
    for _ in range(26):
        detractor_case(desk.loans).assignee = desk.me
    session.commit()
    login(client, desk.me.email, PASSWORD)
    first = client.get("/cases?view=mine").get_data(as_text=True)
    assert "Page 1 of 2" in first and "?view=mine&amp;page=2" in first
    second = client.get("/cases?view=mine&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second and views_of(second)[0] == ("Mine 27", True)


def test_acknowledge_selected_is_kept_for_new_cases(client, session, desk):
    login(client, desk.me.email, PASSWORD)
    html = client.get("/cases").get_data(as_text=True)
    assert "Acknowledge selected" in html
    assert html.count('name="case_id"') == 3  # the three new cases of the department
