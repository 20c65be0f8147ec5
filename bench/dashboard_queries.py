"""Time every dashboard query, the metrics API and the whole page on a generated database.

Run `bench/dashboard_data.py` first. Each query runs `--rounds` times for the default period
(the last 30 days) over the whole bank, and once more filtered to one department; the API and
the page go through Flask's test client in this process (no HTTP server: the figures are the
application's own time). Prints p50 and p95 in milliseconds:

    .venv/bin/python bench/dashboard_queries.py --db postgresql
    .venv/bin/python bench/dashboard_queries.py --db sqlite --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from dashboard_data import PG_NAME, SQLITE_PATH
from harness import PG_ADMIN_URL, print_table
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.factory import create_app
from app.models import User, utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.reports import loop, scores, voice
from app.services.reports.filters import ReportFilter, last_days
from app.services.reports.overview import SCORE_GROUPS, overview
from app.services.reports.scores import GroupBy

MIN_SAMPLE, KEYWORDS = 30, 200
PASSWORD = "bench-only-password"


def timings(action: Callable[[], Any], rounds: int) -> tuple[float, float]:
    """p50 and p95 in ms over `rounds` runs, after one warm-up run."""
    action()
    spent = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        spent.append((time.perf_counter() - started) * 1000)
    spent.sort()
    p95 = spent[min(len(spent) - 1, round(0.95 * (len(spent) - 1)))]
    return statistics.median(spent), p95


def queries(wanted: ReportFilter) -> dict[str, Callable[[], Any]]:
    session, now = db.session, utcnow()
    return {
        "closed_loop": lambda: loop.closed_loop(session, wanted, now=now),
        "closed_loop (previous)": lambda: loop.closed_loop(session, wanted.previous(), now=now),
        "backlog": lambda: loop.backlog(session, wanted, now=now),
        "overdue_by_department": lambda: loop.overdue_by_department(session, wanted, now=now),
        "league_table": lambda: loop.league_table(session, wanted, now=now),
        "weekly_closure": lambda: loop.weekly_closure(session, wanted),
        **{
            f"scores by {group}": (
                lambda group=group: scores.scores(session, wanted, group, min_sample=MIN_SAMPLE)
            )
            for group in GroupBy
        },
        "scores by touchpoint + stage + week (the page's one pass)": lambda: scores.score_sets(
            session, wanted, SCORE_GROUPS, min_sample=MIN_SAMPLE
        ),
        "journey": lambda: scores.journey(session, wanted, min_sample=MIN_SAMPLE),
        "sentiment": lambda: voice.sentiment(session, wanted),
        "detractor_keywords": lambda: voice.detractor_keywords(session, wanted, sample=KEYWORDS),
        "responses_page (keyword)": lambda: voice.responses_page(session, wanted, keyword="审批"),
        "overview (all of the page's queries)": lambda: overview(
            session, wanted, now=now, min_sample=MIN_SAMPLE, keyword_sample=KEYWORDS
        ),
    }


def run(url: str, rounds: int) -> list[tuple[Any, ...]]:
    settings = {"SQLALCHEMY_DATABASE_URI": url, "SCHEDULER_EMBEDDED": False, "SECRET_KEY": "bench"}
    # The test client signs in without reading a form's CSRF token first.
    app = create_app(settings | {"WTF_CSRF_ENABLED": False})
    rows: list[tuple[Any, ...]] = []
    with app.app_context():
        start, end = last_days(utcnow().date())
        whole = ReportFilter(start=start, end=end)
        one = ReportFilter(start=start, end=end, department_id=5)
        for scope, wanted in (("bank", whole), ("department", one)):
            for name, action in queries(wanted).items():
                rows.append((name, scope, *timings(action, rounds)))
                db.session.rollback()
        manager = db.session.query(User).filter_by(email="bench-manager@example.com").one_or_none()
        if manager is None:
            manager = User(email="bench-manager@example.com", role="cx_manager")
            db.session.add(manager)
        manager.password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
        _key, secret = create_api_key(db.session, f"bench-{time.time_ns()}", ("metrics:read",))
        db.session.commit()
        client = app.test_client()
        bearer = {"Authorization": f"Bearer {secret}"}
        period = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        for path in (
            f"/api/v1/metrics/closed-loop?{period}",
            f"/api/v1/metrics/scores?group_by=touchpoint&{period}",
            f"/api/v1/metrics/scores?group_by=week&{period}",
        ):
            rows.append((path.split("?")[0] + "?" + path.split("?")[1][:20], "api", *timings(
                lambda path=path: _ok(client.get(path, headers=bearer)), rounds)))  # fmt: skip
        signed_in = client.post("/auth/login", data={"email": manager.email, "password": PASSWORD})
        assert signed_in.status_code == 302, "the bench manager could not sign in"
        page = timings(lambda: _ok(client.get("/dashboard")), rounds)
        rows.append(("GET /dashboard", "page", *page))
    return rows


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    url = (
        f"sqlite:///{SQLITE_PATH}"
        if args.db == "sqlite"
        else PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_NAME
    )
    rows = run(url, args.rounds)
    print(f"\n{args.db}, {args.rounds} rounds, last 30 days")
    print_table(["query", "scope", "p50 ms", "p95 ms"], rows)


if __name__ == "__main__":
    main()
