"""Loaders for invoices (only the payer's) and the extra days still to be invoiced."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, func, or_, select

from gateway.auth import access
from gateway.errors import ErrorCode, PublicError
from gateway.models import Document, Invoice, InvoiceKind, InvoiceLine
from gateway.pagination import Page, PageRequest, make_page
from loaders.base import Reader, one_per_key
from loaders.messages import int_cursor


async def invoices_page(
    reader: Reader, request: PageRequest, kind: InvoiceKind | None
) -> Page[Invoice]:
    """The viewer's invoices, latest period first (ties: newest id first)."""
    visible = access.invoice_visible(reader.viewer)
    if kind is not None:
        visible = and_(visible, Invoice.kind == kind)
    statement = select(Invoice).where(visible)
    after = int_cursor(request)
    if after is not None:
        ordinal, last_id = after
        statement = statement.where(
            or_(
                Invoice.period_end < _date(ordinal),
                and_(Invoice.period_end == _date(ordinal), Invoice.id < last_id),
            )
        )
    rows = await reader.all(
        statement.order_by(Invoice.period_end.desc(), Invoice.id.desc()).limit(request.first + 1)
    )
    total = await reader.all(select(func.count()).select_from(Invoice).where(visible))
    return make_page(rows, request, lambda i: [i.period_end.toordinal(), i.id], total[0])


def _date(ordinal: int) -> date:
    if not 1 <= ordinal <= date.max.toordinal():
        raise PublicError(ErrorCode.INVALID_INPUT, "'after' is not a valid cursor.")
    return date.fromordinal(ordinal)


async def invoices_by_id(reader: Reader, keys: Sequence[int]) -> list[Invoice | None]:
    rows = await reader.all(
        select(Invoice).where(Invoice.id.in_(keys), access.invoice_visible(reader.viewer))
    )
    return one_per_key(rows, lambda i: i.id, keys)


async def documents_by_invoice(reader: Reader, keys: Sequence[int]) -> list[Document | None]:
    rows = await reader.rows(
        select(Invoice.id, Document)
        .join(Document, Document.id == Invoice.document_id)
        .where(Invoice.id.in_(keys), access.invoice_visible(reader.viewer))
    )
    by_invoice = {invoice_id: document for invoice_id, document in rows}
    return [by_invoice.get(k) for k in keys]


async def lines_to_be_invoiced(reader: Reader) -> Sequence[InvoiceLine]:
    """Approved extra days paid on invoice that no imported invoice covers yet, by day."""
    return await reader.all(
        select(InvoiceLine)
        .where(
            InvoiceLine.invoice_id.is_(None),
            access.child_visible(InvoiceLine.child_id, reader.viewer, reader.today),
        )
        .order_by(InvoiceLine.day, InvoiceLine.id)
    )
