"""registered operations for trusted-documents mode

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registered_operations",
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_registered_operations_sha256", "registered_operations", ["sha256"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_registered_operations_sha256", table_name="registered_operations")
    op.drop_table("registered_operations")
