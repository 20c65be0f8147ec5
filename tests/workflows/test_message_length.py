"""How many SMS a text takes, in Chinese and English, as the admin is told and the bank billed."""

import pytest

from workflows.message_length import SmsLength, segments

LINK = "https://bank.example/r/Ab3dE5g"


def test_plain_english_is_gsm7_and_fits_160_characters_in_one_sms():
    assert segments("a" * 160) == SmsLength("GSM-7", 160, 1)
    assert segments("a" * 161) == SmsLength("GSM-7", 161, 2)


def test_a_long_gsm7_text_is_cut_into_parts_of_153():
    assert segments("a" * 306).segments == 2
    assert segments("a" * 307).segments == 3


def test_gsm7_extension_characters_count_twice_and_are_never_split_across_parts():
    assert segments("{}€") == SmsLength("GSM-7", 6, 1)
    assert segments("a" * 158 + "€").segments == 1
    assert segments("a" * 159 + "€") == SmsLength("GSM-7", 161, 2)
    # 152 characters and a two-septet one: it cannot take the 153rd place, so a third part.
    assert segments("a" * 152 + "€" + "a" * 152).segments == 3


def test_chinese_is_ucs2_and_fits_70_characters_in_one_sms():
    assert segments("好" * 70) == SmsLength("UCS-2", 70, 1)
    assert segments("好" * 71) == SmsLength("UCS-2", 71, 2)
    assert segments("好" * 134).segments == 2
    assert segments("好" * 135).segments == 3


def test_a_character_outside_the_basic_plane_counts_two_code_units():
    assert segments("😀") == SmsLength("UCS-2", 2, 1)
    assert segments("好" * 69 + "😀").segments == 2


def test_one_chinese_character_makes_a_whole_english_text_ucs2():
    text = f"How was your branch visit? 1-min survey: {LINK} Reply TD to opt out"
    assert segments(text) == SmsLength("GSM-7", len(text), 1)
    signed = f"【Harbour Bank】{text}"
    assert segments(signed).encoding == "UCS-2"
    assert segments(signed).segments == 2


def test_a_chinese_invitation_with_its_link_fits_one_sms():
    text = f"【翠港银行】网点到访体验如何？1分钟问卷：{LINK} 回TD退订"
    assert segments(text) == SmsLength("UCS-2", len(text), 1)


@pytest.mark.parametrize("text", ["", "@£$¥", "\n\r"])
def test_short_gsm7_texts_take_one_sms(text):
    assert segments(text).segments == 1
    assert segments(text).encoding == "GSM-7"
