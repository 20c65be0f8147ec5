"""How fast customers can open and answer a survey, against the bare endpoints, per database.

Prints, for SQLite and/or PostgreSQL, the median over rounds of: a bare read (constant string),
the survey page GET /s/<token>, a bare write (one row, one commit) and the survey submit POST;
with each survey figure's ratio to its bare twin, measured in the same run because the machine
is noisy. The target from the project brief: submit >= 40% of the bare write.

Rounds interleave the four endpoints so drift hits them alike. Each submit uses its own link,
opened beforehand by a GET like a customer's browser (the form's CSRF token comes from it),
since a link takes one answer only.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import harness
from flask import Flask
from harness import Prepared, WrkResult
from seed import bench_app, dispose_app, load_comments, seed_links, seed_touchpoint

SECRET_KEY = "bench-only-secret"
BASE_URL = "http://bench.invalid"  # only the paths of the e-mailed links are used
READ_LINKS = 1000  # distinct links the GET rounds cycle over
SUBMIT_MARGIN = 1.3  # links prepared per round: expected submits x this
PREFETCH_CLIENTS = 4
TARGET_SUBMIT_RATIO = 0.40
WHAT_WENT_WRONG = ["waiting_time", "staff", "fees", "process", "digital"]
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@dataclass
class Rounds:
    """The raw wrk results of one database, per endpoint."""

    bare_read: list[WrkResult] = field(default_factory=list)
    survey_get: list[WrkResult] = field(default_factory=list)
    bare_write: list[WrkResult] = field(default_factory=list)
    survey_submit: list[WrkResult] = field(default_factory=list)
    submits_redone: int = 0  # submit rounds thrown away because their links ran out


@dataclass
class Bench:
    """One database's running setup: the seeding app, both servers, the request files."""

    app: Flask
    app_base: str
    bare_base: str
    files: Path
    args: argparse.Namespace
    comments: list[str]
    rng: random.Random
    stock: list[Prepared] = field(default_factory=list)  # opened links not submitted yet
    links_seeded: int = READ_LINKS

    def run(
        self, base: str, name: str, *, once: bool = False, seconds: float | None = None
    ) -> WrkResult:
        """wrk over a request file; failed requests are shown, since they void the figures."""
        result = harness.run_prepared(
            base,
            self.files / name,
            once=once,
            seconds=seconds or self.args.seconds,
            threads=self.args.threads,
            connections=self.args.connections,
        )
        if result.failures and not result.threads_exhausted:
            print(f"  {name}: {result.failures} failed requests\n{result.output}", file=sys.stderr)
        return result


def main(argv: Sequence[str] | None = None) -> int:
    started = time.monotonic()
    args = parse_args(argv)
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    comments = load_comments()
    results = {kind: measure(kind, args, comments) for kind in kinds}
    print_report(results, args)
    print(f"whole run, seeding and link opening included: {time.monotonic() - started:.0f} s")
    failures = sum(r.failures for rounds in results.values() for r in _all(rounds))
    return 1 if failures else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=6.0, help="per endpoint and round")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    return parser.parse_args(argv)


def measure(kind: str, args: argparse.Namespace, comments: list[str]) -> Rounds:
    """Fresh databases, seeded links, both servers up and warm, then the interleaved rounds."""
    print(f"== {kind}", file=sys.stderr)
    rng = random.Random(1)
    with ExitStack() as stack:
        files = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="touchloop-bench-")))
        app_url = stack.enter_context(database(kind, "touchloop_bench", files))
        bare_url = stack.enter_context(database(kind, "touchloop_bench_bare", files))
        migrate(app_url)
        app = bench_app(app_url, SECRET_KEY, BASE_URL)
        stack.callback(dispose_app, app)
        seed_touchpoint(app)
        read_paths = seed_links(app, READ_LINKS, first=0)
        harness.write_prepared(files / "get.tsv", [Prepared("GET", p) for p in read_paths])
        harness.write_prepared(files / "read.tsv", [Prepared("GET", "/read")])
        harness.write_prepared(files / "write.tsv", bare_writes(rng))
        env = {"DATABASE_URL": app_url, "SECRET_KEY": SECRET_KEY, "BASE_URL": BASE_URL}
        app_base = stack.enter_context(
            harness.gunicorn("wsgi:app", {**env, "SCHEDULER_EMBEDDED": "0"})
        )
        bare_base = stack.enter_context(
            harness.gunicorn("bench.bare_app:app", {"DATABASE_URL": bare_url}, ready_path="/read")
        )
        bench = Bench(app, app_base, bare_base, files, args, comments, rng)
        for base, name in (
            (bare_base, "read.tsv"),
            (app_base, "get.tsv"),
            (bare_base, "write.tsv"),
        ):
            bench.run(base, name, seconds=1)  # warm-up: first requests compile and connect
        rounds = Rounds()
        for number in range(1, args.rounds + 1):
            print(f"  round {number}/{args.rounds}", file=sys.stderr)
            rounds.bare_read.append(bench.run(bare_base, "read.tsv"))
            rounds.survey_get.append(bench.run(app_base, "get.tsv"))
            rounds.bare_write.append(bench.run(bare_base, "write.tsv"))
            expected = max(r.requests_per_s for r in rounds.survey_submit or rounds.survey_get)
            rounds.survey_submit.append(submit_round(bench, expected, rounds))
    return rounds


def submit_round(bench: Bench, expected_rate: float, rounds: Rounds) -> WrkResult:
    """A round of submits, each on a fresh link; redone (twice at most) if links ran out."""
    result = submits(bench, expected_rate)
    for _ in range(2):
        if not result.threads_exhausted:
            break
        print("  prepared links ran out; redoing the round with more", file=sys.stderr)
        rounds.submits_redone += 1
        expected_rate = 2 * max(expected_rate, result.lines_used / bench.args.seconds)
        result = submits(bench, expected_rate)
    return result


def submits(bench: Bench, expected_rate: float) -> WrkResult:
    restock(bench, math.ceil(expected_rate * bench.args.seconds * SUBMIT_MARGIN))
    harness.write_prepared(bench.files / "submit.tsv", bench.stock)
    result = bench.run(bench.app_base, "submit.tsv", once=True)
    bench.stock = bench.stock[result.lines_used :]
    return result


@contextmanager
def database(kind: str, name: str, tmp: Path) -> Iterator[str]:
    """A fresh database: a file in `tmp` for SQLite, a scratch database on PostgreSQL."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp / name}.db"
    else:
        with harness.scratch_postgres(name) as url:
            yield url


def migrate(url: str) -> None:
    """The schema as production gets it: the Alembic migrations."""
    subprocess.run(
        [str(harness.VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=harness.ROOT,
        env={**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY},
        check=True,
        capture_output=True,
    )


def bare_writes(rng: random.Random) -> list[Prepared]:
    """Bodies for the bare write: a score and a response-sized (~300 characters) comment."""
    return [
        Prepared("POST", "/write", urlencode({"nps": rng.randint(0, 6), "comment": text}), FORM)
        for text in load_comments(limit=200, length=300)
    ]


def restock(bench: Bench, wanted: int) -> None:
    """Seed and open new links until `wanted` submits are ready."""
    missing = wanted - len(bench.stock)
    if missing <= 0:
        return
    paths = seed_links(bench.app, missing, first=bench.links_seeded)
    bench.links_seeded += missing
    for path, csrf_token in zip(paths, open_surveys(bench.app_base, paths), strict=True):
        body = detractor_answer(csrf_token, bench.comments, bench.rng)
        bench.stock.append(Prepared("POST", path, body, FORM))


def detractor_answer(csrf_token: str, comments: list[str], rng: random.Random) -> str:
    """A realistic unhappy answer: low score, a reason or two, a comment, consent."""
    fields = [("csrf_token", csrf_token), ("nps", str(rng.randint(0, 6)))]
    fields += [("what_went_wrong", c) for c in rng.sample(WHAT_WENT_WRONG, rng.randint(1, 2))]
    fields += [("comment", rng.choice(comments)), ("consent", "yes"), ("action", "submit")]
    return urlencode(fields)


def open_surveys(base_url: str, paths: list[str]) -> list[str]:
    """GET each link like a browser; the CSRF token its submit will need."""
    address = urlsplit(base_url)
    opened: list[str] = []

    def open_one(path: str) -> str:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            page = response.read().decode()
        finally:
            connection.close()
        token = CSRF_INPUT.search(page)
        if response.status != 200 or token is None:
            raise RuntimeError(f"GET {path}: {response.status}, no CSRF token")
        return token.group(1)

    with ThreadPoolExecutor(PREFETCH_CLIENTS) as pool:
        for token in pool.map(open_one, paths):
            opened.append(token)
            if len(opened) % 500 == 0 or len(opened) == len(paths):
                harness.progress("links opened", len(opened), len(paths))
    return opened


def _all(rounds: Rounds) -> list[WrkResult]:
    return rounds.bare_read + rounds.survey_get + rounds.bare_write + rounds.survey_submit


def print_report(results: dict[str, Rounds], args: argparse.Namespace) -> None:
    print(
        f"Survey page vs bare endpoints: gunicorn 2 sync workers, wrk -t{args.threads} "
        f"-c{args.connections}, median of {args.rounds} x {args.seconds:g} s rounds"
    )
    print()
    headers = ["endpoint", "db", "req/s", "p50 ms", "p99 ms", "ratio to bare", "non-2xx"]
    rows = [row for kind, rounds in results.items() for row in _rows(kind, rounds)]
    harness.print_table([*headers, "req/s by round"], rows)
    print()
    print("req/s, p50, p99: medians over the rounds; non-2xx: non-2xx/3xx responses and socket")
    print("errors over all rounds (must be 0 for a valid run)")
    for kind, rounds in results.items():
        share = _rate(rounds.survey_submit) / _rate(rounds.bare_write)
        met = "met" if share >= TARGET_SUBMIT_RATIO else "NOT met"
        if any(r.failures for r in rounds.survey_submit + rounds.bare_write):
            met = "INVALID, requests failed"
        print(
            f"{kind}: submit is {share:.0%} of the bare write "
            f"(target >= {TARGET_SUBMIT_RATIO:.0%}): {met}"
        )
        if rounds.submits_redone:
            print(f"{kind}: {rounds.submits_redone} submit round(s) redone: links ran out")


def _rows(kind: str, rounds: Rounds) -> list[list[object]]:
    """The four endpoints of one database; each survey figure with its ratio to its bare twin."""
    endpoints = [
        ("bare read GET /read", rounds.bare_read, None),
        ("survey GET /s/<token>", rounds.survey_get, rounds.bare_read),
        ("bare write POST /write", rounds.bare_write, None),
        ("survey submit POST /s/<token>", rounds.survey_submit, rounds.bare_write),
    ]
    rows: list[list[object]] = []
    for label, measured, bare in endpoints:
        m = harness.summarise(measured)
        ratio = m.requests_per_s / _rate(bare) if bare else "-"
        each = " ".join(f"{r.requests_per_s:.0f}" for r in measured)
        rows.append([label, kind, m.requests_per_s, m.p50_ms, m.p99_ms, ratio, m.failures, each])
    return rows


def _rate(results: list[WrkResult]) -> float:
    return harness.summarise(results).requests_per_s


if __name__ == "__main__":
    sys.exit(main())
