"""Invoices and annual statements from the provider's billing system, addressed to a payer."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class InvoiceKind(enum.Enum):
    INVOICE = "invoice"
    ANNUAL_STATEMENT = "annual_statement"


class InvoiceStatus(enum.Enum):
    OPEN = "open"
    PAID = "paid"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Invoice(Base):
    """One invoice or annual statement, visible only to the guardian who pays it (`payer`).

    A family that splits the bill gets one invoice per payer from the billing system.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        Index("ix_invoices_payer_guardian_id_period_end", "payer_guardian_id", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    payer_guardian_id: Mapped[int] = mapped_column(ForeignKey("guardians.id"))
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[InvoiceKind] = mapped_column(_enum(InvoiceKind))
    period_start: Mapped[date]
    period_end: Mapped[date]
    amount_cents: Mapped[int]
    status: Mapped[InvoiceStatus] = mapped_column(_enum(InvoiceStatus))
    due_date: Mapped[date | None] = mapped_column(default=None)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
