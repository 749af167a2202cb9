"""Root query fields for invoices."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway import models
from loaders.invoices import invoices_page, lines_to_be_invoiced
from resolvers.context import Info
from resolvers.types.invoices import Invoice, InvoiceKind, ToBeInvoicedLine
from resolvers.types.node import After, Connection, First, page_arguments


@strawberry.type(description="Invoices and annual statements.")
class InvoiceQuery:
    @strawberry.field(
        description="Invoices and annual statements you pay, latest period first; other "
        "guardians' (the other parent's too) are never listed."
    )
    async def invoices(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        kind: Annotated[
            InvoiceKind | None, strawberry.argument(description="Only invoices or statements.")
        ] = None,
    ) -> Connection[Invoice]:
        info.context.require_viewer()
        model_kind = models.InvoiceKind(kind.value) if kind is not None else None
        page = await invoices_page(
            info.context.loaders.reader, page_arguments(first, after, (int, int)), model_kind
        )
        return Connection[Invoice].build(page.map(Invoice.from_model))

    @strawberry.field(
        description="Approved extra days of your children paid on invoice that no invoice "
        "covers yet, by day."
    )
    async def to_be_invoiced(self, info: Info) -> list[ToBeInvoicedLine]:
        info.context.require_viewer()
        rows = await lines_to_be_invoiced(info.context.loaders.reader)
        return [ToBeInvoicedLine.from_model(row) for row in rows]
