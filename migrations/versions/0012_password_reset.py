"""password reset: reset links (hashed tokens) and a session stamp on staff accounts

Revision ID: 0012_password_reset
Revises: 0011_security
Create Date: 2026-11-25 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_password_reset"
down_revision = "0011_security"
branch_labels = None
depends_on = None

# Existing accounts get a random stamp of their own, so no two share one.
RANDOM_STAMP = {
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
    "sqlite": "lower(hex(randomblob(16)))",
}


def upgrade():
    op.create_table(
        "password_reset",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("spent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_password_reset_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_password_reset_token_hash")),
    )
    op.create_index(op.f("ix_password_reset_user_id"), "password_reset", ["user_id"], unique=False)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_stamp", sa.String(length=32), nullable=True))
    stamp = RANDOM_STAMP[op.get_bind().dialect.name]
    op.execute(f"UPDATE user_account SET session_stamp = {stamp}")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("session_stamp", existing_type=sa.String(length=32), nullable=False)


def downgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_stamp")
    op.drop_index(op.f("ix_password_reset_user_id"), table_name="password_reset")
    op.drop_table("password_reset")
