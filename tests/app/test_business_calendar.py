"""The business calendar an admin keeps: hours, holidays and 调休 days, China's statutory fill,
and what a change does to the SLA clock of new and open cases."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import CalendarDay, Case, utcnow
from app.services.cases.business_calendar import (
    CalendarRefused,
    business_calendar,
    prefill_year,
    save_hours,
)
from app.services.cases.case_routing import route_response
from app.services.cases.sla_alerts import alert_due_cases
from app.services.feedback.survey_versions import sync_surveys
from app.worker.jobs import route_responses
from tests.app.conftest import row_counts
from tests.conftest import csrf_token
from tests.factories import InvitationFactory, answer
from workflows.sla import BusinessCalendar, add_business_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOURS = {"timezone": "Asia/Shanghai", "opens": "09:00", "closes": "18:00"}
WEEKDAYS = ["0", "1", "2", "3", "4"]


@pytest.fixture(autouse=True)
def environment(app, monkeypatch):
    """The environment's calendar: BUSINESS_HOURS=09:00-18:00, HOLIDAYS=none."""
    monkeypatch.setitem(app.config, "BUSINESS_CALENDAR", BusinessCalendar())


def post(client, url, data, page=None):
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def days_of(session, year):
    session.expire_all()
    rows = session.scalars(
        sa.select(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
    )
    return {row.day: (row.kind, row.name) for row in rows}


def detractor_response(session, at):
    """A detractor's answer (a mass customer: 8 h to first contact, 40 h to resolve)."""
    sync_surveys(session)
    invitation = InvitationFactory(sent_at=at - timedelta(hours=1))
    return answer(session, invitation, {"nps": 2, "consent": True}, now=at)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"opens": "18:00", "closes": "09:00"}, "closes", "Closing time must be after"),
        ({"opens": "9am"}, "opens", "Use HH:MM."),
        ({"timezone": "Asia/Nowhere"}, "timezone", "Use a time zone such as"),
        ({"working_weekdays": []}, "working_weekdays", "Tick at least one working day."),
    ],
)
def test_a_wrong_hours_form_says_what_to_fix_and_saves_nothing(
    client, session, admin, change, field, message
):
    before = row_counts(session)
    answer_ = post(client, "/admin/calendar", {**HOURS, "working_weekdays": WEEKDAYS, **change})
    page = answer_.get_data(as_text=True)
    assert answer_.status_code == 200
    assert message in page and f'id="{field}' in page
    assert row_counts(session) == before


def test_the_hours_page_shows_the_environment_until_an_admin_saves(
    app, client, session, admin, monkeypatch
):
    environment = BusinessCalendar(opens=time(8, 30), closes=time(17, 0))
    monkeypatch.setitem(app.config, "BUSINESS_CALENDAR", environment)
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "come from the environment" in page and 'value="08:30"' in page
    result = post(
        client,
        "/admin/calendar",
        {**HOURS, "opens": "10:00", "working_weekdays": ["0", "1", "2", "3", "4", "5"]},
    )
    assert result.status_code == 302
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "come from the environment" not in page
    assert "by admin@bank.example.com" in page
    assert (
        "08:30 → 10:00" in page
        and "17:00 → 18:00" in page
        and "Mon, Tue, Wed, Thu, Fri → Mon, Tue, Wed, Thu, Fri, Sat" in page
    )
    saved = business_calendar(session, default=BusinessCalendar())
    assert (saved.opens, saved.closes, saved.working_weekdays) == (
        time(10, 0),
        time(18, 0),
        frozenset(range(6)),
    )


def test_with_nothing_saved_the_environments_calendar_times_new_cases(app, session, monkeypatch):
    """The job asks the service, which hands back the environment's calendar (app.config)."""
    every_hour = BusinessCalendar(
        opens=time(0, 0), closes=time(23, 59), working_weekdays=frozenset(range(7))
    )
    monkeypatch.setitem(app.config, "BUSINESS_CALENDAR", every_hour)
    detractor_response(session, utcnow())
    session.commit()
    assert route_responses() == {"cases_opened": 1}
    case = session.scalars(sa.select(Case)).one()
    assert case.due_first_contact_at == add_business_hours(case.opened_at, 8, every_hour)


def test_the_route_job_times_new_cases_by_the_saved_calendar(app, session):
    """Saved: every day a working day, but the next 30 are holidays: no deadline before them."""
    today = utcnow().astimezone(SHANGHAI).date()
    save_hours(session, {**HOURS, "working_weekdays": list(range(7))},
               default=BusinessCalendar(), actor="user:1")  # fmt: skip
    session.add_all(
        CalendarDay(day=today + timedelta(days=n), kind="holiday", name="") for n in range(30)
    )
    detractor_response(session, utcnow())
    session.commit()
    assert route_responses() == {"cases_opened": 1}
    case = session.scalars(sa.select(Case)).one()
    first_working_day = datetime.combine(today + timedelta(days=30), time(9), SHANGHAI)
    assert case.due_first_contact_at == first_working_day + timedelta(hours=8)


def test_a_changed_calendar_times_new_cases_and_leaves_open_ones_their_deadlines(
    app, session, client, admin
):
    monday_nine = datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI).astimezone(UTC)

    def case_opened():
        """A case opened at Monday 09:00 as the route job opens it, in the calendar in force."""
        calendar = business_calendar(session, default=app.config["BUSINESS_CALENDAR"])
        response_id = detractor_response(session, monday_nine)
        case = route_response(session, response_id, now=monday_nine, calendar=calendar)
        session.commit()
        return case

    before = case_opened()
    assert before.due_first_contact_at == datetime(2026, 3, 9, 17, 0, tzinfo=SHANGHAI)
    assert before.due_resolve_at == datetime(2026, 3, 13, 13, 0, tzinfo=SHANGHAI)

    post(client, "/admin/calendar", {**HOURS, "opens": "08:00", "closes": "12:00",
                                      "working_weekdays": WEEKDAYS})  # fmt: skip
    added = post(client, "/admin/calendar/2026", {"day": "2026-03-10", "kind": "holiday",
                                                  "name": "Bank holiday"})  # fmt: skip
    assert added.status_code == 302

    after = case_opened()
    # Mon 09-12 (3 h), Tue a holiday, Wed 08-12 (7 h), Thu 08-09: 8 h.
    assert after.due_first_contact_at == datetime(2026, 3, 12, 9, 0, tzinfo=SHANGHAI)
    assert after.due_resolve_at == datetime(2026, 3, 24, 9, 0, tzinfo=SHANGHAI)
    session.expire_all()
    kept = session.get(Case, before.id)
    assert kept.due_first_contact_at == datetime(2026, 3, 9, 17, 0, tzinfo=SHANGHAI)
    assert kept.due_resolve_at == datetime(2026, 3, 13, 13, 0, tzinfo=SHANGHAI)
    reminded = alert_due_cases(
        session, now=kept.due_resolve_at - timedelta(hours=1),
        remind_before=timedelta(hours=2), base_url="http://localhost",
    )  # fmt: skip
    assert reminded == {"remind": 1}  # the open case's SLA alert still comes, on its deadline


def test_filling_2026_adds_its_holidays_and_make_up_days_once(client, session, admin):
    result = post(client, "/admin/calendar/2026/prefill", {}, page="/admin/calendar/2026")
    assert result.status_code == 302
    page = client.get("/admin/calendar/2026").get_data(as_text=True)
    assert "39 days added from China&#39;s statutory calendar" in page
    days = days_of(session, 2026)
    assert days[date(2026, 1, 1)] == ("holiday", "元旦 / New Year's Day")
    assert days[date(2026, 2, 17)] == ("holiday", "春节 / Spring Festival")
    assert date(2026, 1, 4).weekday() == 6  # a Sunday worked to bridge New Year's Day
    assert days[date(2026, 1, 4)] == ("workday", "元旦 / New Year's Day")
    assert days[date(2026, 2, 28)] == ("workday", "春节 / Spring Festival")
    assert date(2026, 3, 4) not in days
    calendar = business_calendar(session, default=BusinessCalendar())
    assert not calendar.is_working_day(date(2026, 10, 7))
    assert calendar.is_working_day(date(2026, 9, 20))  # Sunday, National Day's make-up day

    post(client, "/admin/calendar/2026/prefill", {}, page="/admin/calendar/2026")
    page = client.get("/admin/calendar/2026").get_data(as_text=True)
    assert "0 days added" in page
    assert days_of(session, 2026) == days


def test_a_day_an_admin_set_is_kept_by_a_later_fill(client, session, admin):
    post(client, "/admin/calendar/2026", {"day": "2026-01-02", "kind": "workday",
                                          "name": "Year-end closing"})  # fmt: skip
    post(client, "/admin/calendar/2026/prefill", {}, page="/admin/calendar/2026")
    days = days_of(session, 2026)
    assert days[date(2026, 1, 2)] == ("workday", "Year-end closing")
    assert len(days) == 39
    day_id = session.scalar(sa.select(CalendarDay.id).where(CalendarDay.day == date(2026, 10, 7)))
    edited = post(client, f"/admin/calendar/days/{day_id}", {"kind": "workday", "name": "Open"})
    assert edited.status_code == 302
    assert prefill_year(session, 2026, default=BusinessCalendar(), actor="user:1") == 0
    assert days_of(session, 2026)[date(2026, 10, 7)] == ("workday", "Open")


def test_a_year_the_package_does_not_know_is_refused_with_what_to_do(client, session, admin):
    with pytest.raises(CalendarRefused, match="2003 is not in the installed chinese-calendar"):
        prefill_year(session, 2003, default=BusinessCalendar(), actor="user:1")
    session.rollback()
    before = row_counts(session)
    post(client, "/admin/calendar/2003/prefill", {}, page="/admin/calendar/2003")
    page = client.get("/admin/calendar/2003").get_data(as_text=True)
    assert "Add the days by hand" in page and "knows 2004 to" in page
    assert row_counts(session) == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": "2027-02-10", "kind": "holiday"}, "Choose a day in 2026."),
        ({"day": "", "kind": "holiday"}, "Choose a day."),
        ({"day": "2026-02-30", "kind": "holiday"}, "Not a valid date value."),
        ({"day": "2026-05-06", "kind": "party"}, "Not a valid choice."),
        ({"day": "2026-05-06", "kind": "holiday", "name": "x" * 81}, "80 characters"),
    ],
)
def test_a_wrong_day_says_what_to_fix_and_saves_nothing(client, session, admin, fields, message):
    before = row_counts(session)
    result = post(client, "/admin/calendar/2026", fields)
    assert result.status_code == 200 and message in result.get_data(as_text=True)
    assert row_counts(session) == before


def test_a_day_already_in_the_calendar_is_an_error_beside_the_day(client, session, admin):
    post(client, "/admin/calendar/2027", {"day": "2027-02-10", "kind": "holiday"})
    before = row_counts(session)
    again = post(client, "/admin/calendar/2027", {"day": "2027-02-10", "kind": "workday"})
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    error = page.index("This day is already in the calendar")
    assert page.index('id="day"') < error < page.index('id="kind"')
    assert row_counts(session) == before


def test_a_day_is_added_changed_and_removed_with_its_history(client, session, admin):
    post(client, "/admin/calendar/2027", {"day": "2027-02-10", "kind": "holiday",
                                          "name": "Spring Festival"})  # fmt: skip
    url = f"/admin/calendar/days/{session.scalars(sa.select(CalendarDay.id)).one()}"
    post(client, url, {"kind": "workday", "name": "Spring Festival"})
    page = client.get(url).get_data(as_text=True)
    assert "Holiday → Make-up working day" in page and "admin@bank.example.com" in page
    year = client.get("/admin/calendar/2027").get_data(as_text=True)
    assert "2027-02-10" in year and "Make-up working day" in year
    removed = post(client, f"{url}/delete", {}, page=url)
    assert removed.status_code == 302
    assert days_of(session, 2027) == {}
    assert client.get(url).status_code == 404
    assert "No holidays or make-up working days in 2027 yet" in client.get(
        "/admin/calendar/2027"
    ).get_data(as_text=True)


def test_the_first_change_writes_the_environments_calendar_down_so_nothing_else_moves(
    session,
):
    """HOLIDAYS=china: the environment's days (weekday holidays, 调休 weekends) become rows."""
    environment = BusinessCalendar(
        opens=time(8, 30),
        holidays=frozenset({date(2025, 10, 1), date(2026, 10, 1)}),
        makeup_workdays=frozenset({date(2025, 9, 28)}),
    )
    assert business_calendar(session, default=environment) is environment
    assert prefill_year(session, 2026, default=environment, actor="user:1") == 38
    saved = business_calendar(session, default=BusinessCalendar())
    assert saved.opens == time(8, 30)
    assert days_of(session, 2025) == {
        date(2025, 10, 1): ("holiday", "国庆节 / National Day"),
        date(2025, 9, 28): ("workday", "国庆节 / National Day"),
    }
    assert len(days_of(session, 2026)) == 39
    assert saved.is_working_day(date(2025, 9, 28)) and not saved.is_working_day(date(2025, 10, 1))
