"""care follow-ups: opening hours per location, policy knobs, idempotency fingerprints

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "location_opening_hours",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens_at", sa.Time(), nullable=False),
        sa.Column("closes_at", sa.Time(), nullable=False),
        sa.CheckConstraint(
            "weekday >= 0 AND weekday <= 6",
            name=op.f("ck_location_opening_hours_weekday_in_range"),
        ),
        sa.CheckConstraint(
            "closes_at > opens_at", name=op.f("ck_location_opening_hours_closes_after_opening")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_location_opening_hours_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("location_id", "weekday", name=op.f("pk_location_opening_hours")),
    )
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(
            sa.Column("swap_mixed_payment", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column(
                "swap_usable_days_before", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
        batch.add_column(
            sa.Column(
                "guardian_notice_days", sa.Integer(), server_default=sa.text("0"), nullable=False
            )
        )
    with op.batch_alter_table("care_requests") as batch:
        batch.add_column(sa.Column("idempotency_fingerprint", sa.String(length=64), nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("idempotency_fingerprint", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("idempotency_fingerprint")
    with op.batch_alter_table("care_requests") as batch:
        batch.drop_column("idempotency_fingerprint")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("guardian_notice_days")
        batch.drop_column("swap_usable_days_before")
        batch.drop_column("swap_mixed_payment")
    op.drop_table("location_opening_hours")
