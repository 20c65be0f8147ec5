"""Topics as an admin keeps them at /admin/topics: the list with keyword counts and recent
matches, a topic's names and keywords in both languages edited with its history beside the
form, a new topic, deactivating one; every change on the audit log and followed by reading every
comment again, whose progress the page shows. CX managers read; they change nothing."""

from datetime import timedelta

import sqlalchemy as sa

from app.models import AnalysisRun, AuditEntry, Response, ResponseTopic, Topic, utcnow
from app.services.cases.case_routing import route_response
from app.services.feedback.survey_versions import sync_surveys
from app.services.feedback.topic_analysis import taxonomy
from app.worker.jobs import reanalyse_comments
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, InvitationFactory, UserFactory, answer
from workflows.sla import BusinessCalendar

FEES = {
    "name": "Fees and charges",
    "name_zh": "费用与收费",
    "keywords_en": "fee, charge\nsurcharge",
    "keywords_zh": "手续费，年费",
    "exclude": "free trial",
    "active": "y",
}


def comment(session, text, *, days_ago=0):
    sync_surveys(session)
    at = utcnow() - timedelta(days=days_ago)
    response_id = answer(session, InvitationFactory(), {"nps": 4, "comment": text}, now=at)
    route_response(session, response_id, now=at, calendar=BusinessCalendar())
    session.commit()
    return response_id


def post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def runs(session):
    session.expire_all()
    return session.scalars(sa.select(AnalysisRun).order_by(AnalysisRun.id)).all()


def test_the_list_counts_keywords_and_this_months_comments_per_topic(client, session, admin):
    comment(session, "The fee was a surprise")
    comment(session, "Another fee, and a long wait")
    comment(session, "A fee long ago", days_ago=40)
    page = client.get("/admin/topics").get_data(as_text=True)
    fees = page[page.index("Fees and charges") :].split("</tr>")[0]
    assert "22 English, 25 Chinese" in fees
    assert '<td data-label="Comments, last 30 days">2</td>' in fees
    assert "Comments have not been read again yet" in page
    assert "Read every comment again" in page


def test_an_admin_edits_a_topics_keywords_on_the_log_and_comments_are_read_again(
    client, session, admin
):
    response_id = comment(session, "They charged a surcharge on my transfer")
    assert post(client, "/admin/topics/fees", FEES).status_code == 302
    fees = session.scalar(sa.select(Topic).where(Topic.code == "fees"))
    session.refresh(fees)
    assert (fees.keywords_en, fees.keywords_zh) == (
        ["fee", "charge", "surcharge"],
        ["手续费", "年费"],
    )
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.subject == "topic:fees"))
    assert entry.action == "topic.update" and entry.actor == f"user:{admin.id}"
    assert entry.detail["changes"]["keywords_zh"][1] == ["手续费", "年费"]
    [run] = runs(session)
    assert (run.reason, run.total, run.done, run.finished_at) == ("taxonomy changed", 1, 0, None)
    listing = client.get("/admin/topics").get_data(as_text=True)
    assert "0 of 1 comments read again" in listing and "The topics changed" in listing
    edit = client.get("/admin/topics/fees").get_data(as_text=True)
    assert (
        "History" in edit and "Chinese keywords" in edit and "charge\nsurcharge</textarea>" in edit
    )

    assert post(client, "/admin/topics/fees", FEES).status_code == 302
    assert len(runs(session)) == 1  # nothing changed, nothing to read again

    assert reanalyse_comments() == {"comments_read_again": 1}
    evidence = session.scalar(
        sa.select(ResponseTopic.evidence).where(
            ResponseTopic.response_id == response_id, ResponseTopic.topic == "fees"
        )
    )
    assert evidence == ["surcharge"]  # "charged" is no longer a keyword
    assert "1 of 1 comments read again" in client.get("/admin/topics").get_data(as_text=True)


def test_an_admin_adds_a_topic_that_later_comments_are_given(client, session, admin):
    new = {**FEES, "name": "ATM network", "name_zh": "自助设备", "keywords_en": "cash machine",
           "keywords_zh": "取款机", "exclude": ""}  # fmt: skip
    refused = post(client, "/admin/topics/new", {**new, "code": "ATM!"})
    assert "lower-case letters" in refused.get_data(as_text=True)
    taken = post(client, "/admin/topics/new", {**new, "code": "fees"})
    assert "Another topic already has this code." in taken.get_data(as_text=True)
    nothing = post(client, "/admin/topics/new", {**new, "code": "atm", "keywords_en": "*, ,"})
    assert "at least one letter or digit" in nothing.get_data(as_text=True)
    assert runs(session) == []

    assert post(client, "/admin/topics/new", {**new, "code": "atm_network"}).status_code == 302
    assert [topic.code for topic in taxonomy(session)][-1] == "atm_network"
    assert len(taxonomy(session)) == 12  # the shipped eleven stay
    [run] = runs(session)
    assert run.reason == "taxonomy changed"
    response_id = comment(session, "The cash machine swallowed my card")
    topics = session.scalars(
        sa.select(ResponseTopic).where(ResponseTopic.response_id == response_id)
    ).all()
    assert {(t.topic, tuple(t.evidence)) for t in topics} == {
        ("atm_network", ("cash machine",)),
        ("cards", ("card",)),
    }


def test_a_deactivated_topic_is_no_longer_given(client, session, admin):
    client.get("/admin/topics")
    assert post(client, "/admin/topics/fees", {**FEES, "active": ""}).status_code == 302
    assert "fees" not in {topic.code for topic in taxonomy(session)}
    response_id = comment(session, "The fee was too high")
    assert (
        session.scalars(
            sa.select(ResponseTopic.topic).where(ResponseTopic.response_id == response_id)
        ).all()
        == []
    )
    assert "Inactive" in client.get("/admin/topics").get_data(as_text=True)


def test_an_admin_asks_for_every_comment_to_be_read_again(client, session, admin):
    comment(session, "Great app")
    session.execute(sa.update(Response).values(polarity=-0.9))  # an older analyser's reading
    session.commit()
    token = csrf_token(client.get("/admin/topics").get_data(as_text=True))
    assert client.post("/admin/topics/reanalyse", data={"csrf_token": token}).status_code == 302
    [run] = runs(session)
    assert run.reason == "asked"
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "topic.reanalyse"))
    assert entry.actor == f"user:{admin.id}"
    assert "An admin asked for it" in client.get("/admin/topics").get_data(as_text=True)
    reanalyse_comments()
    session.expire_all()
    assert session.scalar(sa.select(Response.polarity)) > 0
    assert "Finished" in client.get("/admin/topics").get_data(as_text=True)


def test_a_cx_manager_reads_the_topics_and_changes_nothing(app, client, session):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    page = client.get("/admin/topics").get_data(as_text=True)
    assert "Fees and charges" in page and "Read every comment again" not in page
    token = csrf_token(page)
    assert client.post("/admin/topics/fees", data={**FEES, "csrf_token": token}).status_code == 403
    assert client.post("/admin/topics/reanalyse", data={"csrf_token": token}).status_code == 403
    assert runs(session) == []
