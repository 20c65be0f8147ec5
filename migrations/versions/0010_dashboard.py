"""dashboard: indexes for the period scans of responses, invitations and cases

Revision ID: 0010_dashboard
Revises: 0009_waiting_on_customer
Create Date: 2026-11-24 12:00:00

"""

from alembic import op

revision = "0010_dashboard"
down_revision = "0009_waiting_on_customer"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_response_submitted", "response", ["submitted_at"])
    op.create_index("ix_invitation_touchpoint_sent", "invitation", ["touchpoint_id", "sent_at"])
    op.create_index("ix_case_department_opened", "case_file", ["department_id", "opened_at"])
    op.create_index("ix_case_status_opened", "case_file", ["status", "opened_at"])


def downgrade():
    op.drop_index("ix_case_status_opened", table_name="case_file")
    op.drop_index("ix_case_department_opened", table_name="case_file")
    op.drop_index("ix_invitation_touchpoint_sent", table_name="invitation")
    op.drop_index("ix_response_submitted", table_name="response")
