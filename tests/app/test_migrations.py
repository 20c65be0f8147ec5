"""The migrations build exactly the models' schema, and go down and up again, on both engines."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app.extensions import db
from app.factory import create_app
from app.models import Answer, Base, Response, utcnow
from tests.conftest import app_config, ensure_postgres_database, postgres_url, reset_database
from tests.factories import TouchpointFactory


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_app(request, tmp_path):
    """An app on an empty database of its own, so the shared test schema is left alone."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrations.db'}"
    else:
        url = postgres_url("migrations")
        ensure_postgres_database(url)
    app = create_app(app_config(url))
    with app.app_context():
        reset_database()
        yield app
        reset_database()
        db.engine.dispose()


def tables():
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_builds_the_models_schema_with_no_difference(scratch_app):
    upgrade()
    assert tables() == set(Base.metadata.tables)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_removes_everything_and_upgrade_rebuilds_it(scratch_app):
    upgrade()
    downgrade(revision="base")
    assert tables() == set()
    upgrade()
    assert tables() == set(Base.metadata.tables)


def test_existing_accounts_get_a_session_stamp_each(scratch_app):
    """0012 gives every account its own random stamp, so no session can name another's."""
    upgrade(revision="0011_security")
    with db.engine.begin() as connection:
        for n in range(3):
            connection.execute(
                sa.text(
                    "INSERT INTO user_account (email, name, password_hash, role, locale, active,"
                    " created_at) VALUES (:email, '', 'x', 'admin', 'en', true, :at)"
                ),
                {"email": f"admin{n}@bank.example.com", "at": "2026-01-01 00:00:00"},
            )
    upgrade()
    with db.engine.connect() as connection:
        stamps = connection.scalars(sa.text("SELECT session_stamp FROM user_account")).all()
    assert len(set(stamps)) == 3 and all(len(stamp) == 32 for stamp in stamps)


def test_answers_are_checked_against_their_response_by_index_on_a_fresh_database(scratch_app):
    """A submit's foreign-key checks must find the response by its key. Once 0013 took statistics
    of the still empty response table, PostgreSQL planned those checks as sequential scans and
    kept them in every pooled connection until the next ANALYZE: 40 ms a check at 11,000
    responses, and the 10-minute load test degraded to a p95 of one second."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    upgrade()
    touchpoint = TouchpointFactory()
    response = Response(
        survey_code="touchpoint_nps",
        survey_version=1,
        touchpoint_id=touchpoint.id,
        journey_stage=touchpoint.journey_stage,
        department_id=touchpoint.department_id,
        channel="email",
        segment="mass",
        submitted_at=utcnow(),
        language="en",
    )
    db.session.add(response)
    db.session.flush()
    seq_scans = sa.text("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'response'")
    before = db.session.scalar(seq_scans)  # this connection's counts not yet reported included
    for n in range(8):  # past the fifth run, where PostgreSQL settles on one cached plan
        db.session.add(Answer(response_id=response.id, question_id=f"q{n}", value=n))
        db.session.flush()
    after = db.session.scalar(seq_scans)
    db.session.rollback()
    assert after == before


def test_a_bank_with_history_gets_its_channels_in_place(scratch_app):
    """0016 alters touchpoints, customers and invitations that other rows point at: in place,
    so SQLite's foreign keys do not refuse it; sent invitations went by e-mail."""
    upgrade(revision="0015_bank_setup")
    at = "2026-01-01 00:00:00"
    rows = [
        "INSERT INTO department (id, code, name, name_zh, notify_mode, active, created_at)"
        " VALUES (1, 'cards', 'Cards', '', 'immediate', true, :at)",
        "INSERT INTO touchpoint (id, code, name, name_zh, journey_stage, journey_order, channel,"
        " department_id, survey_code, delay_minutes, sampling_rate, expiry_days, reminder_hours,"
        " priority, cooldown_days, overrides_fatigue, active, created_at) VALUES (1, 'card',"
        " 'Card', '', 'borrowing', 0, 'email', 1, 'touchpoint_nps', 0, 1, 14, '[]', 50, 30,"
        " false, true, :at)",
        "INSERT INTO customer (id, external_id, name, email, locale, segment, timezone,"
        " created_at) VALUES (1, 'C-1', '', 'a@example.com', 'en', 'mass', 'Asia/Shanghai', :at)",
        "INSERT INTO touchpoint_event (id, event_id, touchpoint_id, customer_id, occurred_at,"
        " received_at, attributes) VALUES (1, 'e-1', 1, 1, :at, :at, '{}')",
        "INSERT INTO invitation (id, event_id, customer_id, touchpoint_id, status, send_after,"
        " sent_at, reminders_sent, reason, created_at) VALUES"
        " (1, 1, 1, 1, 'sent', :at, :at, 0, '', :at)",
    ]
    with db.engine.begin() as connection:
        for row in rows:
            connection.execute(sa.text(row), {"at": at})
    upgrade()
    with db.engine.connect() as connection:
        channels = connection.scalar(sa.text("SELECT channels FROM touchpoint"))
        sent_by, tried = connection.execute(
            sa.text("SELECT channel, channels_tried FROM invitation")
        ).one()
    assert channels in (["email"], '["email"]') and sent_by == "email"
    assert tried in ([], "[]")
