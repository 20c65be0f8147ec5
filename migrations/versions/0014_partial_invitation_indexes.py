"""partial invitation indexes: each holds only the rows its queries look for

Revision ID: 0014_partial_invitation_indexes
Revises: 0013_dashboard_passes
Create Date: 2026-12-03 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014_partial_invitation_indexes"
down_revision = "0013_dashboard_passes"
branch_labels = None
depends_on = None

# A new invitation used to write nine pages per transaction, its row's and one for each of
# eight indexes; it now writes four (three indexes). (name, columns, which rows) for each
# index rebuilt; ix_invitation_customer_id is dropped, ix_invitation_customer_sent starting
# with the same column.
PARTIAL = (
    ("ix_invitation_due", ["status", "send_after"], "sent_at IS NULL"),
    ("ix_invitation_reminder_due", ["status", "next_reminder_at"], "next_reminder_at IS NOT NULL"),
    ("ix_invitation_touchpoint_sent", ["touchpoint_id", "sent_at"], "sent_at IS NOT NULL"),
    (
        "ix_invitation_sent",
        ["sent_at", "touchpoint_id", "status", "event_id"],
        "sent_at IS NOT NULL",
    ),
    ("ix_invitation_case_id", ["case_id"], "case_id IS NOT NULL"),
)


def upgrade():
    op.drop_index("ix_invitation_customer_id", table_name="invitation")
    for name, columns, where in PARTIAL:
        op.drop_index(name, table_name="invitation")
        condition = sa.text(where)
        op.create_index(
            name, "invitation", columns, sqlite_where=condition, postgresql_where=condition
        )


def downgrade():
    for name, columns, _where in PARTIAL:
        op.drop_index(name, table_name="invitation")
        op.create_index(name, "invitation", columns)
    op.create_index("ix_invitation_customer_id", "invitation", ["customer_id"])
