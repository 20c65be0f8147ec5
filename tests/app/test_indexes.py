"""The sender's and the reminder's claims find their rows through their own partial indexes.

Since migration 0014 an invitation index holds only the rows its query looks for, and a database
uses it only when the query's WHERE clause implies the index's. A claim that stopped saying so
would still claim the right rows, by reading every invitation ever made: only its plan shows it.
"""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import utcnow
from app.services.distribution.invitations import claim_due_invitations, claim_due_reminders


def plan_of(session, statement, parameters):
    """The database's plan for a statement as the driver received it, the table never read."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        return "\n".join(str(row[-1]) for row in rows)
    # An empty table is cheapest to read whole; forbid that, so the indexes compete.
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return "\n".join(
        row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    )


@pytest.mark.parametrize(
    ("claim", "index"),
    [
        (claim_due_invitations, "ix_invitation_due"),
        (claim_due_reminders, "ix_invitation_reminder_due"),
    ],
)
def test_a_claim_reads_its_partial_index(session, claim, index):
    sent = []

    def keep(_connection, _cursor, statement, parameters, _context, _many):
        sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        claim(session, now=utcnow())
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    session.rollback()
    [(statement, parameters)] = [s for s in sent if s[0].lstrip().upper().startswith("UPDATE")]
    assert index in plan_of(session, statement, parameters)
