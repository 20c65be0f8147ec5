"""Fill a benchmark database with a year of feedback: events, invitations, responses and cases.

Defaults: 1,000,000 responses (1,200,000 invitations sent, so the response rate is ~83 %) and
100,000 cases on detractor responses, over 10 touchpoints, 6 departments and 50,000 customers.
Rows go in with COPY on PostgreSQL and batched Core inserts on SQLite, with a progress bar.
It builds the schema with the migrations in a database of its own, never a test database:

    .venv/bin/python bench/dashboard_data.py --db postgresql          # touchloop_bench_dashboard
    .venv/bin/python bench/dashboard_data.py --db sqlite --responses 100000 --cases 10000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_migrate import upgrade
from harness import ROOT, recreate_postgres

from app.extensions import db
from app.factory import create_app
from app.models import Base

SQLITE_PATH = ROOT / "instance" / "bench_dashboard.db"
PG_NAME = "touchloop_bench_dashboard"
BATCH = 20_000
TOUCHPOINTS = [
    # code, name, name_zh, stage, order, department
    ("account_opening", "Account opening", "开户", "onboarding", 1, "retail"),
    ("card_activation", "Card activation", "激活信用卡", "onboarding", 2, "cards"),
    ("mobile_login", "Mobile banking", "手机银行", "everyday_banking", 3, "digital"),
    ("branch_visit", "Branch visit", "网点到访", "everyday_banking", 4, "retail"),
    ("transfer_abroad", "Transfer abroad", "境外汇款", "everyday_banking", 5, "payments"),
    ("loan_application", "Loan application", "贷款申请", "lending", 6, "loans"),
    ("loan_approval", "Loan approval", "贷款审批", "lending", 7, "loans"),
    ("call_centre", "Call centre", "客服热线", "service", 8, "service"),
    ("complaint", "Complaint handled", "投诉处理", "service", 9, "service"),
    ("card_dispute", "Card dispute", "信用卡争议", "service", 10, "cards"),
]
DEPARTMENTS = ["retail", "cards", "digital", "payments", "loans", "service"]
SEGMENTS = ["mass"] * 6 + ["private", "vip", "business"]
BRANCHES = ["Central", "North", "East", "South", "West", None]
COMMENTS = [
    ("排队时间太长，工作人员态度一般", -0.6, "zh-CN"),
    ("贷款审批太慢了，等了两个星期", -0.7, "zh-CN"),
    ("手机银行经常闪退，无法转账", -0.8, "zh-CN"),
    ("手续费太高，没有提前告知", -0.5, "zh-CN"),
    ("服务很好，办理很快", 0.8, "zh-CN"),
    ("The app keeps crashing when I try to transfer money", -0.6, "en"),
    ("Waited on hold for forty minutes, nobody answered", -0.7, "en"),
    ("Hidden fees on my card statement again", -0.5, "en"),
    ("Friendly staff and quick service", 0.7, "en"),
    ("It was fine", 0.1, "en"),
]


def progress(label: str, done: int, total: int, started: float) -> None:
    """One line that redraws itself: a bar, the count and the rate."""
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.monotonic() - started, 1e-6)
    sys.stderr.write(
        f"\r{label:<12} [{'#' * filled}{'.' * (width - filled)}] {done:>9,}/{total:,} "
        f"{rate:>9,.0f} rows/s"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def batches(rows: Iterable[Sequence[Any]], size: int = BATCH) -> Iterator[list[Sequence[Any]]]:
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk_insert(
    connection: sa.Connection,
    table: sa.Table,
    columns: list[str],
    rows: Iterable[Sequence[Any]],
    total: int,
) -> None:
    """COPY on PostgreSQL, executemany of Core inserts on SQLite; a progress bar either way."""
    started, done = time.monotonic(), 0
    postgres = connection.dialect.name == "postgresql"
    for batch in batches(rows):
        if postgres:
            cursor = connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in batch:
                    copy.write_row([json.dumps(v) if isinstance(v, dict) else v for v in row])
        else:
            connection.execute(
                table.insert(), [dict(zip(columns, row, strict=True)) for row in batch]
            )
        done += len(batch)
        progress(table.name, done, total, started)


def generate(url: str, responses: int, cases: int, seed: int = 7) -> None:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SCHEDULER_EMBEDDED": False,
            "SECRET_KEY": "bench-only-secret",
        }
    )
    random.seed(seed)
    with app.app_context():
        upgrade()  # main() made the database anew
        engine = db.engine
        sqlite = engine.dialect.name == "sqlite"
        tables = Base.metadata.tables
        now = datetime.now(UTC).replace(microsecond=0)
        year_ago = now - timedelta(days=365)
        invitations = int(responses * 1.2)
        customers = 50_000
        with engine.begin() as connection:
            connection.execute(
                tables["department"].insert(),
                [{"id": i + 1, "code": c, "name": c.title(), "name_zh": c, "notify_mode": "off",
                  "created_at": now} for i, c in enumerate(DEPARTMENTS)],
            )  # fmt: skip
            connection.execute(
                tables["touchpoint"].insert(),
                [{"id": i + 1, "code": code, "name": name, "name_zh": zh, "journey_stage": stage,
                  "journey_order": order, "channel": "email",
                  "department_id": DEPARTMENTS.index(dept) + 1, "survey_code": "touchpoint_nps",
                  "delay_minutes": 0, "sampling_rate": 1.0, "expiry_days": 14,
                  "reminder_hours": [], "priority": 50, "cooldown_days": 30,
                  "overrides_fatigue": False, "active": True, "created_at": now}
                 for i, (code, name, zh, stage, order, dept) in enumerate(TOUCHPOINTS)],
            )  # fmt: skip
            bulk_insert(
                connection, tables["customer"],
                ["id", "external_id", "email", "name", "locale", "segment", "timezone",
                 "created_at"],
                ((i, f"C{i:07d}", f"c{i}@example.com", "Customer", "zh_CN" if i % 3 else "en",
                  random.choice(SEGMENTS), "Asia/Shanghai", year_ago)
                 for i in range(1, customers + 1)),
                customers,
            )  # fmt: skip
            # Ids follow time, as rows arrive in a live bank (so a period's rows sit together).
            moments = sorted(
                year_ago + timedelta(seconds=random.randint(0, 365 * 86400 - 7200))
                for _ in range(invitations)
            )
            plan = [
                (i, random.randint(1, len(TOUCHPOINTS)), random.randint(1, customers), at)
                for i, at in enumerate(moments, 1)
            ]
            answered = set(random.sample(range(1, invitations + 1), responses))
            bulk_insert(
                connection, tables["touchpoint_event"],
                ["id", "event_id", "touchpoint_id", "customer_id", "occurred_at", "received_at",
                 "attributes"],
                ((i, f"evt-{i}", tp, cu, at, at,
                  {"branch": BRANCHES[i % 5]}) for i, tp, cu, at in plan),
                invitations,
            )  # fmt: skip
            bulk_insert(
                connection, tables["invitation"],
                ["id", "event_id", "customer_id", "touchpoint_id", "status", "send_after",
                 "sent_at", "answered_at", "reminders_sent", "reason", "created_at"],
                ((i, i, cu, tp, "answered" if i in answered else "expired", at,
                  at, at + timedelta(hours=2) if i in answered else None, 0, "",
                  at) for i, tp, cu, at in plan),
                invitations,
            )  # fmt: skip
            detractors: list[tuple[int, int, datetime]] = []
            case_share = min(1.0, 1.1 * cases / (0.25 * responses))  # ~25 % are detractors

            def response_rows() -> Iterator[Sequence[Any]]:
                for i, tp, cu, at in (row for row in plan if row[0] in answered):
                    nps = random.choices(range(11), weights=[3, 2, 2, 3, 3, 5, 7, 10, 15, 20, 30])[
                        0
                    ]
                    category = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
                    comment, polarity, language = ("", None, None)
                    if random.random() < 0.3 or category == "detractor":
                        comment, polarity, language = random.choice(COMMENTS)
                    csat = random.randint(1, 5) if i % 4 == 0 else None
                    ces = random.randint(1, 7) if i % 5 == 0 else None
                    department = DEPARTMENTS.index(TOUCHPOINTS[tp - 1][5]) + 1
                    submitted = at + timedelta(hours=2)
                    chosen = random.random() < case_share  # cases spread over the year
                    if category == "detractor" and chosen and len(detractors) < cases:
                        detractors.append((i, department, submitted))
                    yield (
                        i, i, cu, "touchpoint_nps", 1, tp, TOUCHPOINTS[tp - 1][3], department,
                        "email", random.choice(SEGMENTS), BRANCHES[i % 5], submitted, nps,
                        category, csat, None if csat is None else csat >= 4, ces,
                        None if ces is None else 7, comment, "zh-CN", language, polarity,
                        category == "detractor", "routed",
                    )  # fmt: skip

            bulk_insert(
                connection, tables["response"],
                ["id", "invitation_id", "customer_id", "survey_code", "survey_version",
                 "touchpoint_id", "journey_stage", "department_id", "channel", "segment",
                 "branch", "submitted_at", "nps", "nps_category", "csat", "csat_satisfied",
                 "ces", "ces_scale", "comment", "language", "comment_language", "polarity",
                 "consent_to_contact", "routing_status"],
                response_rows(), responses,
            )  # fmt: skip
            bulk_insert(
                connection, tables["case_file"],
                ["id", "response_id", "department_id", "status", "priority", "rule", "reason",
                 "opened_at", "first_contact_at", "first_resolved_at", "resolved_at",
                 "closed_at", "due_first_contact_at", "due_resolve_at", "paused_seconds",
                 "reopen_count", "escalation_level", "closure_kind", "resolution_summary",
                 "version"],
                (case_row(n, *d, now=now) for n, d in enumerate(detractors, 1)),
                len(detractors),
            )  # fmt: skip
        if not sqlite:
            with engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    sa.text("VACUUM ANALYZE")
                )
        else:
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")


def case_row(
    number: int, response_id: int, department: int, opened: datetime, *, now: datetime
) -> Sequence[Any]:
    """A case at some point of its life; older cases are more often closed."""
    age_days = (now - opened).days
    due_contact, due_resolve = opened + timedelta(hours=8), opened + timedelta(hours=48)
    contact = opened + timedelta(hours=random.uniform(0.5, 20)) if random.random() < 0.85 else None
    if age_days < 3 or random.random() < 0.08:
        status, resolved, closed, kind = (
            random.choice(["new", "acknowledged", "in_progress"]),
            None,
            None,
            None,
        )
    else:
        resolved = opened + timedelta(hours=random.uniform(2, 120))
        kind = random.choice(["confirmed", "unconfirmed", None])
        status = "closed" if kind else "resolved"
        closed = resolved + timedelta(days=2) if kind else None
    reopened = 1 if resolved is not None and random.random() < 0.05 else 0
    return (
        number, response_id, department, status, random.choice(["P1", "P2", "P3"]), "detractor",
        "", opened, contact and contact, resolved and resolved,
        resolved and resolved + timedelta(hours=10 * reopened), closed and closed,
        due_contact, due_resolve, 0, reopened, 0, kind, "", 1,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    args = parser.parse_args()
    started = time.monotonic()
    if args.db == "sqlite":
        SQLITE_PATH.parent.mkdir(exist_ok=True)
        SQLITE_PATH.unlink(missing_ok=True)
        url = f"sqlite:///{SQLITE_PATH}"
    else:
        url = recreate_postgres(PG_NAME)  # kept for bench/dashboard_queries.py
    generate(url, args.responses, args.cases)
    print(f"{args.db}: {args.responses:,} responses, {args.cases:,} cases in "
          f"{time.monotonic() - started:.0f} s -> {url}")  # fmt: skip


if __name__ == "__main__":
    main()
