"""Reach by channel: invitations each channel carried, what the providers' receipts said, the
answers; QR code answers counted apart as anonymous. Figures worked out by hand below."""

from datetime import timedelta

import pytest

from app.extensions import db
from app.models import OutboxMessage, Response, utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.reports.channels import channel_reach
from app.services.reports.filters import ReportFilter
from tests.app.openapi_check import assert_matches_openapi
from tests.conftest import login
from tests.factories import (
    PASSWORD,
    DepartmentFactory,
    InvitationFactory,
    TouchpointFactory,
    UserFactory,
)

NOW = utcnow()
PERIOD = ReportFilter(start=NOW - timedelta(days=7), end=NOW + timedelta(hours=1))


def invited(touchpoint, channel, *, answered=False, days_ago=1, messages=()):
    """An invitation sent by `channel`, and its messages as (channel, status, receipt)."""
    sent_at = NOW - timedelta(days=days_ago)
    invitation = InvitationFactory(
        event__touchpoint=touchpoint,
        status="answered" if answered else "sent",
        sent_at=sent_at,
        channel=channel,
    )
    for number, (by, status, receipt) in enumerate(messages):
        invitation_message(invitation, number, by, status, receipt, sent_at)
    return invitation


def invitation_message(invitation, number, channel, status, receipt, at):
    db.session.add(
        OutboxMessage(
            kind="invitation",
            subject_key=f"invitation:{invitation.id}:{number}",
            recipient="+8613800000000" if channel == "sms" else "someone@example.com",
            subject="",
            body_text="",
            body_html="",
            status=status,
            next_attempt_at=at,
            channel=channel,
            invitation_id=invitation.id,
            delivery_status=receipt,
        )
    )


def scanned(session, touchpoint, *, days_ago=1):
    """An anonymous answer through a branch's QR code."""
    session.add(
        Response(
            invitation_id=None,
            customer_id=None,
            survey_code="touchpoint_nps",
            survey_version=1,
            touchpoint_id=touchpoint.id,
            journey_stage=touchpoint.journey_stage,
            department_id=touchpoint.department_id,
            channel="qr",
            segment="unknown",
            branch="Central",
            submitted_at=NOW - timedelta(days=days_ago),
            nps=9,
            language="zh",
        )
    )


@pytest.fixture
def bank(session):
    branch = TouchpointFactory(code="branch_visit", department=DepartmentFactory(code="branches"))
    loans = TouchpointFactory(code="loan_approved", department=DepartmentFactory(code="loans"))
    # SMS: two delivered (one answered), one reported undelivered, one with no receipt yet.
    invited(branch, "sms", answered=True, messages=[("sms", "sent", "delivered")])
    invited(branch, "sms", messages=[("sms", "sent", "delivered")])
    invited(branch, "sms", messages=[("sms", "sent", "undelivered")])
    invited(loans, "sms", messages=[("sms", "sent", "")])
    # E-mail: one after an SMS that was not delivered, one that bounced; two answered.
    invited(
        branch,
        "email",
        answered=True,
        messages=[("sms", "sent", "undelivered"), ("email", "sent", "")],
    )
    invited(branch, "email", answered=True, messages=[("email", "sent", "")])
    invited(loans, "email", messages=[("email", "failed", "")])
    # WeChat: delivered, not answered.
    invited(loans, "wechat", messages=[("wechat", "sent", "delivered")])
    # Before the period: not counted.
    invited(branch, "sms", answered=True, days_ago=30, messages=[("sms", "sent", "delivered")])
    scanned(session, branch)
    scanned(session, branch)
    scanned(session, branch, days_ago=30)
    session.commit()
    return type("Bank", (), {"branch": branch, "loans": loans})


def figures(rows):
    return {
        row.channel: (row.invitations, row.delivered, row.failed, row.responses, row.response_rate)
        for row in rows
    }


def test_each_channel_with_its_deliveries_and_answers(session, bank):
    assert figures(channel_reach(session, PERIOD)) == {
        "email": (3, None, 1, 2, 0.6667),  # e-mail has no receipts: no delivered figure
        "sms": (4, 2, 2, 1, 0.25),  # the SMS that fell back to e-mail counts as undelivered
        "wechat": (1, 1, 0, 0, 0.0),
        "qr": (None, None, None, 2, None),  # anonymous: nobody was invited
    }


def test_the_dashboards_filters_apply(session, bank):
    loans = ReportFilter(start=PERIOD.start, end=PERIOD.end, department_id=bank.loans.department_id)
    assert figures(channel_reach(session, loans)) == {
        "email": (1, None, 1, 0, 0.0),
        "sms": (1, 0, 0, 0, 0.0),
        "wechat": (1, 1, 0, 0, 0.0),
    }
    only_sms = ReportFilter(start=PERIOD.start, end=PERIOD.end, channel="sms")
    assert list(figures(channel_reach(session, only_sms))) == ["sms"]
    only_qr = ReportFilter(start=PERIOD.start, end=PERIOD.end, channel="qr")
    assert figures(channel_reach(session, only_qr)) == {"qr": (None, None, None, 2, None)}


def test_the_dashboard_shows_reach_by_channel(client, session, bank):
    manager = UserFactory(role="cx_manager", department=None)
    session.commit()
    login(client, manager.email, PASSWORD)
    page = client.get("/dashboard").get_data(as_text=True)
    table = page[page.index('id="by-channel"') : page.index("</table>", page.index("by-channel"))]
    rows = [row.split("</tr>")[0] for row in table.split("<tr>")[2:]]
    assert "E-mail" in rows[0] and '<td data-label="Delivered">–</td>' in rows[0]
    assert "SMS" in rows[1] and '<td data-label="Delivered">2</td>' in rows[1]
    assert "25.0&nbsp;%" in rows[1]
    assert "QR code (anonymous)" in rows[3] and '<td data-label="Responses">2</td>' in rows[3]


def test_the_api_gives_the_same_reach_by_channel(client, session, bank):
    _key, secret = create_api_key(session, "bi", scopes=["metrics:read"])
    session.commit()
    first, last = (NOW - timedelta(days=7)).date(), NOW.date()
    reply = client.get(
        f"/api/v1/metrics/channels?start={first}&end={last}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert_matches_openapi("/api/v1/metrics/channels", "GET", reply)
    rows = {row["channel"]: row for row in reply.get_json()["channels"]}
    assert (rows["sms"]["invitations"], rows["sms"]["delivered"], rows["sms"]["failed"]) == (
        4,
        2,
        2,
    )
    assert (rows["email"]["delivered"], rows["qr"]["invitations"], rows["qr"]["responses"]) == (
        None,
        None,
        2,
    )
