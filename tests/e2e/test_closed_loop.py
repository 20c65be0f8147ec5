"""The whole loop once, as its users meet it: bank system, customer's inbox, staff, manager."""

import re
from datetime import timedelta

from app.models import utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.feedback.survey_versions import sync_surveys
from tests.conftest import body_of, csrf_token, login
from tests.factories import PASSWORD, TouchpointFactory, UserFactory


def test_an_event_becomes_a_survey_a_case_and_a_closed_loop(
    mail_app, client, runner, session, smtp_server
):
    sync_surveys(session)
    touchpoint = TouchpointFactory(code="loan_approval", name="Loan approval", name_zh="贷款审批")
    staff = UserFactory(department=touchpoint.department)
    _key, secret = create_api_key(session, "loan-origination")
    session.commit()
    bank = {"Authorization": f"Bearer {secret}"}

    accepted = client.post(
        "/api/v1/events",
        headers=bank,
        json={
            "event_id": "los-778",
            "touchpoint": "loan_approval",
            "customer": {
                "external_id": "C-9",
                "email": "wei@example.com",
                "name": "王伟",
                "locale": "zh-CN",
                "segment": "vip",
            },
            "occurred_at": (utcnow() - timedelta(hours=3)).isoformat(),
        },
    )
    assert accepted.status_code == 202

    first_run = runner.invoke(args=["workflows", "run-once"])
    assert "invitations sent: 1" in first_run.output
    assert "emails sent: 1" in first_run.output
    [email] = smtp_server.messages
    assert email["To"] == "wei@example.com"
    text = body_of(email)
    assert "贷款审批" in text and "王伟" in text
    link = re.search(r"http://localhost(/s/\S+)", text).group(1)
    assert link in body_of(email, "html")
    assert "C-9" not in link and "wei" not in link

    form = client.get(link).get_data(as_text=True)
    answered = client.post(
        link, data={"csrf_token": csrf_token(form), "nps": "2", "comment": "审批太慢了"}
    )
    assert answered.status_code == 200
    assert client.post(link, data={"csrf_token": csrf_token(form), "nps": "9"}).status_code == 409

    second_run = runner.invoke(args=["workflows", "run-once"])
    assert "cases opened: 1" in second_run.output
    assert "cases opened: 0" in runner.invoke(args=["workflows", "run-once"]).output

    login(client, staff.email, PASSWORD)
    inbox = client.get("/cases").get_data(as_text=True)
    case_id = re.search(r'href="/cases/(\d+)"', inbox).group(1)
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "审批太慢了" in case_page and "P1" in case_page
    client.post(
        f"/cases/{case_id}/resolve",
        data={
            "csrf_token": csrf_token(case_page),
            "version": re.search(r'name="version" value="(\d+)"', case_page).group(1),
            "root_cause": "process_or_documents",
            "summary": "Approved the appeal",
        },
    )

    figures = client.get("/api/v1/metrics/closed-loop", headers=bank).get_json()
    assert (figures["cases_total"], figures["cases_closed"], figures["closure_rate"]) == (1, 1, 1.0)
    assert figures["median_hours_to_close"] is not None
