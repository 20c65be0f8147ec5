"""Speed and quality of `surveys.sentiment` on real, labelled bank feedback read at run time.

The evaluation files may not enter the project (no licence), so they are read from `--data`.
The baseline "without correction" is raw TextBlob, to measure what the negative cues add.
Rule everywhere: polarity < 0 is negative; for three classes |polarity| < NEUTRAL_BAND is neutral.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from textblob import TextBlob

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.sentiment import EN_MAX_CHARS, Sentiment, analyse  # noqa: E402

NEUTRAL_BAND = 0.1
CLASSES = ("negative", "neutral", "positive")
Result = tuple[list[Sentiment | None], list[float]]


def read(path: Path, limit: int | None) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))[:limit]


def run(texts: Sequence[str], label: str) -> Result:
    """Analyse each text, timing it; a crash is recorded as None, never stops the run."""
    results: list[Sentiment | None] = []
    millis: list[float] = []
    step = max(1, len(texts) // 10)
    for done, text in enumerate(texts, 1):
        start = time.perf_counter()
        try:
            results.append(analyse(text))
        except Exception:
            results.append(None)
        millis.append((time.perf_counter() - start) * 1000)
        if done % step == 0 or done == len(texts):
            print(f"\r  {label}: {done}/{len(texts)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return results, millis


def polarities(results: Sequence[Sentiment | None]) -> list[float]:
    return [(r.polarity or 0.0) if r else 0.0 for r in results]


def binary(polarity: float) -> str:
    return "negative" if polarity < 0 else "positive"


def ternary(polarity: float) -> str:
    if abs(polarity) < NEUTRAL_BAND:
        return "neutral"
    return "negative" if polarity < 0 else "positive"


def raw_textblob(texts: Sequence[str], results: Sequence[Sentiment | None]) -> list[float]:
    """Baseline: TextBlob without the cue correction for English texts, analyse() otherwise."""
    return [
        float(TextBlob(t[:EN_MAX_CHARS]).sentiment.polarity) if r and r.language == "en" else p
        for t, r, p in zip(texts, results, polarities(results), strict=True)
    ]


def report(title: str, gold: list[str], predicted: list[str]) -> None:
    """Accuracy against always guessing the commonest class, then precision and recall per class."""
    hits = sum(g == p for g, p in zip(gold, predicted, strict=True))
    majority = max(gold.count(cls) for cls in set(gold)) / len(gold)
    print(
        f"  {title}: accuracy {hits / len(gold):.1%} (majority class {majority:.1%}, n={len(gold)})"
    )
    for cls in sorted(set(gold)):
        true_pos = sum(g == p == cls for g, p in zip(gold, predicted, strict=True))
        said = sum(p == cls for p in predicted)
        actual = sum(g == cls for g in gold)
        precision = true_pos / said if said else 0.0
        print(f"    {cls:<9} precision {precision:.1%}  recall {true_pos / actual:.1%}")


def speed(label: str, millis: Sequence[float]) -> None:
    quantiles = statistics.quantiles(millis, n=100)
    print(
        f"  {label}: {len(millis) / (sum(millis) / 1000):,.0f} comments/s, "
        f"p50 {quantiles[49]:.2f} ms, p99 {quantiles[98]:.2f} ms (n={len(millis)})"
    )


def fincorp(rows: list[dict[str, str]]) -> Result:
    texts = [row["Complaint/ Opinion"] for row in rows]
    gold = [row["Sentiment"].strip().lower() for row in rows]
    results, millis = run(texts, "FINCORP")
    print(f"FINCORP tweets (crashes: {results.count(None)})")
    for name, scores in (
        ("with correction", polarities(results)),
        ("raw TextBlob", raw_textblob(texts, results)),
    ):
        pairs = [(g, s) for g, s in zip(gold, scores, strict=True) if g != "neutral"]
        report(
            f"{name}, negative vs positive", [g for g, _ in pairs], [binary(s) for _, s in pairs]
        )
        report(f"{name}, 3 classes", gold, [ternary(s) for s in scores])
    return results, millis


def app_reviews(rows: list[dict[str, str]]) -> Result:
    texts = [row["review"] for row in rows]
    stars = [int(row["rating"]) for row in rows]
    results, millis = run(texts, "app reviews")
    print(f"Bank app reviews, English store (crashes: {results.count(None)}; 3 stars left out)")
    for name, scores in (
        ("with correction", polarities(results)),
        ("raw TextBlob", raw_textblob(texts, results)),
    ):
        pairs = [(s, p) for s, p in zip(stars, scores, strict=True) if s != 3]
        gold = ["negative" if s <= 2 else "positive" for s, _ in pairs]
        report(f"{name}, 1-2 vs 4-5 stars", gold, [binary(p) for _, p in pairs])
    by_star = list(zip(stars, polarities(results), strict=True))
    means = {s: statistics.fmean(p for star, p in by_star if star == s) for s in sorted(set(stars))}
    print("  mean polarity per star: " + ", ".join(f"{s}: {m:+.3f}" for s, m in means.items()))
    return results, millis


def icbc(rows: list[dict[str, str]]) -> Result:
    results, millis = run([row["review"] for row in rows], "ICBC reviews")
    zh = sum(1 for r in results if r and r.language == "zh-CN")
    classes = [ternary(p) for p in polarities(results)]
    print(f"ICBC app reviews, Chinese, unlabelled (n={len(rows)})")
    print(f"  crashes: {results.count(None)}; detected zh-CN: {zh / len(rows):.1%}")
    shares = ", ".join(f"{c} {classes.count(c) / len(classes):.1%}" for c in CLASSES)
    print(f"  polarity: {shares}; mean {statistics.fmean(millis):.2f} ms/review")
    return results, millis


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="rows per file")
    args = parser.parse_args()
    eval_dir: Path = args.data / "eval"

    start = time.perf_counter()
    import snownlp  # noqa: F401  (timed on purpose: the one-off cost of the first Chinese comment)

    import_seconds = time.perf_counter() - start
    start = time.perf_counter()
    analyse("warm-up")
    lexicon_seconds = time.perf_counter() - start
    _, fin_ms = fincorp(read(eval_dir / "fincorp_financial_complaints_sample.csv", args.limit))
    _, app_ms = app_reviews(read(eval_dir / "bank_app_reviews_en_sample.csv", args.limit))
    _, zh_ms = icbc(read(eval_dir / "icbc_app_reviews_zh_sample.csv", args.limit))
    print("Throughput (single thread, real comments)")
    speed("English (FINCORP + app reviews)", [*fin_ms, *app_ms])
    speed("Chinese (ICBC reviews)", zh_ms)
    print(f"  SnowNLP one-off import: {import_seconds:.2f} s")
    print(f"  TextBlob one-off lexicon load (first call): {lexicon_seconds:.2f} s")


if __name__ == "__main__":
    main()
