"""Offline bilingual sentiment: language routing, sign on clear cases, odd input, accuracy."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from textblob import TextBlob

from surveys.sentiment import EN_MAX_CHARS, ZH_MAX_CHARS, Sentiment, analyse, detect_language

LABELLED = Path(__file__).parent / "data" / "sentiment_labelled.csv"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("手机银行更新后一直登录不了", "zh-CN"),
        ("The branch staff were friendly and quick.", "en"),
        ("我的app转账一直失败", "zh-CN"),
        ("适配iPhoneX！！！", "zh-CN"),
        ("The advisor at the 上海 branch was very helpful with my mortgage.", "en"),
        ("", "en"),
        ("   ", "en"),
        ("😀👍", "en"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "  \n\t "])
def test_blank_text_has_no_polarity(text: str) -> None:
    assert analyse(text) == Sentiment(polarity=None, language="en")


@pytest.mark.parametrize(
    ("text", "language", "sign"),
    [
        ("The staff were friendly and helpful, excellent service.", "en", 1),
        ("Terrible experience, the worst bank I have ever used.", "en", -1),
        ("柜员服务很好，办理很快，非常满意。", "zh-CN", 1),
        ("太差了，排队两个小时也没人管。", "zh-CN", -1),
    ],
)
def test_clear_cases_have_the_right_sign(text: str, language: str, sign: int) -> None:
    result = analyse(text)
    assert result.language == language
    assert result.polarity is not None
    assert -1.0 <= result.polarity <= 1.0
    assert result.polarity * sign > 0.2
    assert result.polarity == round(result.polarity, 3)


def test_negative_cue_corrects_textblob_zero() -> None:
    text = "My debit card is still not working."
    assert TextBlob(text).sentiment.polarity == 0
    polarity = analyse(text).polarity
    assert polarity is not None and polarity < 0


def test_negative_cue_does_not_override_clear_praise() -> None:
    polarity = analyse("Excellent app, the refund arrived the same day.").polarity
    assert polarity is not None and polarity > 0


@pytest.mark.parametrize(
    "text",
    [
        "😀👍🏦🙏🙏",
        "XXXX XXXX charged my account on XX/XX/XXXX",
        "!!!???...",
        "。。。！！！？？？",
        "……",
        "ok 👍 好",
        "\x00\u200b\ufeff",
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    result = analyse(text)
    assert result.language in {"en", "zh-CN"}
    assert result.polarity is not None
    assert -1.0 <= result.polarity <= 1.0


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("The app is great. " * 100 + "The app is awful and useless. " * 400, EN_MAX_CHARS),
        ("服务很好。" * 300 + "太差了，根本没法用。" * 800, ZH_MAX_CHARS),
    ],
)
def test_long_text_is_truncated(text: str, limit: int) -> None:
    assert len(text) > 5 * limit
    start = time.perf_counter()
    result = analyse(text)
    assert time.perf_counter() - start < 2.0
    assert result == analyse(text[:limit])
    assert result.polarity is not None and result.polarity > 0


def labelled_rows() -> list[dict[str, str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_labelled_set_is_balanced() -> None:
    rows = labelled_rows()
    for language in ("en", "zh-CN"):
        labels = [row["label"] for row in rows if row["language"] == language]
        assert labels.count("positive") == labels.count("negative") == 20


# Measured: en 87.5% (raw TextBlob without the cue correction: 72.5%), zh-CN 77.5%.
@pytest.mark.parametrize(("language", "minimum"), [("en", 0.85), ("zh-CN", 0.75)])
def test_accuracy_on_labelled_set(language: str, minimum: float) -> None:
    rows = [row for row in labelled_rows() if row["language"] == language]
    hits = 0
    for row in rows:
        result = analyse(row["text"])
        assert result.language == language, row["text"]
        assert result.polarity is not None
        hits += ("negative" if result.polarity < 0 else "positive") == row["label"]
    assert hits / len(rows) >= minimum
