"""Precision and recall of `surveys.topics` with the shipped taxonomy, per topic, and its speed.

Our labelled bank comments (bench/data/labelled_comments.csv, topics `;`-separated) give
precision and recall per topic, for the dev split (the keywords were tuned on it), the test split
(held out) and both. The public files read from `--data` (they may not enter the project) give
an outside check of recall where they carry a label that names a topic: FINCORP's Domain (loan,
credit and debit card, net banking tweets) and CFPB's Product and Issue (loans, cards, fees,
fraud). The unlabelled Chinese ICBC app reviews show how often the app topic is found.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from surveys.topics import Topic, assign_topics, default_taxonomy  # noqa: E402

LABELLED = ROOT / "bench" / "data" / "labelled_comments.csv"
Row = dict[str, str]
# An outside label, and the topic it names: (file, text column, test on the row, topic).
OUTSIDE: list[tuple[str, str, Callable[[Row], bool], str]] = [
    (
        "eval/fincorp_financial_complaints_sample.csv",
        "Complaint/ Opinion",
        lambda r: r["Domain"] in {"Loan", "Mortgage", "Interest Rate"},
        "loans",
    ),
    (
        "eval/fincorp_financial_complaints_sample.csv",
        "Complaint/ Opinion",
        lambda r: r["Domain"].lower() in {"credit card", "debit card", "atm"},
        "cards",
    ),
    (
        "eval/fincorp_financial_complaints_sample.csv",
        "Complaint/ Opinion",
        lambda r: r["Domain"] in {"Netbanking", "Financial Apps"},
        "digital_banking",
    ),
    (
        "cfpb_complaints_sample.csv",
        "Consumer complaint narrative",
        lambda r: "loan" in r["Product"].lower() or r["Product"] == "Mortgage",
        "loans",
    ),
    (
        "cfpb_complaints_sample.csv",
        "Consumer complaint narrative",
        lambda r: r["Product"].lower().startswith("credit card"),
        "cards",
    ),
    (
        "cfpb_complaints_sample.csv",
        "Consumer complaint narrative",
        lambda r: r["Issue"] == "Fees or interest",
        "fees",
    ),
    (
        "cfpb_complaints_sample.csv",
        "Consumer complaint narrative",
        lambda r: "fraud" in r["Issue"].lower() or "identity theft" in r["Issue"].lower(),
        "fraud_security",
    ),
]


def read(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def gold_topics(row: Row) -> set[str]:
    return {code for code in row["topics"].split(";") if code}


def per_topic(rows: Sequence[Row], taxonomy: list[Topic], title: str) -> None:
    """Precision, recall and F1 of each topic, then micro and macro averages."""
    counts = {topic.code: [0, 0, 0] for topic in taxonomy}  # true pos, false pos, false neg
    for row in rows:
        gold = gold_topics(row)
        found = {match.code for match in assign_topics(row["text"], taxonomy)}
        for code, tally in counts.items():
            tally[0] += code in gold and code in found
            tally[1] += code in found and code not in gold
            tally[2] += code in gold and code not in found
    print(f"{title} (n={len(rows)} comments)")
    print(f"  {'topic':<20} {'precision':>9} {'recall':>7} {'F1':>5} {'support':>8}")
    f1s = []
    for code, (tp, fp, fn) in counts.items():
        precision, recall, f1 = ratios(tp, fp, fn)
        f1s.append(f1)
        print(f"  {code:<20} {precision:>9.0%} {recall:>7.0%} {f1:>5.2f} {tp + fn:>8}")
    tp, fp, fn = (sum(t[i] for t in counts.values()) for i in range(3))
    precision, recall, f1 = ratios(tp, fp, fn)
    print(f"  {'micro average':<20} {precision:>9.0%} {recall:>7.0%} {f1:>5.2f}")
    print(f"  {'macro F1':<20} {sum(f1s) / len(f1s):>23.2f}")


def ratios(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def outside_recall(data: Path, taxonomy: list[Topic]) -> None:
    print("Recall against labels of the public files (comments the label puts in the topic)")
    for name, column, wanted, code in OUTSIDE:
        path = data / name
        if not path.exists():
            print(f"  {name}: missing, skipped")
            continue
        rows = [row for row in read(path) if wanted(row)]
        hits = sum(any(m.code == code for m in assign_topics(r[column], taxonomy)) for r in rows)
        print(f"  {Path(name).name:<42} {code:<16} {hits / len(rows):>5.0%} of {len(rows)}")


def coverage(data: Path, taxonomy: list[Topic]) -> None:
    path = data / "eval" / "icbc_app_reviews_zh_sample.csv"
    if not path.exists():
        return
    texts = [row["review"] for row in read(path)]
    start = time.perf_counter()
    found = [assign_topics(text, taxonomy) for text in texts]
    seconds = time.perf_counter() - start
    any_topic = sum(bool(f) for f in found) / len(found)
    app = sum(any(m.code == "digital_banking" for m in f) for f in found) / len(found)
    print(f"ICBC app reviews, Chinese, unlabelled (n={len(texts)})")
    print(f"  some topic: {any_topic:.0%}; app and online banking: {app:.0%}")
    print(f"  speed: {len(texts) / seconds:,.0f} comments/s (one thread)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    taxonomy = default_taxonomy()
    rows = read(LABELLED)
    for split in ("dev", "test"):
        chosen = [row for row in rows if row["split"] == split]
        per_topic(chosen, taxonomy, f"Our bank comments, {split} split")
    per_topic(rows, taxonomy, "Our bank comments, both splits")
    for language in ("en", "zh-CN", "mixed"):
        chosen = [row for row in rows if row["language"] == language]
        found = sum(
            gold_topics(r) == {m.code for m in assign_topics(r["text"], taxonomy)} for r in chosen
        )
        print(f"  exactly the labelled topics, {language}: {found / len(chosen):.0%}")
    outside_recall(args.data, taxonomy)
    coverage(args.data, taxonomy)


if __name__ == "__main__":
    main()
