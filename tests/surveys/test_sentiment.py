"""Offline bilingual sentiment: language routing, sign on clear cases, the known failures of the
replaced analyser, bank cues (waits, negation, sarcasm, mixed text), odd input, speed, and
accuracy floors on a labelled set that the analyser was not tuned on."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from textblob import TextBlob

from surveys import sentiment_model
from surveys.sentiment import (
    EN_MAX_CHARS,
    NEAR_ZERO,
    ZH_MAX_CHARS,
    Sentiment,
    analyse,
    curve,
    detect_language,
    label_of,
)
from surveys.sentiment_lexicon import en_cues, minutes_of, zh_cues, zh_number

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


def test_labelled_set_covers_each_language_and_class() -> None:
    rows = labelled_rows()
    for language, least in (("en", 20), ("zh-CN", 20), ("mixed", 4)):
        labels = [row["label"] for row in rows if row["language"] == language]
        assert min(labels.count("positive"), labels.count("negative")) >= least
        assert labels.count("neutral") >= 4


# Negative vs positive, a polarity of exactly 0 counted as a miss. Measured on this set, which the
# analyser was not tuned on: en 97.8% (45/46), zh-CN 100% (46/46), mixed 100% (8/8). The replaced
# analyser (TextBlob with cues, SnowNLP): en 80.4%, zh-CN 76.1%, mixed 75.0%.
@pytest.mark.parametrize(("language", "minimum"), [("en", 0.9), ("zh-CN", 0.9), ("mixed", 0.85)])
def test_negative_vs_positive_accuracy_on_labelled_set(language: str, minimum: float) -> None:
    rows = [r for r in labelled_rows() if r["language"] == language and r["label"] != "neutral"]
    hits = 0
    for row in rows:
        result = analyse(row["text"])
        if language != "mixed":
            assert result.language == language, row["text"]
        assert result.polarity is not None
        hits += (result.polarity < 0 and row["label"] == "negative") or (
            result.polarity > 0 and row["label"] == "positive"
        )
    assert hits / len(rows) >= minimum


# Measured: every neutral comment of the set inside the band (en 10/10, zh-CN 10/10, mixed 4/4).
@pytest.mark.parametrize("language", ["en", "zh-CN", "mixed"])
def test_neutral_comments_stay_neutral(language: str) -> None:
    rows = [r for r in labelled_rows() if r["language"] == language and r["label"] == "neutral"]
    results = [analyse(row["text"]) for row in rows]
    inside = [r for r in results if r.polarity is not None and abs(r.polarity) <= NEAR_ZERO]
    assert len(inside) / len(rows) >= 0.8
    assert all(r.polarity is not None and abs(r.polarity) < 0.5 for r in results)


# --- The failures of the replaced analyser named in issue 22 ------------------------------------


def test_bank_praise_in_chinese_is_positive() -> None:
    """SnowNLP scored it -0.80: product reviews taught it that bank words are complaints."""
    result = analyse("客户经理很专业，贷款三天就批了，谢谢！")
    assert result.language == "zh-CN"
    assert result.label == "positive"
    assert result.polarity is not None and result.polarity > 0.5


def test_an_event_only_complaint_is_negative_enough_to_route() -> None:
    """TextBlob scored it 0.00: no adjective. Routing rules compare with thresholds like -0.3."""
    result = analyse("I waited two hours on hold and the call dropped.")
    assert result.label == "negative"
    assert result.polarity is not None and result.polarity < -0.3


def test_plain_thanks_is_positive() -> None:
    """TextBlob scored it 0.00: it has no lexicon entry for thanks or for being quick."""
    result = analyse("The teller sorted it out in five minutes, thank you.")
    assert result.label == "positive"
    assert result.polarity is not None and result.polarity > 0.3


# --- Bank cues ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("排了一个小时的队", "negative"),
        ("等了四十分钟才轮到我。", "negative"),
        ("十分钟就办完了，效率很高。", "positive"),
        ("waited two hours", "negative"),
        ("Never had to wait more than five minutes here.", "positive"),
        ("一点都不麻烦，资料带齐就行。", "positive"),
        ("柜员不专业，问什么都不知道。", "negative"),
        ("No hidden fees and no pushy sales.", "positive"),
        ("The staff weren't helpful at all.", "negative"),
        ("呵呵，这效率真高，等了三个小时。", "negative"),
        ("Oh great, another maintenance window right on payday. Thanks a lot.", "negative"),
        ("多亏柜员提醒，差点就给骗子转账了！", "positive"),
        ("说好的减免年费，结果还是照扣了。", "negative"),
        ("服务还可以，但是排队排了两个小时。", "negative"),
        ("app又有bug了，登录一直转圈圈。", "negative"),
        ("客户经理Amy很nice，帮我把mortgage的paperwork全搞定了。", "positive"),
        ("The staff were 很耐心, explained everything about the loan.", "positive"),
        ("请问信用卡分期的手续费是怎么算的？", "neutral"),
        ("Is there a fee for international transfers?", "neutral"),
        ("I'd like to know the current mortgage rates.", "neutral"),
    ],
)
def test_bank_comments(text: str, label: str) -> None:
    assert analyse(text).label == label, analyse(text)


def test_label_follows_polarity_and_the_reports_band() -> None:
    assert label_of(None) == label_of(0.0) == label_of(NEAR_ZERO) == "neutral"
    assert label_of(-NEAR_ZERO - 0.001) == "negative"
    assert label_of(NEAR_ZERO + 0.001) == "positive"
    for text in ("太差了", "很好", "今天来取钱"):
        result = analyse(text)
        assert result.label == label_of(result.polarity)


def test_curve_keeps_faint_evidence_inside_the_neutral_band() -> None:
    assert curve(0.0) == 0.0
    assert abs(curve(0.45)) < NEAR_ZERO  # the review model alone can never leave the band
    assert curve(-2.0) == -curve(2.0) and 0.5 < curve(2.0) < 1.0
    assert curve(50.0) < 1.0


def test_cue_helpers() -> None:
    assert [zh_number(n) for n in ("二十", "十几", "两", "45", "一百")] == [20, 13, 2, 45, 100]
    assert minutes_of(2, "hours", {"min": 1, "h": 60}) == 120
    assert zh_cues("").score == en_cues("").score == 0.0


def test_shipped_model_reads_chinese_without_snownlp() -> None:
    weights = sentiment_model.load()
    assert len(weights) > 10_000
    assert (
        sentiment_model.log_odds("非常满意，很方便")
        > 0
        > sentiment_model.log_odds("太差了，很失望")
    )
    assert sentiment_model.log_odds("hello") == 0.0


def test_model_trains_saves_and_loads(tmp_path: Path) -> None:
    weights = sentiment_model.train(["很差很差"] * 5, ["很好很好"] * 5)
    assert weights["差"] < 0 < weights["好"]
    path = tmp_path / "model.tsv"
    sentiment_model.save(weights, path)
    assert sentiment_model.load(path) == weights
    assert sentiment_model.load(tmp_path / "absent.tsv") == {}


def test_chinese_is_fast_on_one_core() -> None:
    """Issue 22 asks for 500 comments/s in Chinese; measured ~10,000/s on real reviews."""
    texts = [r["text"] for r in labelled_rows() if r["language"] == "zh-CN"] * 5
    analyse(texts[0])
    start = time.perf_counter()
    for text in texts:
        analyse(text)
    assert len(texts) / (time.perf_counter() - start) > 500
