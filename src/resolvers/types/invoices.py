"""Invoices and annual statements, and the extra days still to be invoiced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum

import strawberry

from gateway import models
from gateway.ids import to_global_id
from resolvers.context import Info
from resolvers.types.documents import Document
from resolvers.types.node import Node


@strawberry.enum(description="Invoice or annual statement.")
class InvoiceKind(Enum):
    INVOICE = strawberry.enum_value("invoice", description="An invoice (factuur).")
    ANNUAL_STATEMENT = strawberry.enum_value(
        "annual_statement",
        description="The yearly summary of care costs (jaaropgave), e.g. for the tax office.",
    )


@strawberry.enum(description="Where an invoice stands.")
class InvoiceStatus(Enum):
    OPEN = strawberry.enum_value("open", description="Not paid yet; the due date has not passed.")
    OVERDUE = strawberry.enum_value("overdue", description="Not paid, and past its due date.")
    PAID = strawberry.enum_value("paid", description="Paid.")


def euros(cents: int) -> str:
    """'1234.56': a decimal string, exact (never a float)."""
    return f"{Decimal(cents) / 100:.2f}"


@strawberry.type(description="An invoice or annual statement; visible only to who pays it.")
class Invoice(Node):
    model: strawberry.Private[models.Invoice]
    number: str = strawberry.field(description="Invoice number.")
    kind: InvoiceKind = strawberry.field(description="Invoice or annual statement.")
    period_start: date = strawberry.field(description="First day of the period it covers.")
    period_end: date = strawberry.field(description="Last day of the period it covers.")
    due_date: date | None = strawberry.field(description="When payment is due; null if none.")

    @classmethod
    def from_model(cls, m: models.Invoice) -> Invoice:
        return cls(
            id=strawberry.ID(to_global_id("Invoice", m.id)),
            model=m,
            number=m.number,
            kind=InvoiceKind(m.kind.value),
            period_start=m.period_start,
            period_end=m.period_end,
            due_date=m.due_date,
        )

    @strawberry.field(description="Total in euros as an exact decimal string, e.g. '1234.56'.")
    def amount(self) -> str:
        return euros(self.model.amount_cents)

    @strawberry.field(description="Currency of `amount`: always 'EUR'.")
    def currency(self) -> str:
        return "EUR"

    @strawberry.field(description="Open, overdue or paid (overdue: open past the due date).")
    def status(self, info: Info) -> InvoiceStatus:
        m = self.model
        if m.status is models.InvoiceStatus.PAID:
            return InvoiceStatus.PAID
        if m.due_date is not None and m.due_date < info.context.today:
            return InvoiceStatus.OVERDUE
        return InvoiceStatus.OPEN

    @strawberry.field(description="The invoice PDF.")
    async def document(self, info: Info) -> Document | None:
        row = await info.context.loaders.documents_by_invoice.load(self.model.id)
        return Document.from_model(row) if row else None


@strawberry.type(description="An approved extra day paid on invoice, not yet invoiced.")
class ToBeInvoicedLine:
    model: strawberry.Private[models.InvoiceLine]
    day: date = strawberry.field(description="The day of care.")
    hours: float = strawberry.field(description="Hours of care to be invoiced.")
    description: str = strawberry.field(description="What it is, e.g. 'Extra dag Dolfijnen'.")

    @classmethod
    def from_model(cls, m: models.InvoiceLine) -> ToBeInvoicedLine:
        return cls(model=m, day=m.day, hours=m.minutes / 60, description=m.description)

    @strawberry.field(description="The child's global ID.")
    def child_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Child", self.model.child_id))
