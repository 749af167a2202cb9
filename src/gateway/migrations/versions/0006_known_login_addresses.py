"""known login addresses

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_login_addresses",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_known_login_addresses_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", "address", name=op.f("pk_known_login_addresses")),
    )
    op.create_index(
        op.f("ix_known_login_addresses_last_login_at"),
        "known_login_addresses",
        ["last_login_at"],
        unique=False,
    )
    # Throttle keys become digests of what was typed; counters under the old keys mean
    # nothing any more.
    op.execute("DELETE FROM login_throttles")


def downgrade() -> None:
    op.drop_index(
        op.f("ix_known_login_addresses_last_login_at"), table_name="known_login_addresses"
    )
    op.drop_table("known_login_addresses")
