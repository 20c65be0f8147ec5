"""E-mails read as their reader reads: in their language, with words for the codes (priority,
why a case was opened, department), and times in their own zone with the zone shown."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.models import OutboxMessage, utcnow
from app.services.distribution.letters import catalogue
from app.services.feedback.survey_versions import sync_surveys
from app.web.reasons import reason_words
from app.web.words import word
from app.worker.jobs import alert_sla, notify_case_events, send_case_digests, send_invitations
from tests.factories import CustomerFactory, EventFactory, InvitationFactory, UserFactory

TOKYO = "Asia/Tokyo"  # UTC+9 all year: never the bank's UTC+8 by chance


def mail(session, kind, recipient=None):
    session.expire_all()
    query = sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return session.scalars(query).one()


def in_tokyo(moment):
    return moment.astimezone(ZoneInfo(TOKYO)).strftime("%Y-%m-%d %H:%M") + " UTC+9"


def said_in_chinese(app, say):
    with app.test_request_context(), force_locale("zh_CN"):
        return say()


@pytest.mark.parametrize("stored", ["zh_CN", "zh-CN", "zh"])
def test_every_way_of_storing_chinese_reads_chinese(stored):
    assert catalogue(stored) == "zh_CN"


@pytest.mark.parametrize("stored", ["en", "en-GB", "", None, "fr"])
def test_anything_else_reads_english(stored):
    assert catalogue(stored) == "en"


def test_a_chinese_customer_is_asked_in_chinese_until_a_time_in_their_own_zone(session):
    sync_surveys(session)
    customer = CustomerFactory(locale="zh-CN", timezone=TOKYO, name="陈美")
    closes = datetime(2031, 5, 20, 3, 30, tzinfo=UTC)
    event = EventFactory(customer=customer)
    InvitationFactory(event=event, status="scheduled", sent_at=None, expires_at=closes)
    session.commit()
    assert send_invitations()["invitations_sent"] == 1
    letter = mail(session, "invitation")
    assert in_tokyo(closes) == "2031-05-20 12:30 UTC+9"
    assert letter.subject == "您对我们的服务满意吗？一分钟问卷"
    for body in (letter.body_text, letter.body_html):
        assert "感谢您近期的网点到访" in body  # the touchpoint by its Chinese name
        assert in_tokyo(closes) in body
        assert "Dear" not in body and "Thank you" not in body


def test_a_new_case_reaches_a_chinese_colleague_in_words_and_their_own_time(
    app, session, detractor_case
):
    case = detractor_case()
    UserFactory(
        department=case.department, email="li@bank.example.com", locale="zh_CN", timezone=TOKYO
    )
    session.commit()
    notify_case_events()
    letter = mail(session, "case_new", "li@bank.example.com")
    touchpoint = case.response.touchpoint
    why = said_in_chinese(app, lambda: reason_words(case.reason, {touchpoint.code: "网点到访"}))
    priority = said_in_chinese(app, lambda: word("priority", case.priority))
    assert letter.subject == f"新工单 {case.id}（{case.priority}）"
    for body in (letter.body_text, letter.body_html):
        assert "您的团队有一个新工单。" in body and priority in body and why in body
        assert case.department.name_zh in body and "网点到访" in body
        assert in_tokyo(case.due_resolve_at) in body
        assert case.reason not in body  # the stored reason never reaches the reader as it is


def test_a_team_mailbox_reads_the_banks_first_language_and_zone(session, detractor_case):
    case = detractor_case()
    case.department.notify_email = "team@bank.example.com"
    session.commit()
    notify_case_events()
    letter = mail(session, "case_new", "team@bank.example.com")
    assert "您的团队有一个新工单。" in letter.body_text  # the bank asks in zh-CN first
    shanghai = case.due_resolve_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert shanghai.strftime("%Y-%m-%d %H:%M") + " UTC+8" in letter.body_text


def test_the_daily_digest_lists_each_case_in_words_and_the_readers_time(
    app, session, detractor_case
):
    case = detractor_case()
    case.department.notify_mode = "digest"
    UserFactory(department=case.department, email="li@bank.example.com", timezone=TOKYO)
    session.commit()
    send_case_digests()
    letter = mail(session, "case_digest")
    assert word("priority", case.priority) in letter.body_text  # "P2 · high", not "P2" alone
    assert in_tokyo(case.due_resolve_at) in letter.body_text
    assert case.reason not in letter.body_text


def test_a_deadline_alert_says_when_in_the_readers_zone_and_language(app, session, detractor_case):
    case = detractor_case()
    case.assignee = UserFactory(
        department=case.department, email="li@bank.example.com", locale="zh_CN", timezone=TOKYO
    )
    case.opened_at = utcnow() - timedelta(hours=10)
    case.due_resolve_at = utcnow() + timedelta(hours=1)
    session.commit()
    assert alert_sla() == {"sla_remind": 1}
    letter = mail(session, "case_alert")
    assert f"工单 {case.id} 即将到期" in letter.body_text
    assert in_tokyo(case.due_resolve_at) in letter.body_text
    assert in_tokyo(case.due_resolve_at) in letter.body_html
    assert said_in_chinese(app, lambda: word("priority", case.priority)) in letter.body_html
