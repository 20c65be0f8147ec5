"""Privacy: no PII in logs, retention, erasure and export, contact details for the owner only."""

import json
import logging
from datetime import timedelta

import sqlalchemy as sa

from app.models import (
    Answer,
    AuditEntry,
    CaseEvent,
    Customer,
    Invitation,
    OutboxMessage,
    Response,
    ResponseTopic,
    TouchpointEvent,
    utcnow,
)
from app.services.accounts.api_keys import create_api_key
from app.services.cases.lifecycle import add_note
from app.services.distribution.outbox import enqueue_email, enqueue_message
from app.services.feedback.survey_versions import sync_surveys
from app.services.governance.privacy import months_before
from app.worker.jobs import JOBS, run_job
from tests.conftest import csrf_token, login
from tests.factories import PASSWORD, TouchpointFactory, UserFactory, survey_link

NAME, EMAIL = "陈美玲", "meiling.chen@example.com"
MOBILE, OPENID = "+8613912345678", "oWx_9Kd2mQ7pLr"


def test_no_customer_name_or_email_reaches_the_logs(app, client, session, caplog):
    sync_surveys(session)
    TouchpointFactory(code="branch_visit")
    _key, secret = create_api_key(session, "core")
    session.commit()
    bank = {"Authorization": f"Bearer {secret}"}
    caplog.set_level(logging.DEBUG)
    event = {
        "event_id": "evt-pii",
        "touchpoint": "branch_visit",
        "customer": {"external_id": "C-PII", "email": EMAIL, "name": NAME, "locale": "zh-CN"},
        "occurred_at": utcnow().isoformat(),
    }
    assert client.post("/api/v1/events", json=event, headers=bank).status_code in (201, 202)
    invitation = session.scalar(sa.select(Invitation))
    invitation.status, invitation.sent_at = "sent", utcnow()
    path = survey_link(app.config["SECRET_KEY"], invitation)
    session.commit()
    page = client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "nps": "1", "comment": "太慢了", "consent": "yes"}
    assert client.post(path, data=data).status_code == 200
    run_job("route_responses")
    # Whatever any layer logs at any level (none of it today), and the URLs an access log
    # would record, carry neither the customer's address nor name nor the bank's id for them.
    assert EMAIL not in caplog.text and NAME not in caplog.text and "C-PII" not in caplog.text
    assert EMAIL not in path and "C-PII" not in path


def test_months_before_counts_calendar_months():
    moment = utcnow().replace(year=2026, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert months_before(moment, 24).date().isoformat() == "2024-03-31"


def test_retention_anonymises_old_responses_and_keeps_their_scores(app, session, detractor_case):
    old, recent = detractor_case(comment="The annual fee was charged twice"), detractor_case()
    add_note(session, old, None, f"Called {NAME}", now=utcnow())
    old.response.submitted_at = utcnow() - timedelta(days=30 * 25)
    session.commit()
    assert "anonymise_old_responses" in JOBS
    assert run_job("anonymise_old_responses") == {"responses_anonymised": 1}
    session.expire_all()
    response = session.get(Response, old.response_id)
    assert response.comment == "" and response.customer_id is None
    assert response.invitation_id is None and response.anonymised_at is not None
    assert response.nps == 2 and response.nps_category == "detractor"
    answers = session.scalars(
        sa.select(Answer.question_id).where(Answer.response_id == response.id)
    )
    assert set(answers) == {"nps", "consent"}  # the free-text comment is gone
    notes = session.scalars(sa.select(CaseEvent.note).where(CaseEvent.case_id == old.id))
    assert set(notes) == {""}
    topics = session.execute(
        sa.select(ResponseTopic.topic, ResponseTopic.evidence).where(
            ResponseTopic.response_id == response.id
        )
    ).all()
    assert topics == [("fees", [])]  # still counted, without the customer's words
    assert session.get(Response, recent.response_id).comment != ""
    assert run_job("anonymise_old_responses") == {"responses_anonymised": 0}


def test_erase_removes_the_customer_everywhere_and_keeps_anonymous_scores(
    runner, session, detractor_case
):
    case = detractor_case(comment=f"{NAME} here, the fee is wrong")
    customer = case.response.customer
    customer.name, customer.email = NAME, EMAIL
    add_note(session, case, None, f"Spoke to {NAME}", now=utcnow())
    enqueue_email(
        session, kind="invitation", subject_key="invitation:x", recipient=EMAIL,
        subject="How was it?", body_text=f"Dear {NAME}", body_html="", now=utcnow(),
    )  # fmt: skip
    external_id, customer_id = customer.external_id, customer.id
    session.commit()
    result = runner.invoke(args=["customer", "erase", external_id])
    assert result.exit_code == 0, result.output
    session.expire_all()
    customer = session.get(Customer, customer_id)
    assert (customer.name, customer.email) == ("", None)
    assert customer.external_id == f"erased:{customer_id}" and customer.opted_out_at
    response = session.get(Response, case.response_id)
    assert response.nps == 2 and response.comment == "" and response.customer_id is None
    dump = " ".join(
        str(row)
        for model in (OutboxMessage, CaseEvent, Answer, TouchpointEvent, Customer, Response)
        for row in session.execute(sa.select(model.__table__)).all()
    )
    assert NAME not in dump and EMAIL not in dump and external_id not in dump
    erased = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "customer.erase"))
    assert erased.subject == f"customer:{customer_id}" and erased.actor == "cli"
    assert runner.invoke(args=["customer", "erase", external_id]).exit_code == 1


def test_export_gives_back_everything_as_json(runner, session, detractor_case):
    case = detractor_case(comment="排队太久 <b>")
    external_id = case.response.customer.external_id
    result = runner.invoke(args=["customer", "export", external_id])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["customer"]["external_id"] == external_id
    assert data["customer"]["email"] == case.response.customer.email
    [response] = data["responses"]
    assert response["comment"] == "排队太久 <b>" and response["answers"]["nps"] == 2
    assert data["cases"][0]["id"] == case.id and data["events"] and data["invitations"]
    assert session.scalar(sa.select(AuditEntry.action).where(AuditEntry.actor == "cli"))


def test_contact_details_are_masked_for_all_but_the_case_owner(client, session, detractor_case):
    case = detractor_case()
    owner, colleague = (
        UserFactory(department=case.department),
        UserFactory(department=case.department),
    )
    case.assignee = owner
    email = case.response.customer.email
    session.commit()
    login(client, colleague.email, PASSWORD)
    masked = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert email not in masked and "Mei Chen" not in masked
    assert "M** C***" in masked and "shown to the case owner only" in masked
    client.post("/auth/logout", data={"csrf_token": csrf_token(masked)})
    login(client, owner.email, PASSWORD)
    assert email in client.get(f"/cases/{case.id}").get_data(as_text=True)


def test_erase_removes_the_webhook_calls_about_the_customer_and_only_theirs(
    runner, session, detractor_case
):
    case = detractor_case()
    event_id = session.scalar(sa.select(CaseEvent.id).where(CaseEvent.case_id == case.id))
    keys = {
        f"response:{case.response_id}@1": True,  # response.received to an endpoint
        f"case_event:{event_id}": True,  # the environment's endpoint
        f"case_event:{event_id}@2": True,
        f"case_event:{event_id}0@1": False,  # another customer's event, same digits first
        f"response:{case.response_id}7@1": False,
    }
    for key in keys:
        enqueue_email(session, kind="webhook", subject_key=key, recipient="https://crm.example",
                      subject="s", body_text="{}", body_html="", now=utcnow())  # fmt: skip
    external_id = case.response.customer.external_id
    session.commit()
    assert runner.invoke(args=["customer", "erase", external_id]).exit_code == 0
    left = set(session.scalars(sa.select(OutboxMessage.subject_key)))
    assert {key for key, about_them in keys.items() if not about_them} <= left
    assert not {key for key, about_them in keys.items() if about_them} & left


def test_erase_and_export_cover_the_mobile_the_openid_and_their_messages(
    runner, session, detractor_case
):
    case = detractor_case()
    customer = case.response.customer
    customer.mobile, customer.wechat_openid, customer.preferred_channel = MOBILE, OPENID, "sms"
    for channel, recipient in (("sms", MOBILE), ("wechat", OPENID)):
        enqueue_message(
            session, channel=channel, kind="invitation", subject_key=f"invitation:{channel}",
            recipient=recipient, body_text="1分钟问卷 https://bank.example/r/Ab3dE5g", now=utcnow(),
        )  # fmt: skip
    external_id, customer_id = customer.external_id, customer.id
    session.commit()

    exported = json.loads(runner.invoke(args=["customer", "export", external_id]).output)
    assert exported["customer"]["mobile"] == MOBILE
    assert exported["customer"]["wechat_openid"] == OPENID
    assert {(m["channel"], m["recipient"]) for m in exported["messages"]} >= {
        ("sms", MOBILE),
        ("wechat", OPENID),
    }

    assert runner.invoke(args=["customer", "erase", external_id]).exit_code == 0
    session.expire_all()
    erased = session.get(Customer, customer_id)
    assert (erased.mobile, erased.wechat_openid, erased.preferred_channel) == (None, None, None)
    dump = " ".join(str(row) for row in session.execute(sa.select(OutboxMessage.__table__)).all())
    assert MOBILE not in dump and OPENID not in dump
