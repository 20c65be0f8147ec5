"""Bank topics of a comment: the shipped taxonomy, evidence, several topics, both languages,
false friends, and a taxonomy handed in by the caller."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys.topics import (
    DEFAULT_TAXONOMY,
    Topic,
    TopicMatch,
    assign_topics,
    default_taxonomy,
    load_taxonomy,
    topic_from_data,
)

CODES = [
    "fees",
    "waiting_time",
    "staff_attitude",
    "staff_knowledge",
    "digital_banking",
    "cards",
    "loans",
    "fraud_security",
    "documents_process",
    "communication",
    "branch_environment",
]


def codes(text: str, taxonomy: list[Topic] | None = None) -> list[str]:
    return [
        m.code for m in assign_topics(text, default_taxonomy() if taxonomy is None else taxonomy)
    ]


def evidence(text: str, code: str) -> tuple[str, ...]:
    return next(m.evidence for m in assign_topics(text, default_taxonomy()) if m.code == code)


def test_default_taxonomy_names_every_topic_in_both_languages() -> None:
    taxonomy = default_taxonomy()
    assert [topic.code for topic in taxonomy] == CODES
    for topic in taxonomy:
        assert topic.name("en") and topic.name("zh-CN") and topic.name_en != topic.name_zh
        assert topic.keywords_en and topic.keywords_zh, topic.code


def test_default_taxonomy_is_a_fresh_list_each_time() -> None:
    extended = default_taxonomy()
    extended.append(Topic("pensions", "Pensions", "养老金", ("pension",), ("养老金",)))
    assert [t.code for t in default_taxonomy()] == CODES


def test_chinese_comment_with_evidence() -> None:
    found = assign_topics("排了一个小时的队，柜员态度还很差。", default_taxonomy())
    assert found == [
        TopicMatch("waiting_time", ("排了", "小时")),
        TopicMatch("staff_attitude", ("柜员", "态度")),
    ]


def test_english_comment_with_several_topics() -> None:
    text = "Charged a late fee on my credit card, and nobody called me back."
    assert codes(text) == ["fees", "cards", "communication"]
    assert evidence(text, "fees") == ("Charged", "fee")
    assert evidence(text, "communication") == ("called me back",)


def test_mixed_comment_finds_english_words_between_han_characters() -> None:
    text = "客户经理Amy很nice，帮我把mortgage的paperwork全搞定了。"
    assert codes(text) == ["staff_attitude", "loans", "documents_process"]
    assert evidence(text, "loans") == ("mortgage",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("APP很卡，一直卡在登录页面。", ["digital_banking"]),  # 卡 lags here, it is no card
        ("信用卡被盗刷了五千。", ["cards", "fraud_security"]),
        ("I will apply for a loan next month.", ["loans"]),  # "app" is not in "apply"
        ("We queued for ages at the branch.", ["waiting_time"]),
        ("The fees were high and the exchange rate was poor.", ["fees"]),  # not a loan rate
        ("今天来取钱", []),
        ("", []),
        ("   ", []),
    ],
)
def test_keywords_match_whole_words_and_respect_exclusions(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_plurals_and_open_endings() -> None:
    assert evidence("Two FEES on one statement", "fees") == ("FEES",)
    assert evidence("queuing, queued, queues", "waiting_time") == ("queuing", "queued", "queues")


def test_negation_keeps_the_topic() -> None:
    """ "不用排队" is still about waiting; the sentiment, not the topic, carries the negation."""
    assert codes("今天不用排队。") == ["waiting_time"]
    assert codes("No hidden fees at all.") == ["fees"]


def test_custom_taxonomy_is_used_instead_of_the_default() -> None:
    pensions = topic_from_data(
        {
            "code": "pensions",
            "name": {"en": "Pensions", "zh-CN": "养老金"},
            "keywords": {"en": ["pension*", "retirement"], "zh-CN": ["养老金", "退休"]},
            "exclude": ["pension fund news"],
        }
    )
    taxonomy = [pensions]
    assert assign_topics("养老金什么时候到账？", taxonomy) == [TopicMatch("pensions", ("养老金",))]
    assert assign_topics("My Pensions and my retirement", taxonomy) == [
        TopicMatch("pensions", ("Pensions", "retirement"))
    ]
    assert assign_topics("pension fund news", taxonomy) == []
    assert assign_topics("排了一个小时的队", taxonomy) == []  # no default topic sneaks in


def test_admin_topic_extends_the_default() -> None:
    taxonomy = [
        *default_taxonomy(),
        Topic("insurance", "Insurance", "保险", ("insurance",), ("保险",)),
    ]
    assert codes("柜员一直推销保险。", taxonomy) == ["staff_attitude", "insurance"]


def test_topic_from_data_cleans_and_checks() -> None:
    topic = topic_from_data(
        {"code": "atm", "keywords": {"en": [" ATM ", "atm", ""], "zh-CN": None}}
    )
    assert topic == Topic("atm", "atm", "atm", ("atm",), ())
    with pytest.raises(ValueError, match="lower-case"):
        topic_from_data({"code": "Bad Code"})


def test_load_taxonomy_rejects_a_code_used_twice(tmp_path: Path) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text("topics:\n  - code: fees\n  - code: fees\n", encoding="utf-8")
    with pytest.raises(ValueError, match="used twice: fees"):
        load_taxonomy(path)
    assert [t.code for t in load_taxonomy(DEFAULT_TAXONOMY)] == CODES
