"""Benchmark data made by the app's own services, so the rows look like production's.

Invitations go through event ingestion and dispatch like real ones; the survey links are read
back from the queued e-mails, because the database keeps only their hashes.
"""

from __future__ import annotations

import csv
import random
import re
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import Flask
from harness import SHARED_DATA, progress  # first: it puts the project on sys.path

from app.extensions import db
from app.factory import create_app
from app.models import (
    Department,
    Invitation,
    InvitationStatus,
    OutboxMessage,
    SurveyLink,
    Touchpoint,
    utcnow,
)
from app.services.distribution.events import CustomerIn, EventIn, ingest_events
from app.services.distribution.invitations import Links, dispatch_invitation
from app.services.feedback.survey_versions import current_survey, sync_surveys
from surveys.tokens import new_token, token_digest
from workflows.contact_rules import ContactPolicy, Verdict

COMPLAINTS_CSV = SHARED_DATA / "cfpb_complaints_sample.csv"
TOUCHPOINT = "branch_visit"
BATCH = 500
SENT_BATCH = 1000
# No quiet hours: every invitation is sent now, whatever the hour of the run.
ALWAYS_SEND = ContactPolicy(quiet_start=time(0, 0), quiet_end=time(0, 0))


def bench_app(database_url: str, secret_key: str, base_url: str) -> Flask:
    """The app as the servers build it, pointed at the benchmark's database."""
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret_key, "BASE_URL": base_url}
    )


def dispose_app(app: Flask) -> None:
    """Close the seeding app's pooled connections, so its scratch database can be dropped."""
    with app.app_context():
        db.engine.dispose()


def seed_touchpoint(app: Flask) -> None:
    """The survey definitions, one department and the touchpoint invitations follow (once)."""
    with app.app_context():
        sync_surveys(db.session)
        department = Department(code="branches", name="Branch network")
        db.session.add(department)
        db.session.flush()
        db.session.add(
            Touchpoint(
                code=TOUCHPOINT,
                name="Branch visit",
                journey_stage="everyday_banking",
                department_id=department.id,
                survey_code="touchpoint_nps",
                delay_minutes=0,
            )
        )
        db.session.commit()


def seed_links(app: Flask, count: int, *, first: int) -> list[str]:
    """`count` sent invitations to new customers numbered from `first`; their link paths."""
    config = app.config
    links = Links.of(config)
    link_pattern = re.compile(re.escape(config["BASE_URL"]) + r"(/s/[^\s\"<]+)")
    paths: list[str] = []
    with app.test_request_context():
        for start in range(first, first + count, BATCH):
            now = utcnow()
            numbers = range(start, min(start + BATCH, first + count))
            newest_mail = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
            results = ingest_events(db.session, [_event(n, now) for n in numbers], now=now)
            for result in results:
                verdict = result.invitation_id and dispatch_invitation(
                    db.session, result.invitation_id, links=links, policy=ALWAYS_SEND, now=now
                )
                if verdict != Verdict.SEND:
                    raise RuntimeError(f"event not turned into a sent invitation: {result}")
            mails = db.session.scalars(
                sa.select(OutboxMessage.body_text)
                .where(OutboxMessage.id > newest_mail)
                .order_by(OutboxMessage.id)
            )
            batch_paths = [_survey_path(link_pattern, text) for text in mails]
            if len(batch_paths) != len(numbers):
                raise RuntimeError(f"{len(numbers)} invitations sent, {len(batch_paths)} links")
            paths += batch_paths
            db.session.commit()
            progress("invitations sent", len(paths), count)
    return paths


def seed_sent_links(app: Flask, count: int) -> list[str]:
    """`count` sent invitations and their link paths, marked sent directly: for load tests,
    which need tens of thousands of links but not their e-mails (dispatch makes ~50 a second).
    Events are still ingested by the app, and links made and stored as dispatch makes them."""
    secret_key = app.config["SECRET_KEY"]
    paths: list[str] = []
    with app.app_context():
        survey_id = current_survey(db.session, "touchpoint_nps").id
        for start in range(0, count, SENT_BATCH):
            now = utcnow()
            numbers = range(start, min(start + SENT_BATCH, count))
            events = [_event(n, now) for n in numbers]
            ids = [r.invitation_id for r in ingest_events(db.session, events, now=now)]
            db.session.execute(
                sa.update(Invitation)
                .where(Invitation.id.in_(ids))
                .values(status=InvitationStatus.SENT, sent_at=now, survey_id=survey_id)
            )
            tokens = {invitation_id: new_token(secret_key, invitation_id) for invitation_id in ids}
            db.session.execute(
                sa.insert(SurveyLink),
                [{"invitation_id": i, "token_hash": token_digest(t)} for i, t in tokens.items()],
            )
            db.session.commit()
            paths += [f"/s/{token}" for token in tokens.values()]
            progress("links made", len(paths), count)
    return paths


def _survey_path(link_pattern: re.Pattern[str], mail_text: str) -> str:
    found = link_pattern.search(mail_text)
    if found is None:
        raise RuntimeError(f"no survey link in a queued e-mail:\n{mail_text}")
    return found.group(1)


def _event(number: int, now: datetime) -> EventIn:
    return EventIn(
        event_id=f"bench-visit-{number}",
        touchpoint=TOUCHPOINT,
        customer=CustomerIn(
            external_id=f"bench-customer-{number}",
            email=f"customer{number}@example.com",
            name=f"Customer {number}",
        ),
        occurred_at=now - timedelta(minutes=1),
        attributes={"branch": "Central"},
    )


def load_comments(limit: int = 2000, length: int = 200, seed: int = 7) -> list[str]:
    """Real complaint narratives (CFPB, public domain) cut near `length` characters."""
    with COMPLAINTS_CSV.open(newline="", encoding="utf-8") as handle:
        narratives = [
            " ".join(row["Consumer complaint narrative"].split())
            for row in csv.DictReader(handle)
            if len(row["Consumer complaint narrative"]) >= length
        ]
    random.Random(seed).shuffle(narratives)
    return [text[:length].rsplit(" ", 1)[0] for text in narratives[:limit]]
