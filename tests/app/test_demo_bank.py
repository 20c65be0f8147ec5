"""The demo bank a newcomer finds after `make run`: months of history with figures a bank would
believe, in its own name, and nothing of its past left waiting to be sent."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.demo.bank import seed_demo
from app.demo.catalogue import CSAT, PROFILE, TOUCHPOINTS
from app.demo.comments import comments
from app.models import (
    OPEN_STATUSES,
    Bank,
    Case,
    CaseStatus,
    Invitation,
    InvitationStatus,
    OutboxMessage,
    OutboxStatus,
    Response,
)
from app.services.cases.notifications import Channels, publish_case_events, publish_responses
from app.services.reports.filters import ReportFilter, last_days
from app.services.reports.loop import closed_loop
from app.services.reports.scores import GroupBy, overall, scores

# Banks and companies the CFPB narratives named, and banks a Chinese customer might name.
OTHER_BANKS = re.compile(
    r"\b(wells fargo|bank of america|bofa|boa|chase|citi|citibank|citizens|capital one|hsbc|"
    r"td|td bank|suntrust|bbva|usaa|navy federal|synchrony|regions|us bank|santander|paypal|"
    r"experian|transunion|tran union|equifax|navient|american express|amex|flagstar|ditech|"
    r"freedom mortgage|bayview|carrington|phh|sps|mariner|netcredit|telecheck|coinbase|"
    r"myfedloan|lvnv|early warning|vectra|guild mortgage|best buy|mastercard|visa)\b"
    r"|Discover\b|工商银行|建设银行|农业银行|中国银行|招商银行|交通银行|平安银行",
    re.IGNORECASE,
)
MASKED = re.compile(r"X{2,}|XX/|\{\$")
# 02:00 in Shanghai, where the bank is: its customers' quiet hours.
NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def test_every_comment_the_demo_writes_is_in_its_own_name():
    written = list(comments().every())
    assert len(written) > 150
    assert [text for text in written if OTHER_BANKS.search(text)] == []
    assert [text for text in written if MASKED.search(text)] == []
    assert any("Jade Harbour" in text for text in written)
    assert any(re.search(r"[\u4e00-\u9fff]", text) for text in written)  # Chinese ones too


def test_the_demo_bank_has_months_of_believable_history(app, session):
    report = seed_demo(session, now=NIGHT)
    session.commit()
    assert session.get(Bank, 1).name == PROFILE["name"]
    first = session.scalar(sa.select(sa.func.min(Response.submitted_at)))
    assert NIGHT - first.replace(tzinfo=UTC) > timedelta(days=120)

    # The dashboard's default: the last 30 days. Every touchpoint shows its score.
    start, end = last_days(NIGHT.date())
    month = ReportFilter(start, end)
    minimum = app.config["DASHBOARD_MIN_SAMPLE"]
    rows = {row.key: row for row in scores(session, month, GroupBy.TOUCHPOINT, min_sample=minimum)}
    assert set(rows) == {touchpoint.code for touchpoint in TOUCHPOINTS}
    for touchpoint in TOUCHPOINTS:
        row = rows[touchpoint.code]
        shown, sample = (
            (row.csat, row.csat_n) if touchpoint.survey == CSAT else (row.nps, row.nps_n)
        )
        assert shown is not None and sample >= minimum, (touchpoint.code, sample)
    for period in (month, ReportFilter()):
        answered = overall(scores(session, period, GroupBy.TOUCHPOINT, min_sample=minimum),
                           min_sample=minimum)  # fmt: skip
        assert 0.20 <= answered.response_rate <= 0.40, answered.response_rate
    expired = session.scalar(
        sa.select(sa.func.count())
        .select_from(Invitation)
        .where(Invitation.status == InvitationStatus.EXPIRED, Invitation.sent_at.is_not(None))
    )
    assert expired > 1000  # unanswered invitations expire like real ones

    # Cases in every state a department sees, and a loop a bank would believe.
    cases = session.scalars(sa.select(Case)).all()
    assert report.cases == len(cases) > 200
    statuses = {case.status for case in cases}
    assert {CaseStatus.CLOSED, CaseStatus.CANCELLED} <= statuses
    open_cases = [case for case in cases if case.status in OPEN_STATUSES]
    overdue = [case for case in open_cases if case.due_resolve_at.replace(tzinfo=UTC) < NIGHT]
    assert len(open_cases) > len(overdue) > 0
    assert any(case.reopen_count for case in cases)
    loop = closed_loop(session, ReportFilter(), now=NIGHT)
    assert loop.detractors_rescued > 20  # resolved, and the customer said yes, happily
    assert 0.6 <= loop.close_the_loop_rate <= 0.95
    assert 0.8 <= loop.closure_rate < 1

    # Its words are its own, in both languages.
    said = [text for text in session.scalars(sa.select(Response.comment)) if text]
    assert [text for text in said if OTHER_BANKS.search(text) or MASKED.search(text)] == []
    assert {r.language for r in session.scalars(sa.select(Response))} == {"en", "zh-CN"}

    # The past went out in the past: starting the worker e-mails none of it again.
    waiting = sa.select(sa.func.count()).select_from(OutboxMessage)
    assert session.scalar(waiting.where(OutboxMessage.status == OutboxStatus.PENDING)) == 0
    channels = Channels(app.config["BASE_URL"])
    assert not publish_case_events(session, now=NIGHT, channels=channels, settle=timedelta(0))
    assert publish_responses(session, now=NIGHT, settle=timedelta(0)) == 0
