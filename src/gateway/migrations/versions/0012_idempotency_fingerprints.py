"""idempotency fingerprints for diary entries, photo uploads and news items

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# Where a mutation's idempotency key is stored, the fingerprint of its input goes with it.
TABLES = ("diary_entries", "photos", "news_items")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("idempotency_fingerprint", sa.String(length=64), nullable=True)
            )


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("idempotency_fingerprint")
