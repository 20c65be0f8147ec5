"""insight: topics, their matches, re-analysis runs, improvement actions

Revision ID: 0017_insight
Revises: 0016_channels
Existing rows: rules test no topic; topics are filled from surveys/topics/default.yaml and
stored comments read again by the worker.
Create Date: 2026-12-05 22:32:40.265288

"""

import sqlalchemy as sa
from alembic import op

revision = "0017_insight"
down_revision = "0016_channels"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "analysis_run",
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("last_response_id", sa.Integer(), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_run")),
    )
    op.create_table(
        "topic",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_zh", sa.String(length=80), nullable=False),
        sa.Column("keywords_en", sa.JSON(), nullable=False),
        sa.Column("keywords_zh", sa.JSON(), nullable=False),
        sa.Column("exclude", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
        sa.UniqueConstraint("code", name=op.f("uq_topic_code")),
    )
    op.create_table(
        "improvement_action",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("expected_effect", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("live_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_improvement_action_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoint.id"],
            name=op.f("fk_improvement_action_touchpoint_id_touchpoint"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_action")),
    )
    op.create_table(
        "action_note",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["improvement_action.id"],
            name=op.f("fk_action_note_action_id_improvement_action"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_note")),
    )
    with op.batch_alter_table("action_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_note_action_id"), ["action_id"], unique=False)

    op.create_table(
        "response_topic",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_response_topic_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("response_id", "topic", name=op.f("pk_response_topic")),
    )
    with op.batch_alter_table("response_topic", schema=None) as batch_op:
        batch_op.create_index("ix_response_topic_topic", ["topic", "response_id"], unique=False)

    # In place: cases point at their rule, so SQLite refuses batch mode's copy of the table.
    op.add_column(
        "routing_rule", sa.Column("topics", sa.JSON(), server_default="[]", nullable=False)
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE routing_rule DROP COLUMN topics")
    else:
        op.drop_column("routing_rule", "topics")

    with op.batch_alter_table("response_topic", schema=None) as batch_op:
        batch_op.drop_index("ix_response_topic_topic")

    op.drop_table("response_topic")
    with op.batch_alter_table("action_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_note_action_id"))

    op.drop_table("action_note")
    op.drop_table("improvement_action")
    op.drop_table("topic")
    op.drop_table("analysis_run")
