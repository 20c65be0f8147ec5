"""dashboard passes: a covering index for the period's invitations, statistics on the week key

Revision ID: 0013_dashboard_passes
Revises: 0012_password_reset
Create Date: 2026-11-23 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013_dashboard_passes"
down_revision = "0012_password_reset"
branch_labels = None
depends_on = None

# PostgreSQL only. Without statistics on the week key (the expression app/services/sqltime.py's
# week_monday renders) the planner guesses one group per row, sorts the month's rows on disk
# instead of hashing ~60 groups, and the scores pass takes 2-3 times as long.
# An empty table is not analysed: statistics saying "0 rows" make PostgreSQL cache its
# foreign-key checks against that table as sequential scans in every pooled connection, and
# they stay so until the next ANALYZE (never, with autovacuum off): the answer insert's check
# on response took 40 ms at 11,000 responses. Never analysed, the planner sizes the table from
# its pages as it grows.
WEEK_KEYS = (
    ("st_response_week", "response", "submitted_at"),
    ("st_invitation_week", "invitation", "sent_at"),
)


def upgrade():
    op.create_index(
        "ix_invitation_sent", "invitation", ["sent_at", "touchpoint_id", "status", "event_id"]
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name, table, column in WEEK_KEYS:
            op.execute(
                sa.text(
                    f"CREATE STATISTICS {name} ON "
                    f"(date_trunc('week', {column} AT TIME ZONE 'UTC')) "
                    f"FROM {table}"
                )
            )
            if bind.execute(sa.text(f"SELECT EXISTS (SELECT FROM {table})")).scalar():
                op.execute(sa.text(f"ANALYZE {table}"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _table, _column in WEEK_KEYS:
            op.execute(sa.text(f"DROP STATISTICS {name}"))
    op.drop_index("ix_invitation_sent", table_name="invitation")
