"""bank setup: profile, business hours and days, contact rules, webhook endpoints, invitations and time zones of users, retired departments

Revision ID: 0015_bank_setup
Revises: 0014_partial_invitation_indexes
Existing rows: departments stay active, past messages have no answer, links are resets.
Create Date: 2026-12-05 02:22:53.261939

"""

import sqlalchemy as sa
from alembic import op

revision = "0015_bank_setup"
down_revision = "0014_partial_invitation_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bank",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_zh", sa.String(length=120), nullable=False),
        sa.Column("colour", sa.String(length=7), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("logo", sa.Text(), nullable=True),
        sa.Column("setup_code_hash", sa.String(length=64), nullable=True),
        sa.Column("setup_code_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_bank_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank")),
    )
    op.create_table(
        "business_hours",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("opens", sa.String(length=5), nullable=False),
        sa.Column("closes", sa.String(length=5), nullable=False),
        sa.Column("working_weekdays", sa.JSON(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_business_hours_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_hours")),
    )
    op.create_table(
        "calendar_day",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('holiday', 'workday')", name=op.f("ck_calendar_day_kind_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_day")),
        sa.UniqueConstraint("day", name=op.f("uq_calendar_day_day")),
    )
    op.create_table(
        "contact_rules",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("default_fatigue_days", sa.Integer(), nullable=False),
        sa.Column("fatigue_days", sa.JSON(), nullable=False),
        sa.Column("quiet_start", sa.String(length=5), nullable=False),
        sa.Column("quiet_end", sa.String(length=5), nullable=False),
        sa.Column("default_cooldown_days", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_contact_rules_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_rules")),
    )
    op.create_table(
        "webhook_endpoint",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column("previous_secret_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_endpoint")),
        sa.UniqueConstraint("name", name=op.f("uq_webhook_endpoint_name")),
    )
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true())
        )

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("endpoint_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("answer", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_message_endpoint_id"), ["endpoint_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_endpoint_id_webhook_endpoint"),
            "webhook_endpoint",
            ["endpoint_id"],
            ["id"],
        )

    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=10), nullable=False, server_default="reset")
        )
        batch_op.create_check_constraint("purpose_known", "purpose IN ('reset', 'invite')")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("timezone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("timezone")

    with op.batch_alter_table("password_reset", schema=None) as batch_op:
        batch_op.drop_constraint("purpose_known", type_="check")
        batch_op.drop_column("purpose")

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_message_endpoint_id_webhook_endpoint"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_message_endpoint_id"))
        batch_op.drop_column("answer")
        batch_op.drop_column("endpoint_id")

    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_column("active")

    op.drop_table("webhook_endpoint")
    op.drop_table("contact_rules")
    op.drop_table("calendar_day")
    op.drop_table("business_hours")
    op.drop_table("bank")
