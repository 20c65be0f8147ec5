"""channels: SMS, WeChat, in-app links and branch QR posters

Revision ID: 0016_channels
Revises: 0015_bank_setup
Existing rows: touchpoints invite by e-mail, sent invitations went by e-mail, messages are
e-mail with no receipt.
Create Date: 2026-12-05 21:51:38.982436

"""

import sqlalchemy as sa
from alembic import op

revision = "0016_channels"
down_revision = "0015_bank_setup"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "channel_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sms_provider", sa.String(length=10), nullable=False),
        sa.Column("sms_signature", sa.String(length=40), nullable=False),
        sa.Column("sms_text_zh", sa.String(length=300), nullable=False),
        sa.Column("sms_text_en", sa.String(length=300), nullable=False),
        sa.Column("sms_opt_out_keyword", sa.String(length=10), nullable=False),
        sa.Column("sms_http_url", sa.String(length=500), nullable=False),
        sa.Column("sms_http_method", sa.String(length=6), nullable=False),
        sa.Column("sms_http_body", sa.Text(), nullable=False),
        sa.Column("sms_cloud_app_id", sa.String(length=40), nullable=False),
        sa.Column("sms_cloud_template_zh", sa.String(length=40), nullable=False),
        sa.Column("sms_cloud_template_en", sa.String(length=40), nullable=False),
        sa.Column("sms_cloud_region", sa.String(length=40), nullable=False),
        sa.Column("wechat_app_id", sa.String(length=40), nullable=False),
        sa.Column("wechat_template_id", sa.String(length=80), nullable=False),
        sa.Column("receipt_wait_minutes", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_channel_settings_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_settings")),
    )
    op.create_table(
        "provider_token",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("refreshing_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_provider_token")),
    )
    op.create_table(
        "branch_poster",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=False),
        sa.Column("branch", sa.String(length=80), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoint.id"],
            name=op.f("fk_branch_poster_touchpoint_id_touchpoint"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch_poster")),
        sa.UniqueConstraint("token", name=op.f("uq_branch_poster_token")),
    )
    op.create_table(
        "poster_answer",
        sa.Column("poster_id", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=64), nullable=False),
        sa.Column("network", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["poster_id"],
            ["branch_poster.id"],
            name=op.f("fk_poster_answer_poster_id_branch_poster"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_poster_answer")),
        sa.UniqueConstraint(
            "poster_id", "device", "day", name=op.f("uq_poster_answer_poster_id_device_day")
        ),
    )
    with op.batch_alter_table("poster_answer", schema=None) as batch_op:
        batch_op.create_index("ix_poster_answer_network", ["network", "created_at"], unique=False)

    # Customer, invitation and touchpoint rows are pointed at by foreign keys, so they are
    # altered in place: batch mode would copy each table and drop the old one, which SQLite's
    # foreign keys refuse once there are rows.
    op.add_column("customer", sa.Column("mobile", sa.String(length=20), nullable=True))
    op.add_column("customer", sa.Column("wechat_openid", sa.String(length=64), nullable=True))
    op.add_column("customer", sa.Column("preferred_channel", sa.String(length=10), nullable=True))
    op.create_index(op.f("ix_customer_mobile"), "customer", ["mobile"])
    op.create_index(op.f("ix_customer_wechat_openid"), "customer", ["wechat_openid"])

    op.add_column("invitation", sa.Column("channel", sa.String(length=10), nullable=True))
    op.add_column(
        "invitation", sa.Column("channels_tried", sa.JSON(), server_default="[]", nullable=False)
    )
    op.add_column(
        "invitation", sa.Column("delivery_due_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index(
        "ix_invitation_delivery_due",
        "invitation",
        ["delivery_due_at"],
        sqlite_where=sa.text("delivery_due_at IS NOT NULL"),
        postgresql_where=sa.text("delivery_due_at IS NOT NULL"),
    )

    op.add_column(
        "outbox_message",
        sa.Column("channel", sa.String(length=10), server_default="email", nullable=False),
    )
    op.add_column("outbox_message", sa.Column("payload", sa.JSON(), nullable=True))
    op.add_column("outbox_message", sa.Column("invitation_id", sa.Integer(), nullable=True))
    op.add_column("outbox_message", sa.Column("provider_ref", sa.String(length=100), nullable=True))
    op.add_column(
        "outbox_message", sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "outbox_message",
        sa.Column("delivery_status", sa.String(length=20), server_default="", nullable=False),
    )
    op.create_index(op.f("ix_outbox_message_invitation_id"), "outbox_message", ["invitation_id"])
    op.create_index(op.f("ix_outbox_message_provider_ref"), "outbox_message", ["provider_ref"])
    # Nothing points at outbox rows: on SQLite the batch copy that adds the key is safe.
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_invitation_id_invitation"),
            "invitation",
            ["invitation_id"],
            ["id"],
        )

    op.add_column(
        "touchpoint", sa.Column("channels", sa.JSON(), server_default='["email"]', nullable=False)
    )
    _drop_column("touchpoint", "channel")

    op.execute("UPDATE invitation SET channel = 'email' WHERE sent_at IS NOT NULL")


def downgrade():
    op.add_column(
        "touchpoint",
        sa.Column("channel", sa.String(length=20), server_default="email", nullable=False),
    )
    _drop_column("touchpoint", "channels")

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbox_message_invitation_id_invitation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbox_message_provider_ref"))
        batch_op.drop_index(batch_op.f("ix_outbox_message_invitation_id"))
        for name in (
            "delivery_status",
            "delivered_at",
            "provider_ref",
            "invitation_id",
            "payload",
            "channel",
        ):
            batch_op.drop_column(name)

    op.drop_index("ix_invitation_delivery_due", table_name="invitation")
    for name in ("delivery_due_at", "channels_tried", "channel"):
        _drop_column("invitation", name)
    op.drop_index(op.f("ix_customer_wechat_openid"), table_name="customer")
    op.drop_index(op.f("ix_customer_mobile"), table_name="customer")
    for name in ("preferred_channel", "wechat_openid", "mobile"):
        _drop_column("customer", name)

    with op.batch_alter_table("poster_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_poster_answer_network")

    op.drop_table("poster_answer")
    op.drop_table("branch_poster")
    op.drop_table("provider_token")
    op.drop_table("channel_settings")


def _drop_column(table: str, name: str) -> None:
    """In place, also on SQLite (3.35+): see the note in upgrade()."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    else:
        op.drop_column(table, name)
