"""event watermarks: how far each organisation's events were pruned

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_watermarks",
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "pruned_through", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_event_watermarks_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("organisation_id", name=op.f("pk_event_watermarks")),
    )


def downgrade() -> None:
    op.drop_table("event_watermarks")
