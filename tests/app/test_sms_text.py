"""What an SMS invitation says: signature, the bank's text or the default, link, opt-out line."""

import pytest

from app.models import ChannelSettings
from app.services.distribution.channels.sms import (
    cloud_template_params,
    is_opt_out_reply,
    measure,
    sms_text,
)
from workflows.message_length import segments

LINK = "https://bank.example/r/Ab3dE5g"


def settings(**fields):
    defaults = {"sms_signature": "【翠港银行】", "sms_text_zh": "", "sms_text_en": ""}
    return ChannelSettings(**{"sms_opt_out_keyword": "TD", **defaults, **fields})


def test_the_chinese_default_carries_signature_link_and_opt_out_line():
    text = sms_text(settings(), language="zh", touchpoint_name="网点到访", link=LINK)
    assert text == f"【翠港银行】网点到访体验如何？1分钟问卷：{LINK} 回TD退订"


def test_the_english_default_names_the_touchpoint_and_the_keyword():
    text = sms_text(settings(sms_signature=""), language="en", touchpoint_name="branch visit",
                    link=LINK)  # fmt: skip
    assert text == f"How was your branch visit? 1-min survey: {LINK} Reply TD to opt out"
    assert segments(text).encoding == "GSM-7"
    assert segments(text).segments == 1


def test_the_chinese_default_fits_one_sms_with_a_touchpoint_name_of_17_characters():
    name = "个人住房贷款放款后回访服务体验调查"[:17]
    text = sms_text(settings(), language="zh", touchpoint_name=name, link=LINK)
    assert segments(text).segments == 1
    longer = sms_text(settings(), language="zh", touchpoint_name=name + "查", link=LINK)
    assert segments(longer).segments == 2


def test_the_banks_own_text_and_keyword_replace_the_defaults():
    own = settings(sms_text_zh="您好，请评价{touchpoint}：{link}", sms_opt_out_keyword="N")
    text = sms_text(own, language="zh", touchpoint_name="开户", link=LINK)
    assert text == f"【翠港银行】您好，请评价开户：{LINK} 回N退订"


def test_a_text_without_the_link_placeholder_still_carries_the_link():
    text = sms_text(settings(sms_text_en="Tell us about {touchpoint}"), language="en",
                    touchpoint_name="your loan", link=LINK)  # fmt: skip
    assert text == f"【翠港银行】Tell us about your loan {LINK} Reply TD to opt out"


def test_braces_in_the_banks_text_or_the_name_are_kept_as_written():
    text = sms_text(settings(sms_text_en="{x} {touchpoint}: {link}"), language="en",
                    touchpoint_name="{link}", link=LINK)  # fmt: skip
    assert text.startswith(f"【翠港银行】{{x}} {{link}}: {LINK}")


def test_measure_uses_a_link_as_long_as_the_real_ones():
    length = measure(settings(), language="zh", touchpoint_name="网点到访",
                     base_url="https://bank.example/")  # fmt: skip
    expected = sms_text(settings(), language="zh", touchpoint_name="网点到访", link=LINK)
    assert (length.encoding, length.characters, length.segments) == ("UCS-2", len(expected), 1)


def test_the_cloud_template_gets_the_touchpoint_and_the_links_path_not_a_url():
    assert cloud_template_params(touchpoint_name="网点到访", link=LINK) == ["网点到访", "r/Ab3dE5g"]


@pytest.mark.parametrize("reply", ["TD", " td ", "T", "退订", "n", "N\n"])
def test_opt_out_replies_are_recognised_in_any_case(reply):
    assert is_opt_out_reply(reply, "N")


@pytest.mark.parametrize("reply", ["谢谢", "TDD", "", "not TD"])
def test_other_replies_do_not_opt_out(reply):
    assert not is_opt_out_reply(reply, "N")
