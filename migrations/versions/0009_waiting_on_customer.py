"""waiting on the customer: the SLA clock pauses

Revision ID: 0009_waiting_on_customer
Revises: 0008_notifications
Create Date: 2026-11-23 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_waiting_on_customer"
down_revision = "0008_notifications"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("waiting_since")
