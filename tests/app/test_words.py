"""Stored codes reach people as words in their language, and times in their own zone."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale

from app.models import CONTACT_CHANNELS, ROOT_CAUSES, CaseStatus, InvitationStatus
from app.models.customer import SEGMENTS
from app.web.brand import contrast
from app.web.local_time import local_time, offset_label
from app.web.reasons import reason_words
from app.web.words import VOCABULARY, word
from workflows.contact_rules import Ask, ContactHistory, ContactPolicy, decide


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("case_status", [status.value for status in CaseStatus]),
        ("invitation_status", [status.value for status in InvitationStatus]),
        ("segment", SEGMENTS),
        ("channel", CONTACT_CHANNELS),
        ("root_cause", ROOT_CAUSES),
    ],
)
def test_every_stored_code_has_words_in_both_languages(app, kind, codes):
    for code in codes:
        assert code in VOCABULARY[kind]
        with app.test_request_context(), force_locale("zh_CN"):
            chinese = word(kind, code)
        assert not chinese.isascii()


def test_a_code_without_words_reads_as_words_and_nothing_as_a_dash(app):
    with app.test_request_context():
        assert word("segment", "small_business") == "small business"
        assert word("segment", None) == "–"
        assert word("case_status", "in_progress") == "in progress"


def test_contact_rule_reasons_are_said_in_chinese_with_names_not_codes(app):
    now = datetime(2026, 12, 5, 15, tzinfo=UTC)  # 23:00 in Shanghai
    ask = Ask(
        touchpoint="branch_visit",
        segment="vip",
        priority=50,
        cooldown=timedelta(days=30),
        timezone="Asia/Shanghai",
        expires_at=now + timedelta(days=7),
        opted_out=False,
        overrides_fatigue=False,
    )
    history = ContactHistory(last_sent_at=now - timedelta(days=2))
    decision = decide(ask, history, ContactPolicy(), now)
    with app.test_request_context(), force_locale("zh_CN"):
        said = reason_words(f"deferred: {decision.reason}", {"branch_visit": "网点到访"})
    assert "贵宾客户" in said and "免打扰时段" in said and "Asia/Shanghai" in said
    assert "deferred" not in said and "vip" not in said and "quiet" not in said


def test_routing_reasons_name_the_touchpoint_and_an_unknown_part_is_kept(app):
    with app.test_request_context(), force_locale("zh_CN"):
        said = reason_words("NPS 2 ≤ 6; touchpoint branch_visit; channel app", {})
    assert said == "NPS 2（规则：≤ 6）；触点：branch visit；channel app"


def test_times_show_in_the_readers_zone_with_the_zone(app):
    moment = datetime(2026, 12, 5, 1, 30, tzinfo=UTC)
    with app.test_request_context():
        assert local_time(moment) == "2026-12-05 09:30 UTC+8"  # the bank's zone by default
    assert offset_label(timedelta(hours=-3, minutes=-30)) == "UTC-3:30"
    assert offset_label(timedelta()) == "UTC"


def test_text_on_the_bank_colour_stays_readable():
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#1f5fad", "#ffffff") > 4.5
    assert contrast("#ffd400", "#ffffff") < 4.5  # a yellow brand gets black text


def test_reasons_of_the_channels_are_said_in_chinese(app):
    with app.test_request_context(), force_locale("zh_CN"):
        assert reason_words("customer has no mobile number or WeChat openid") == (
            "客户没有手机号码或微信账号"
        )
        assert reason_words("sms not delivered") == "短信未送达：改用下一个渠道"
        assert reason_words("no channel delivered (tried sms, email)") == (
            "所有渠道均未送达（已尝试短信、电子邮箱）"
        )
