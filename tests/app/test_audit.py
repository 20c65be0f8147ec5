"""The audit log: views and changes are recorded with their actor; tampering is detected."""

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEntry, AuditHead, utcnow
from app.services.accounts.api_keys import create_api_key
from app.services.cases.lifecycle import transition_case
from app.services.governance import audit
from tests.conftest import csrf_token


def entries(session):
    session.expire_all()
    rows = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq))
    return [(e.actor, e.action, e.subject) for e in rows]


def tamper(session, statement):
    """A DBA's raw SQL, past the append-only trigger PostgreSQL has."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL session_replication_role = replica"))
    session.execute(sa.text(statement))
    session.commit()


def test_viewing_and_changing_a_case_are_logged_with_the_actor(client, session, on_case_page):
    case, user, page = on_case_page
    client.post(
        f"/cases/{case.id}/notes",
        data={"csrf_token": csrf_token(page), "note": "called, no answer", "version": case.version},
    )
    subject = f"case:{case.id}"
    assert entries(session) == [
        ("system", "case.opened", subject),
        (f"user:{user.id}", "case.view", subject),
        (f"user:{user.id}", "case.note", subject),
    ]
    assert all("called" not in str(e.detail) for e in session.scalars(sa.select(AuditEntry)))


def test_an_api_key_is_the_actor_of_what_it_does(client, session, detractor_case):
    case = detractor_case()
    _key, secret = create_api_key(session, "crm", ("cases:read", "cases:write"))
    session.commit()
    auth = {"Authorization": f"Bearer {secret}"}
    client.get(f"/api/v1/cases/{case.id}", headers=auth)
    body = {"to_status": "acknowledged", "version": case.version}
    client.post(f"/api/v1/cases/{case.id}/transitions", json=body, headers=auth)
    assert entries(session)[-2:] == [
        ("api-key:crm", "case.view", f"case:{case.id}"),
        ("api-key:crm", "case.status", f"case:{case.id}"),
    ]


def test_a_rolled_back_change_leaves_no_entry(session, detractor_case):
    case = detractor_case()
    before = entries(session)
    transition_case(session, case, "acknowledged", None, "", now=utcnow())
    session.rollback()
    session.commit()
    assert entries(session) == before


def test_verify_passes_then_finds_an_edited_entry(runner, session, detractor_case):
    detractor_case()
    for n in range(3):
        audit.record(session, "user:1", "case.view", f"case:{n}")
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "OK: 4 entries" in result.output
    tamper(session, "UPDATE audit_log SET actor = 'user:2' WHERE seq = 3")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "BROKEN at entry 3: its content does not match its hash" in result.output


def test_verify_finds_a_deleted_entry_and_a_cut_tail(session):
    for n in range(4):
        audit.record(session, "cli", "customer.export", f"customer:{n}")
    session.commit()
    tamper(session, "DELETE FROM audit_log WHERE seq = 4")
    assert audit.verify(session).broken_at == 4  # the head says the chain goes on
    tamper(session, "DELETE FROM audit_log WHERE seq = 2")
    verdict = audit.verify(session)
    assert verdict.broken_at == 2 and "missing" in verdict.reason


def test_postgresql_refuses_updates_to_the_log(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite relies on the hash chain alone")
    audit.record(session, "cli", "customer.export", "customer:1")
    session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        session.execute(sa.text("UPDATE audit_log SET actor = 'x'"))
    session.rollback()


def test_concurrent_writers_make_one_unbroken_chain(app):
    """Eight connections appending at once: no seq taken twice, no link lost."""
    barrier, engine = threading.Barrier(8), db.engine

    def write_five(worker):
        barrier.wait()
        for n in range(5):
            with Session(engine) as own:
                audit.record(own, f"user:{worker}", "case.view", f"case:{n}")
                own.commit()

    threads = [threading.Thread(target=write_five, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    verdict = audit.verify(db.session)
    assert verdict.ok and verdict.entries == 40
    assert db.session.get(AuditHead, audit.HEAD_ID).seq == 40
