"""Time the rule trial (a draft routing rule tried on the last 30 days) at 100,000 responses.

Each engine gets a scratch database (`touchloop_bench_rule_trial` on PostgreSQL, dropped after;
a temporary file on SQLite) built by the migrations, with five live routing rules,
`--responses` responses in the last 30 days and `--older` ones over the year before (outside
the period). Their cases are the ones the live rules open (`workflows.routing_rules.route` on
each response's facts), one in twenty since moved to another department by staff. Then each
draft below is tried `--rounds` times through the service and through the page (POST of the
rule form's "Try" button, in process with Flask's test client), and the median and p95 seconds
are printed with the p95's share of the 2 s budget:

    .venv/bin/python bench/rule_trial.py                       # both engines, 100,000
    .venv/bin/python bench/rule_trial.py --db sqlite --rounds 3 --responses 20000 --older 0
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from dashboard_data import (
    BRANCHES,
    COMMENTS,
    DEPARTMENTS,
    SEGMENTS,
    TOUCHPOINTS,
    bulk_insert,
    case_row,
)
from dashboard_queries import timings
from flask_migrate import upgrade
from harness import print_table, scratch_postgres
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.factory import create_app
from app.models import Base, RoutingRule, User, utcnow
from app.services.cases.case_routing import active_rules
from app.services.cases.rule_trial import try_on_history
from workflows.routing_rules import ResponseFacts, route

BUDGET_S = 2.0
PG_NAME = "touchloop_bench_rule_trial"
PASSWORD = "bench-only-password"
CUSTOMERS = 50_000
SERVICE = DEPARTMENTS.index("service") + 1
LOANS = DEPARTMENTS.index("loans") + 1
# The live rules: what a bank would keep, and between them every fact a rule can look at.
LIVE_RULES = [
    {"name": "fraud", "position": 10, "keywords": ["fraud", "scam", "盗刷", "诈骗"],
     "department_id": SERVICE, "priority": "P1"},
    {"name": "vip_detractor", "position": 20, "segments": ["vip"], "polarity_below": 0.0,
     "scores": [{"metric": "nps", "op": "<=", "value": 6}], "priority": "P1"},
    {"name": "lending", "position": 30, "journey_stages": ["lending"], "department_id": LOANS,
     "scores": [{"metric": "nps", "op": "<=", "value": 6}]},
    {"name": "north_branch", "position": 40, "attributes": {"branch": ["North"]},
     "touchpoints": ["branch_visit"], "scores": [{"metric": "nps", "op": "<=", "value": 6}]},
    {"name": "detractor", "position": 50, "priority": "P2", "scores": [
        {"metric": "nps", "op": "<=", "value": 6}, {"metric": "csat", "op": "<=", "value": 2},
        {"metric": "ces", "op": "<=", "value": 3}]},
]  # fmt: skip


def draft(**given: Any) -> dict[str, Any]:
    """The rule form's values that a trial reads, with `given` changed."""
    return {
        "name": "draft", "position": 45, "scores": [], "polarity_below": None, "keywords": [],
        "touchpoints": [], "journey_stages": [], "segments": [], "attributes": {},
        "opens_case": True, "department_id": None, **given,
    }  # fmt: skip


# name: (the form's values, the stored rule it edits). The first two are the heaviest: below
# four rules that read comment, segment, sentiment, stage, touchpoint and event attributes; the
# first matches a quarter of the period, the catch-all every row the four leave, so each row is
# tested by all five rules.
DRAFTS: dict[str, tuple[dict[str, Any], str | None]] = {
    "detractors to service, below 4 rules": (
        draft(scores=[{"metric": "nps", "op": "<=", "value": 6},
                      {"metric": "csat", "op": "<=", "value": 2}], department_id=SERVICE),
        None,
    ),
    "catch-all below 4 rules (every row tested by all)": (draft(name="rest"), None),
    "promoters, no case, first": (
        draft(position=1, scores=[{"metric": "nps", "op": ">=", "value": 9}], opens_case=False),
        None,
    ),
    "edit of detractor (NPS <= 5)": (
        draft(name="detractor", position=50,
              scores=[{"metric": "nps", "op": "<=", "value": 5}]),
        "detractor",
    ),
}  # fmt: skip
RESPONSE_COLUMNS = [
    "id", "invitation_id", "customer_id", "survey_code", "survey_version", "touchpoint_id",
    "journey_stage", "department_id", "channel", "segment", "branch", "submitted_at", "nps",
    "nps_category", "csat", "ces", "ces_scale", "comment", "language", "comment_language",
    "polarity", "routing_status",
]  # fmt: skip
CASE_COLUMNS = [
    "id", "response_id", "department_id", "status", "priority", "rule", "reason", "opened_at",
    "first_contact_at", "first_resolved_at", "resolved_at", "closed_at",
    "due_first_contact_at", "due_resolve_at", "paused_seconds", "reopen_count",
    "escalation_level", "closure_kind", "resolution_summary", "version", "routing_rule_id",
]  # fmt: skip


def seed(url: str, responses: int, older: int, seed: int = 11) -> None:
    """The schema, the rules, and the period's responses with the cases the rules opened."""
    random.seed(seed)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SCHEDULER_EMBEDDED": False,
                      "SECRET_KEY": "bench-only-secret"})  # fmt: skip
    with app.app_context():
        upgrade()
        now = utcnow().replace(microsecond=0)
        tables = Base.metadata.tables
        with db.engine.begin() as connection:
            _seed_org(connection, tables, now)
        db.session.add_all(RoutingRule(**rule) for rule in LIVE_RULES)
        password = generate_password_hash(PASSWORD, "pbkdf2:sha256:1000")
        db.session.add(User(email="bench-admin@example.com", role="admin", password_hash=password))
        db.session.commit()
        rules = active_rules(db.session)
        with db.engine.begin() as connection:
            total = responses + older
            seconds = [random.randint(60, 30 * 86400 - 60) for _ in range(responses)] + [
                random.randint(30 * 86400 + 3600, 365 * 86400) for _ in range(older)
            ]
            plan = sorted(now - timedelta(seconds=s) for s in seconds)  # ids follow time
            customers = min(total, CUSTOMERS)
            bulk_insert(connection, tables["customer"],
                        ["id", "external_id", "name", "email", "locale", "segment", "timezone",
                         "created_at"],
                        ((i, f"C{i:06d}", "Customer", f"c{i}@example.com", "en",
                          SEGMENTS[i % len(SEGMENTS)], "Asia/Shanghai", plan[0])
                         for i in range(1, customers + 1)), customers)  # fmt: skip
            bulk_insert(connection, tables["touchpoint_event"],
                        ["id", "event_id", "touchpoint_id", "customer_id", "occurred_at",
                         "received_at", "attributes"],
                        ((i, f"evt-{i}", i % len(TOUCHPOINTS) + 1, i % customers + 1, at, at,
                          {"branch": BRANCHES[i % 5]}) for i, at in enumerate(plan, 1)),
                        total)  # fmt: skip
            bulk_insert(connection, tables["invitation"],
                        ["id", "event_id", "customer_id", "touchpoint_id", "status",
                         "send_after", "sent_at", "answered_at", "reminders_sent", "reason",
                         "created_at"],
                        ((i, i, i % customers + 1, i % len(TOUCHPOINTS) + 1, "answered", at, at,
                          at, 0, "", at)
                         for i, at in enumerate(plan, 1)), total)  # fmt: skip
            cases: list[Sequence[Any]] = []
            bulk_insert(connection, tables["response"], RESPONSE_COLUMNS,
                        _responses(plan, rules, cases, now, customers), total)  # fmt: skip
            bulk_insert(connection, tables["case_file"], CASE_COLUMNS, cases, len(cases))
        _analyse(db.engine)
        db.engine.dispose()
        print(f"  seeded {total:,} responses ({responses:,} in the period), "
              f"{len(cases):,} cases")  # fmt: skip


def _seed_org(connection: sa.Connection, tables: Any, now: datetime) -> None:
    connection.execute(tables["department"].insert(), [
        {"id": i, "code": c, "name": c.title(), "name_zh": c, "notify_mode": "off",
         "created_at": now} for i, c in enumerate(DEPARTMENTS, 1)])  # fmt: skip
    connection.execute(tables["touchpoint"].insert(), [
        {"id": i, "code": code, "name": name, "name_zh": zh, "journey_stage": stage,
         "journey_order": order, "department_id": DEPARTMENTS.index(dept) + 1,
         "survey_code": "touchpoint_nps", "created_at": now}
        for i, (code, name, zh, stage, order, dept) in enumerate(TOUCHPOINTS, 1)])  # fmt: skip


def _responses(
    plan: list[datetime], rules: Any, cases: list[Sequence[Any]], now: datetime, customers: int
) -> Iterator[Sequence[Any]]:
    """Response rows; the case the live rules open for each goes to `cases`."""
    live = [rule for _, rule in rules]
    rule_ids = {rule.name: rule_id for rule_id, rule in rules}
    for i, at in enumerate(plan, 1):
        touchpoint = TOUCHPOINTS[i % len(TOUCHPOINTS)]
        department = DEPARTMENTS.index(touchpoint[5]) + 1
        nps = random.choices(range(11), weights=[3, 2, 2, 3, 3, 5, 7, 10, 15, 20, 30])[0]
        comment, polarity, language = ("", None, None)
        if random.random() < (0.9 if nps <= 6 else 0.3):
            comment, polarity, language = random.choice(COMMENTS)
        if random.random() < 0.01:
            comment = "Possible fraud on my card: " + comment
        csat = random.randint(1, 5) if i % 4 == 0 else None
        ces = random.randint(1, 7) if i % 5 == 0 else None
        segment = SEGMENTS[i % len(SEGMENTS)]
        facts = ResponseFacts(nps=nps, csat=csat, ces=ces, polarity=polarity, comment=comment,
                              touchpoint=touchpoint[0], journey_stage=touchpoint[3],
                              segment=segment, department_id=department,
                              attributes={"branch": BRANCHES[i % 5]})  # fmt: skip
        decision = route(facts, live)
        if decision is not None:
            row = list(case_row(len(cases) + 1, i, decision.department_id, at, now=now))
            row[5] = decision.rule
            if random.random() < 0.05:  # moved by staff since
                row[2] = random.randint(1, len(DEPARTMENTS))
            cases.append((*row, rule_ids[decision.rule]))
        category = "promoter" if nps >= 9 else "passive" if nps >= 7 else "detractor"
        yield (i, i, i % customers + 1, "touchpoint_nps", 1, i % len(TOUCHPOINTS) + 1,
               touchpoint[3], department, "email", segment, BRANCHES[i % 5], at, nps, category,
               csat, ces, None if ces is None else 7, comment, "en", language, polarity,
               "routed")  # fmt: skip


def _analyse(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def measure(url: str, rounds: int, engine: str) -> list[tuple[Any, ...]]:
    """Each draft through the service, then through the page; seconds, median and p95."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SCHEDULER_EMBEDDED": False,
                      "SECRET_KEY": "bench-only-secret", "WTF_CSRF_ENABLED": False})  # fmt: skip
    rows: list[tuple[Any, ...]] = []
    with app.app_context():
        ids = dict(db.session.execute(sa.select(RoutingRule.name, RoutingRule.id)).all())
        client = app.test_client()
        signed_in = client.post(
            "/auth/login", data={"email": "bench-admin@example.com", "password": PASSWORD}
        )
        assert signed_in.status_code == 302, "the bench admin could not sign in"
        for name, (values, edits) in DRAFTS.items():
            rule_id = ids[edits] if edits else None

            def service(values: dict[str, Any] = values, rule_id: int | None = rule_id) -> Any:
                trial = try_on_history(db.session, values, rule_id=rule_id, now=utcnow())
                db.session.rollback()
                return trial

            trial = service()
            median, p95 = (ms / 1000 for ms in timings(service, rounds))
            rows.append((engine, name, "service", trial.responses, trial.matched, median, p95,
                         f"{p95 / BUDGET_S:.0%}"))  # fmt: skip
            url_path = f"/admin/rules/{rule_id}" if rule_id else "/admin/rules/new"
            form = _form_of(values)

            def page(path: str = url_path, form: dict[str, Any] = form) -> None:
                answer = client.post(path, data=form)
                assert answer.status_code == 200 and b'id="trial"' in answer.data

            median, p95 = (ms / 1000 for ms in timings(page, rounds))
            rows.append((engine, name, "page", trial.responses, trial.matched, median, p95,
                         f"{p95 / BUDGET_S:.0%}"))  # fmt: skip
        db.engine.dispose()
    return rows


def _form_of(values: dict[str, Any]) -> dict[str, Any]:
    """The draft as the rule form posts it, with the "Try" button pressed."""
    return {
        "name": values["name"], "position": str(values["position"]),
        "scores": ", ".join(f"{s['metric']}{s['op']}{s['value']}" for s in values["scores"]),
        "opens_case": "y" if values["opens_case"] else "", "active": "y",
        "department_id": str(values["department_id"] or 0), "priority": "P2",
        "first_contact_hours": "8", "resolve_hours": "40", "assignee_id": "0", "trial": "y",
    }  # fmt: skip


@contextmanager
def scratch(engine: str) -> Iterator[str]:
    """A fresh database on `engine`, gone afterwards."""
    if engine == "postgresql":
        with scratch_postgres(PG_NAME) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="rule_trial_") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--older", type=int, default=400_000, help="responses before the period")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    rows: list[tuple[Any, ...]] = []
    for engine in engines:
        with scratch(engine) as url:
            started = time.monotonic()
            seed(url, args.responses, args.older)
            print(f"  {engine}: seeded in {time.monotonic() - started:.0f} s")
            rows += measure(url, args.rounds, engine)
    print(f"\n{args.rounds} rounds after a warm-up, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print_table(["db", "draft", "through", "period", "matched", "median s", "p95 s",
                 "p95 / 2 s"], rows)  # fmt: skip


if __name__ == "__main__":
    main()
