"""Survey submits under load, open-loop: a steady rate, then a burst; then count in the database.

Steady: `--rate` submits a second (default 100) for `--duration` seconds (default 600), each
answered within `--p95-ms` at the 95th percentile, every 200 stored once. Burst: `--burst-rate`
(default 500) for `--burst-duration` seconds (default 60); the only errors allowed are 503 with
Retry-After, from the app's concurrency gate (MAX_CONCURRENT_REQUESTS in the app, at most
MAX_WAITING_REQUESTS queued for OVERLOAD_WAIT_SECONDS, the rest shed at once). Requests leave on a
fixed schedule whatever the answers (open loop), so a slow server cannot slow the load down.
gunicorn runs the real app (`wsgi:app`) with gthread workers on loopback, against a scratch
PostgreSQL database. Afterwards: responses stored == submits answered 200, no invitation
answered twice, nothing stored for a 503.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import harness
import sqlalchemy as sa
from flask_migrate import upgrade
from seed import bench_app, seed_sent_links, seed_touchpoint

from app.extensions import db
from app.models import Response
from app.survey.form_tokens import form_token

SECRET_KEY, BASE_URL = "bench-only-secret", "http://bench.invalid"
ANSWERS = {"nps": "4", "what_went_wrong": "staff", "comment": "Queue too long", "consent": "yes"}


@dataclass
class Phase:
    """What one phase's requests got back."""

    name: str
    started: float = field(default_factory=time.perf_counter)
    latencies_ms: list[float] = field(default_factory=list)
    # (seconds into the phase the request left, its latency in ms, status or 0 for no answer)
    timeline: list[tuple[float, float, int]] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    without_retry_after: int = 0
    failures: int = 0  # no HTTP answer at all

    def p95(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=20)[18] if self.latencies_ms else 0.0


async def submit(host: str, port: int, path: str, body: bytes, phase: Phase) -> None:
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        writer.write(head.encode() + body)
        answer = await asyncio.wait_for(reader.read(), timeout=30)
        writer.close()
    except (OSError, TimeoutError):
        phase.failures += 1
        phase.timeline.append((started - phase.started, (time.perf_counter() - started) * 1000, 0))
        return
    phase.latencies_ms.append((time.perf_counter() - started) * 1000)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    phase.timeline.append((started - phase.started, phase.latencies_ms[-1], status))
    phase.statuses[status] = phase.statuses.get(status, 0) + 1
    if status == 503 and b"\r\nretry-after:" not in answer.lower():
        phase.without_retry_after += 1


async def run_phase(base: str, links: list[str], rate: float, phase: Phase) -> None:
    """One submit every 1/rate seconds, on schedule, each on its own connection."""
    url = urlsplit(base)
    start, tasks = time.perf_counter(), []
    phase.started = start
    for n, path in enumerate(links):
        delay = start + n / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        body = answer_body(path)
        tasks.append(asyncio.create_task(submit(url.hostname, url.port, path, body, phase)))
    await asyncio.gather(*tasks)


def by_minute(phase: Phase) -> None:
    """The phase minute by minute: a server that slows down as tables grow shows it here."""
    minutes: dict[int, list[tuple[float, int]]] = {}
    for left_at, latency_ms, status in phase.timeline:
        minutes.setdefault(int(left_at // 60), []).append((latency_ms, status))
    rows = []
    for minute, requests in sorted(minutes.items()):
        latencies = sorted(latency for latency, _ in requests)
        rows.append(
            (
                minute + 1,
                len(requests),
                latencies[len(latencies) // 2],
                latencies[int(len(latencies) * 0.95)],
                latencies[-1],
                sum(1 for _, status in requests if status == 503),
                sum(1 for _, status in requests if status not in (200, 503)),
            )
        )
    print(f"\n{phase.name}, minute by minute:")
    harness.print_table(["minute", "sent", "p50 ms", "p95 ms", "max ms", "503", "errors"], rows)


def answer_body(path: str) -> bytes:
    """The answers, with the form token the link's page carries (made here, not fetched)."""
    token = form_token(SECRET_KEY, path.rsplit("/", 1)[1])
    return urlencode({"csrf_token": token, **ANSWERS}).encode()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--burst-duration", type=float, default=60)
    parser.add_argument("--burst-rate", type=float, default=500)
    parser.add_argument("--p95-ms", type=float, default=300)
    parser.add_argument("--threads", type=int, default=32, help="gthread threads per worker")
    parser.add_argument("--gate", type=int, default=4, help="MAX_CONCURRENT_REQUESTS per worker")
    parser.add_argument("--queue", type=int, default=16, help="MAX_WAITING_REQUESTS per worker")
    parser.add_argument("--wait", type=float, default=1.0, help="OVERLOAD_WAIT_SECONDS")
    args = parser.parse_args()
    steady_n, burst_n = int(args.duration * args.rate), int(args.burst_duration * args.burst_rate)
    with harness.scratch_postgres("touchloop_bench_load") as url:
        app = bench_app(url, SECRET_KEY, BASE_URL)
        with app.app_context():
            upgrade(directory=str(harness.ROOT / "migrations"))
        seed_touchpoint(app)
        links = seed_sent_links(app, steady_n + burst_n + 1)
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "BASE_URL": BASE_URL,
            "MAX_CONCURRENT_REQUESTS": str(args.gate),
            "MAX_WAITING_REQUESTS": str(args.queue),
            "OVERLOAD_WAIT_SECONDS": str(args.wait),
            "GUNICORN_CMD_ARGS": f"--worker-class gthread --threads {args.threads}",
        }
        with harness.gunicorn("wsgi:app", env, ready_path="/api/v1/openapi.json") as base:
            steady, burst = Phase("steady"), Phase("burst")
            asyncio.run(run_phase(base, links[1 : steady_n + 1], args.rate, steady))
            asyncio.run(run_phase(base, links[steady_n + 1 :], args.burst_rate, burst))
        with app.app_context():
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Response))
            twice = db.session.scalar(
                sa.select(sa.func.count()).select_from(
                    sa.select(Response.invitation_id)
                    .group_by(Response.invitation_id)
                    .having(sa.func.count() > 1)
                    .subquery()
                )
            )
            db.engine.dispose()
    answered = steady.statuses.get(200, 0) + burst.statuses.get(200, 0)
    rows = []
    for phase, rate, seconds in (
        (steady, args.rate, args.duration),
        (burst, args.burst_rate, args.burst_duration),
    ):
        ok = phase.statuses.get(200, 0)
        rows.append(
            (
                phase.name,
                rate,
                seconds,
                ok / seconds,
                statistics.median(phase.latencies_ms),
                phase.p95(),
                ok,
                phase.statuses.get(503, 0),
                phase.without_retry_after,
                sum(n for s, n in phase.statuses.items() if s not in (200, 503)) + phase.failures,
            )
        )
    harness.print_table(
        [
            "phase",
            "sent/s",
            "s",
            "ok/s",
            "p50 ms",
            "p95 ms",
            "200",
            "503",
            "no Retry-After",
            "errors",
        ],
        rows,
    )
    by_minute(steady)
    print(
        f"\nanswered 200: {answered}; responses in the database: {stored}; answered twice: {twice}"
    )
    steady_ok = rows[0][5] <= args.p95_ms and rows[0][9] == 0 and rows[0][7] == 0
    burst_ok = rows[1][8] == 0 and rows[1][9] == 0
    counted = stored == answered and twice == 0
    print(f"steady p95 <= {args.p95_ms:g} ms and no errors: {steady_ok}")
    print(f"burst: only 503 with Retry-After: {burst_ok}; nothing lost or doubled: {counted}")
    return 0 if steady_ok and burst_ok and counted else 1


if __name__ == "__main__":
    sys.exit(main())
