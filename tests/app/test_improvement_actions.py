"""Improvement actions: opened on a topic or touchpoint, moved on with notes, judged by the
figures before and after they went live (a bank worked out by hand), listed in the weekly
summary when due, and shown only to those who answer for them."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.models import ActionNote, AuditEntry, OutboxMessage, Response, ResponseTopic, Topic
from app.services.cases.improvement import (
    ActionRefused,
    add_action_note,
    due_actions,
    move_action,
    open_action,
)
from app.services.feedback.responses import FOLLOWUP_SURVEY
from app.services.reports.action_effect import action_effect
from app.services.reports.summary import send_weekly_summaries
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, DepartmentFactory, TouchpointFactory, UserFactory

LIVE_ON = date(2026, 3, 16)  # a Monday; in Shanghai it starts at 2026-03-15 16:00 UTC
AFTERWARDS = datetime(2026, 5, 1, tzinfo=UTC)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def at(month: int, day: int, hour: int = 2) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def respond(session, touchpoint, when, nps, comment="", topics=(), survey="touchpoint_nps"):
    category = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
    response = Response(
        survey_code=survey,
        survey_version=1,
        touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage,
        department_id=touchpoint.department_id,
        channel="email",
        segment="mass",
        submitted_at=when,
        nps=nps,
        nps_category=category,
        comment=comment,
        language="en",
        routing_status="routed",
    )
    session.add(response)
    session.flush()
    session.add_all(ResponseTopic(response_id=response.id, topic=t, evidence=[]) for t in topics)
    session.flush()
    return response


@pytest.fixture
def bank(session):
    """Branch visits four weeks either side of 16 March (Shanghai weeks), and noise around."""
    branch = TouchpointFactory(code="branch_visit")
    phone = TouchpointFactory(code="call_centre", name="Call centre")
    session.add(Topic(code="waiting_time", name="Waiting time", name_zh="等候时间", position=1))
    session.add(Topic(code="fees", name="Fees and charges", name_zh="收费", position=2))
    # before: week -4, then week -1 (the last on Sunday 23:00 in Shanghai, 15:00 UTC)
    respond(session, branch, at(2, 17), 3, "waited an hour", ["waiting_time"])
    respond(session, branch, at(3, 10), 0, "queue", ["waiting_time"])
    respond(session, branch, at(3, 11), 2, "queue and fee", ["waiting_time", "fees"])
    respond(session, branch, at(3, 12), 9, "fee waived", ["fees"])
    respond(session, branch, at(3, 15, 15), 7)  # no comment: NPS only
    # after: 01:00 on Monday in Shanghai opens week +1
    respond(session, branch, at(3, 15, 17), 10, "fee fine", ["fees"])
    respond(session, branch, at(3, 17), 9, "short wait now", ["waiting_time"])
    respond(session, branch, at(3, 24), 8, "fine")
    respond(session, branch, at(4, 10), 6, "still waiting", ["waiting_time"])
    # not counted: another touchpoint, a follow-up survey, just before and just after the weeks
    respond(session, phone, at(3, 10), 0, "on hold forever", ["waiting_time"])
    respond(session, branch, at(3, 18), 0, "slow", ["waiting_time"], survey=FOLLOWUP_SURVEY)
    respond(session, branch, at(2, 15, 15), 0, "slow", ["waiting_time"])
    respond(session, branch, at(4, 12, 16), 0, "slow", ["waiting_time"])
    manager = UserFactory(role="cx_manager", department=None, created_at=LONG_AGO)
    session.commit()
    return type("Bank", (), locals())


def test_before_and_after_figures_match_the_hand_computed_bank(session, bank):
    action = open_action(
        session,
        title="Second teller at lunchtime",
        topic="waiting_time",
        touchpoint_id=bank.branch.id,
        department_id=bank.branch.department_id,
        actor=bank.manager,
    )
    action.live_on = LIVE_ON
    effect = action_effect(session, action, now=AFTERWARDS, min_sample=3)
    # before: 4 comments, 3 on waiting; NPS over 5 answers: 1 promoter, 3 detractors
    assert (effect.before.comments, effect.before.on_topic) == (4, 3)
    assert effect.before.share(3) == 75.0
    assert (effect.before.nps_n, effect.before.nps(3)) == (5, -40.0)
    # after: 4 comments, 2 on waiting; NPS over 4: 2 promoters, 1 detractor
    assert (effect.after.comments, effect.after.on_topic, effect.after.share(3)) == (4, 2, 50.0)
    assert (effect.after.nps_n, effect.after.nps(3)) == (4, 25.0)
    weeks = {week.offset: week for week in effect.weeks}
    assert [w.first_day for w in effect.weeks][3:5] == [date(2026, 3, 9), LIVE_ON]
    assert (weeks[-1].figures.comments, weeks[-1].figures.share(3)) == (3, 66.7)
    assert (weeks[-1].figures.nps_n, weeks[-1].figures.nps(3)) == (4, -25.0)
    assert weeks[-4].figures.comments == 1 and weeks[-4].figures.share(3) is None  # too few
    assert (weeks[1].figures.nps_n, weeks[1].figures.promoters) == (2, 2)
    assert weeks[3].figures.nps_n == 0 and weeks[3].figures.nps(3) is None
    assert all(week.ended for week in effect.weeks)
    assert action_effect(session, action, now=at(3, 20), min_sample=3).weeks[4].ended is False


def test_a_topic_alone_is_counted_on_every_touchpoints_comments(session, bank):
    action = open_action(
        session,
        title="Queue display",
        topic="waiting_time",
        department_id=bank.branch.department_id,
        actor=bank.manager,
    )
    action.live_on = LIVE_ON
    effect = action_effect(session, action, now=AFTERWARDS, min_sample=3)
    assert (effect.before.comments, effect.before.on_topic, effect.before.share(3)) == (5, 4, 80.0)


def test_no_figures_until_the_action_went_live(session, bank):
    action = open_action(
        session, title="x", touchpoint_id=bank.branch.id,
        department_id=bank.branch.department_id, actor=bank.manager,
    )  # fmt: skip
    assert action_effect(session, action, now=AFTERWARDS, min_sample=3) is None


def test_status_moves_with_notes_and_goes_live_on_the_banks_day(session, bank):
    action = open_action(
        session, title="Second teller", topic="waiting_time",
        department_id=bank.branch.department_id, actor=bank.manager,
    )  # fmt: skip
    with pytest.raises(ActionRefused):
        open_action(session, title="x", department_id=bank.branch.department_id,
                    actor=bank.manager)  # fmt: skip
    with pytest.raises(ActionRefused):
        move_action(session, action, "in_progress", "  ", actor=bank.manager, now=at(3, 2))
    move_action(session, action, "in_progress", "Hiring", actor=bank.manager, now=at(3, 2))
    add_action_note(session, action, "Two candidates", actor=bank.manager, now=at(3, 9))
    # 17:00 UTC on 15 March is already the 16th in Shanghai
    move_action(session, action, "done", "Teller started", actor=bank.manager, now=at(3, 15, 17))
    assert action.live_on == LIVE_ON
    with pytest.raises(ActionRefused):
        move_action(session, action, "in_progress", "again", actor=bank.manager, now=at(3, 20))
    session.commit()
    notes = session.scalars(sa.select(ActionNote).order_by(ActionNote.id)).all()
    assert [(n.status, n.note) for n in notes] == [
        ("in_progress", "Hiring"), (None, "Two candidates"), ("done", "Teller started"),
    ]  # fmt: skip
    logged = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.subject == f"action:{action.id}")
    ).all()
    assert [e.action for e in logged] == [
        "action.create", "action.status", "action.note", "action.status",
    ]  # fmt: skip
    assert logged[-1].detail["action_status"] == ["in_progress", "done"]


def test_a_given_go_live_day_is_kept(session, bank):
    action = open_action(session, title="x", topic="fees", department_id=bank.branch.department_id,
                         actor=bank.manager)  # fmt: skip
    move_action(session, action, "done", "Done", actor=bank.manager, now=at(4, 1),
                live_on=date(2026, 3, 20))  # fmt: skip
    assert action.live_on == date(2026, 3, 20)


def test_the_weekly_summary_lists_actions_due_and_overdue(session, bank):
    department = bank.branch.department
    head = UserFactory(department=department, heads_department=True, created_at=LONG_AGO)
    other = DepartmentFactory()

    def opened(title, due_on, department_id=department.id):
        return open_action(session, title=title, topic="fees", department_id=department_id,
                           due_on=due_on, actor=bank.manager)  # fmt: skip

    opened("Late leaflet", date(2026, 3, 10))
    opened("Fee table on the website", date(2026, 3, 24))
    opened("Next quarter", date(2026, 4, 30))
    finished = opened("Already done", date(2026, 3, 1))
    move_action(session, finished, "done", "ok", actor=bank.manager, now=at(3, 2))
    opened("Other department's", date(2026, 3, 12), other.id)
    session.commit()
    now = datetime(2026, 3, 18, 10, tzinfo=UTC)
    assert [a.title for a in due_actions(session, today=date(2026, 3, 18))] == [
        "Late leaflet", "Other department's", "Fee table on the website",
    ]  # fmt: skip
    assert send_weekly_summaries(session, now=now, base_url="http://localhost", min_sample=3) == 2
    mails = {m.recipient: m for m in session.scalars(sa.select(OutboxMessage))}
    manager = mails[bank.manager.email].body_text
    assert "Late leaflet · Department" in manager and "due 2026-03-10 · Overdue" in manager
    assert "Fee table on the website" in manager and "due 2026-03-24" in manager
    assert "due 2026-03-24 · Overdue" not in manager
    assert "Next quarter" not in manager and "Already done" not in manager
    assert "Other department's" in manager
    assert "Other department's" not in mails[head.email].body_text
    assert "Late leaflet" in mails[head.email].body_html


def signed_in(client, user):
    login(client, user.email, PASSWORD)
    return csrf_token(client.get("/cases").get_data(as_text=True))


def test_a_manager_opens_and_moves_an_action_on_its_pages(client, session, bank):
    token = signed_in(client, bank.manager)
    form = client.get("/actions/new").get_data(as_text=True)
    assert "Waiting time" in form and "waiting_time</option>" not in form
    refused = client.post("/actions/new", data={"csrf_token": token, "title": "Queue display",
                          "department_id": str(bank.branch.department_id)})  # fmt: skip
    assert "Choose a topic, a touchpoint or both." in refused.get_data(as_text=True)
    sent = client.post("/actions/new", data={
        "csrf_token": token, "title": "Queue display", "topic": "waiting_time",
        "touchpoint_id": str(bank.branch.id), "department_id": str(bank.branch.department_id),
        "due_on": "2026-01-10", "expected_effect": "Fewer waiting comments",
    })  # fmt: skip
    assert sent.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Queue display" in page and "Overdue" in page and "Waiting time" in page
    assert "The figures appear once the action is done" in page
    listed = client.get("/actions").get_data(as_text=True)
    assert "Queue display" in listed and "Overdue" in listed
    unexplained = client.post(
        f"{sent.headers['Location']}/status",
        data={"csrf_token": token, "to_status": "done", "note": ""},
    )
    assert "Say why the status changes." in unexplained.get_data(as_text=True)
    moved = client.post(f"{sent.headers['Location']}/status", data={
        "csrf_token": token, "to_status": "done", "note": "Screens installed",
        "live_on": "2026-03-16",
    })  # fmt: skip
    assert moved.status_code == 302
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Screens installed" in page and "2026-03-16" in page
    assert "Four weeks before" in page and "75.0 %" not in page  # under the default sample
    assert "too few to judge (n=4)" in page
    assert client.get("/actions?status=done").get_data(as_text=True).count("Queue display") == 1
    assert "Queue display" not in client.get("/actions?status=open").get_data(as_text=True)


def test_heads_read_their_departments_actions_and_others_see_nothing(app, session, bank):
    from tests.conftest import FreshContextClient

    app.test_client_class = FreshContextClient
    department = bank.branch.department
    mine = open_action(session, title="Ours", topic="fees", department_id=department.id,
                       actor=bank.manager)  # fmt: skip
    theirs = open_action(session, title="Theirs", topic="fees",
                         department_id=DepartmentFactory().id, actor=bank.manager)  # fmt: skip
    head = UserFactory(department=department, heads_department=True)
    staff = UserFactory(department=department)
    session.commit()
    reader = app.test_client()
    token = signed_in(reader, head)
    assert reader.get(f"/actions/{mine.id}").status_code == 200
    assert "Change the status" not in reader.get(f"/actions/{mine.id}").get_data(as_text=True)
    assert reader.get(f"/actions/{theirs.id}").status_code == 404
    listed = reader.get("/actions").get_data(as_text=True)
    assert "Ours" in listed and "Theirs" not in listed
    for url in ("/actions/new", f"/actions/{mine.id}/status", f"/actions/{mine.id}/notes"):
        answer = reader.post(url, data={"csrf_token": token, "to_status": "done", "note": "x",
                                        "title": "x", "topic": "fees"})  # fmt: skip
        assert answer.status_code == 404, url
    outsider = app.test_client()
    signed_in(outsider, staff)
    for url in ("/actions", "/actions/new", f"/actions/{mine.id}"):
        assert outsider.get(url).status_code == 404, url
    assert "/actions" not in outsider.get("/cases").get_data(as_text=True)
    session.expire_all()
    assert session.scalar(sa.select(sa.func.count()).select_from(ActionNote)) == 0


def test_before_the_first_analysis_the_shipped_topics_are_offered(client, session):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    signed_in(client, manager)
    form = client.get("/actions/new?lang=zh-CN").get_data(as_text=True)
    assert "等候时间" in form and "费用与收费" in form
