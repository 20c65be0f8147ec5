"""Answering through a branch's QR poster: anonymous, with the branch, and protected against
ballot stuffing (one answer per device per poster per day, an hourly limit per network)."""

import re
import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.models import (
    BranchPoster,
    Case,
    Invitation,
    PosterAnswer,
    Response,
    RoutingRule,
    User,
    utcnow,
)
from app.services.cases.case_routing import route_response
from app.services.cases.lifecycle import resolve_case
from app.services.distribution.posters import create_poster
from app.services.feedback.poster_responses import (
    Limits,
    PosterRefused,
    Visitor,
    network_of,
    record_poster_answer,
)
from app.services.feedback.survey_versions import sync_surveys
from tests.app.conftest import row_counts
from tests.conftest import FreshContextClient, csrf_token, login
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
    UserFactory,
    survey_link,
)
from workflows.sla import BusinessCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
DETRACTOR = {"nps": "3", "what_went_wrong": "waiting_time", "comment": "排队四十分钟"}


@pytest.fixture
def poster(session):
    sync_surveys(session)
    department = DepartmentFactory(code="branches")
    touchpoint = TouchpointFactory(
        name="Counter service", name_zh="柜台服务", journey_stage="service", department=department
    )
    made = create_poster(session, touchpoint.id, "Wanchai branch", actor="user:1")
    session.commit()
    return made


def scan(app, address="203.0.113.7"):
    """A phone that scans the poster: a browser of its own, on its own network address."""
    app.test_client_class = FreshContextClient
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = address
    return phone


def answer(phone, poster, answers=DETRACTOR, headers=None):
    page = phone.get(f"/q/{poster.token}", headers=headers)
    assert page.status_code == 200
    token = csrf_token(page.get_data(as_text=True))
    return phone.post(f"/q/{poster.token}", data={**answers, "csrf_token": token}, headers=headers)


def test_a_scan_shows_the_survey_in_the_phones_language_without_asking_for_contact(app, poster):
    phone = scan(app)
    page = phone.get(f"/q/{poster.token}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "柜台服务" in html and "Wanchai branch" in html
    assert "经过这次体验，您有多大可能向朋友或同事推荐我们？" in html
    assert 'name="consent"' not in html and "我们可以就您的反馈联系您" not in html
    assert "Save and finish later" not in html and "data-draft-url" not in html
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("touchloop_device=") and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Path=/q/" in cookie and "Max-Age=31536000" in cookie
    assert page.headers["Cache-Control"] == "no-store"


def test_an_anonymous_answer_is_stored_with_the_branch_and_channel_qr(app, session, poster):
    phone = scan(app)
    thanks = answer(phone, poster, headers={"Accept-Language": "zh-CN"})
    assert thanks.status_code == 200 and "我们已收到您的回答" in thanks.get_data(as_text=True)
    response = session.scalars(sa.select(Response)).one()
    touchpoint = poster.touchpoint
    assert (response.channel, response.branch, response.touchpoint_id) == (
        "qr",
        "Wanchai branch",
        touchpoint.id,
    )
    assert response.department_id == touchpoint.department_id
    assert response.journey_stage == "service" and response.segment == "unknown"
    assert response.customer_id is None and response.invitation_id is None
    assert response.nps == 3 and response.comment == "排队四十分钟"
    assert response.consent_to_contact is None and response.language == "zh-CN"
    assert {a.question_id for a in response.answers} == {"nps", "what_went_wrong", "comment"}
    kept = session.scalars(sa.select(PosterAnswer)).one()
    device = phone.get_cookie("touchloop_device", path="/q/").value
    assert device not in kept.device and "203.0.113.7" not in kept.network
    assert len(kept.device) == len(kept.network) == 64


def test_one_answer_per_device_per_poster_a_day(app, session, poster):
    phone = scan(app)
    assert answer(phone, poster).status_code == 200
    before = row_counts(session)
    again = answer(phone, poster)
    assert again.status_code == 409 and "You already told us today" in again.get_data(as_text=True)
    assert row_counts(session) == before
    other_phone = scan(app)  # the same network, another device
    assert answer(other_phone, poster).status_code == 200
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 2


def test_the_day_is_the_banks_day(session, poster):
    """23:59 and 00:01 in Shanghai are two days, though both are the same UTC day."""
    limits = Limits("test-secret", 20, SHANGHAI)
    visitor = Visitor("d" * 32, "198.51.100.1")
    late = datetime(2026, 12, 5, 15, 59, tzinfo=UTC)  # 23:59 in Shanghai
    for moment in (late, late + timedelta(minutes=2)):
        record_poster_answer(
            session, poster, {"nps": 9}, visitor=visitor, limits=limits, language="en", now=moment
        )
    with pytest.raises(PosterRefused, match="answered_today"):
        record_poster_answer(
            session,
            poster,
            {"nps": 9},
            visitor=visitor,
            limits=limits,
            language="en",
            now=late + timedelta(hours=8),  # still the same Shanghai day as 00:01
        )


def test_a_network_may_answer_only_so_often_an_hour(app, session, poster):
    app.config["POSTER_ANSWERS_PER_NETWORK_HOUR"] = 3
    try:
        for _ in range(3):
            assert answer(scan(app), poster).status_code == 200
        before = row_counts(session)
        refused = answer(scan(app), poster)
        assert refused.status_code == 429
        assert "Too many answers from your network" in refused.get_data(as_text=True)
        assert row_counts(session) == before
        assert answer(scan(app, "203.0.113.8"), poster).status_code == 200  # another network
    finally:
        app.config["POSTER_ANSWERS_PER_NETWORK_HOUR"] = 20


def test_the_network_limit_counts_the_last_hour_and_a_whole_ipv6_64(session, poster):
    limits = Limits("test-secret", 2, SHANGHAI)
    now = utcnow()

    def give(device, address, at):
        return record_poster_answer(
            session, poster, {"nps": 7}, visitor=Visitor(device, address), limits=limits,
            language="en", now=at,
        )  # fmt: skip

    give("a" * 32, "2001:db8:1:1::1", now)
    give("b" * 32, "2001:db8:1:1:ffff::9", now)
    with pytest.raises(PosterRefused, match="too_many"):
        give("c" * 32, "2001:db8:1:1:abcd::2", now)
    give("c" * 32, "2001:db8:1:2::1", now)  # the next /64 is another network
    give("d" * 32, "2001:db8:1:1::1", now + timedelta(hours=1, seconds=1))
    assert network_of("2001:db8:1:1:abcd::2") == "2001:db8:1:1::/64"
    assert network_of("198.51.100.1") == "198.51.100.1"


def test_simultaneous_answers_from_one_network_stay_within_the_limit(app, session, poster):
    """Eight phones on one Wi-Fi answer at once; the limit is three: three are kept."""
    app.config["POSTER_ANSWERS_PER_NETWORK_HOUR"] = 3
    phones = [scan(app) for _ in range(8)]
    forms = []
    for phone in phones:
        page = phone.get(f"/q/{poster.token}").get_data(as_text=True)
        forms.append({**DETRACTOR, "csrf_token": csrf_token(page)})
    statuses = []
    start = threading.Barrier(len(phones))

    def post(phone, form):
        start.wait()
        statuses.append(phone.post(f"/q/{poster.token}", data=form).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(phones, forms, strict=True)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        app.config["POSTER_ANSWERS_PER_NETWORK_HOUR"] = 20
    assert sorted(statuses) == [200] * 3 + [429] * 5
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 3
    assert session.scalar(sa.select(sa.func.count()).select_from(PosterAnswer)) == 3


def test_a_retired_or_unknown_poster_takes_no_answer(app, session, poster):
    phone = scan(app)
    page = phone.get(f"/q/{poster.token}").get_data(as_text=True)
    session.get(BranchPoster, poster.id).retired_at = utcnow()
    session.commit()
    refused = phone.post(f"/q/{poster.token}", data={**DETRACTOR, "csrf_token": csrf_token(page)})
    assert refused.status_code == 404 and "no longer in use" in refused.get_data(as_text=True)
    assert phone.get("/q/NoSuchPoster1").status_code == 404
    assert session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0


def test_an_answer_without_the_pages_token_or_the_devices_cookie_is_refused(app, session, poster):
    phone = scan(app)
    page = phone.get(f"/q/{poster.token}").get_data(as_text=True)
    token = csrf_token(page)
    before = row_counts(session)
    forged = phone.post(f"/q/{poster.token}", data={**DETRACTOR, "csrf_token": "forged"})
    assert forged.status_code == 400
    cross_site = scan(app)  # a form on another site: its Lax cookie is not sent
    assert (
        cross_site.post(f"/q/{poster.token}", data={**DETRACTOR, "csrf_token": token}).status_code
        == 400
    )
    other_device = scan(app)
    other_device.get(f"/q/{poster.token}")
    stolen = other_device.post(f"/q/{poster.token}", data={**DETRACTOR, "csrf_token": token})
    assert stolen.status_code == 400
    assert row_counts(session) == before


def test_an_anonymous_low_score_opens_a_case_nobody_can_contact_and_no_follow_up(
    app, client, session, poster
):
    answer(scan(app), poster)
    response = session.scalars(sa.select(Response)).one()
    case = route_response(session, response.id, now=utcnow(), calendar=BusinessCalendar())
    assert case is not None and case.department_id == poster.touchpoint.department_id
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Anonymous survey: no one can be contacted." in page and "排队四十分钟" in page
    assert "Record contact with the customer" not in page
    resolve_case(session, case, session.get(User, manager.id), root_cause="waiting_time",
                 summary="Opened a second counter", now=utcnow())  # fmt: skip
    session.commit()
    assert session.get(Case, case.id).status == "resolved"
    assert session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0


def test_the_dashboard_marks_poster_answers_as_anonymous_with_their_branch(
    app, client, session, poster
):
    answer(scan(app), poster)
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    listed = client.get("/dashboard/responses?channel=qr").get_data(as_text=True)
    assert "Anonymous (QR poster)" in listed and "Wanchai branch" in listed
    assert re.search(r"排队四十分钟", listed)


def test_a_poster_page_leaves_the_invited_customers_survey_as_it_was(app, client, session, poster):
    """The anonymous form is a form of its own: the e-mailed survey still asks for consent."""
    link = survey_link(app.config["SECRET_KEY"], InvitationFactory())
    session.commit()
    scan(app).get(f"/q/{poster.token}")
    invited = client.get(link)
    assert invited.status_code == 200 and 'name="consent"' in invited.get_data(as_text=True)


def test_a_routing_rule_for_the_branch_catches_its_posters_answers(app, session, poster):
    complaints = DepartmentFactory(code="branch_complaints")
    session.flush()
    session.add(
        RoutingRule(
            name="wanchai", position=1, attributes={"branch": ["Wanchai branch"]},
            department_id=complaints.id, priority="P1",
        )
    )  # fmt: skip
    session.commit()
    answer(scan(app), poster)
    response = session.scalars(sa.select(Response)).one()
    case = route_response(session, response.id, now=utcnow(), calendar=BusinessCalendar())
    assert (case.department_id, case.priority) == (complaints.id, "P1")
