"""Publishing invoices from the billing system: a folder of PDFs and `invoices.csv`.

All or nothing: every row and file is checked first; one bad row imports nothing. The same
invoice number again updates the invoice (status, amount, document). Extra days the billing
system has now invoiced (approved days paid on invoice, in an invoice's period, of the payer's
children) stop showing as "to be invoiced".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.domain.invoice_rows import InvoiceRow, parse_invoice_csv
from gateway.media import Storage, pending_writes
from gateway.models import (
    Account,
    Document,
    Guardianship,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Organisation,
    Role,
)
from gateway.services.accounts import normalise_domain

CSV_NAME = "invoices.csv"
MAX_PDF_BYTES = 20_000_000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    lines_invoiced: int = 0
    errors: list[str] = field(default_factory=list)


def _read_pdf(folder: Path, row: InvoiceRow, errors: list[str]) -> bytes | None:
    path = folder / row.file
    if not path.is_file():
        errors.append(f"line {row.line}: file {row.file} is not in the folder")
        return None
    if path.stat().st_size > MAX_PDF_BYTES:
        errors.append(f"line {row.line}: file {row.file} is larger than 20 MB")
        return None
    data = path.read_bytes()
    if not data.startswith(b"%PDF-"):
        errors.append(f"line {row.line}: file {row.file} is not a PDF")
        return None
    return data


async def import_invoices(
    session: AsyncSession, storage: Storage, now: datetime, *, domain: str, folder: Path
) -> ImportResult:
    result = ImportResult()
    organisation = await session.scalar(
        select(Organisation).where(Organisation.domain == normalise_domain(domain))
    )
    if organisation is None:
        result.errors.append(f"no organisation with portal domain {domain}")
        return result
    csv_path = folder / CSV_NAME
    if not csv_path.is_file():
        result.errors.append(f"{csv_path} does not exist")
        return result
    rows, row_errors = parse_invoice_csv(csv_path.read_text(encoding="utf-8-sig"))
    result.errors.extend(str(e) for e in row_errors)
    found = await session.execute(
        select(Account.email, Account.guardian_id).where(
            Account.organisation_id == organisation.id,
            Account.role == Role.GUARDIAN,
            Account.email.in_({row.payer_email for row in rows}),
        )
    )
    payers: dict[str, int | None] = {email: guardian for email, guardian in found}
    pdfs: dict[str, bytes] = {}
    payer_ids: dict[str, int] = {}
    for row in rows:
        payer = payers.get(row.payer_email)
        if payer is None:
            result.errors.append(f"line {row.line}: no guardian with e-mail {row.payer_email}")
        else:
            payer_ids[row.payer_email] = payer
        data = _read_pdf(folder, row, result.errors)
        if data is not None:
            pdfs[row.number] = data
    if result.errors:
        return result
    existing = {
        invoice.number: invoice
        for invoice in await session.scalars(
            select(Invoice).where(
                Invoice.organisation_id == organisation.id,
                Invoice.number.in_([row.number for row in rows]),
            )
        )
    }
    async with pending_writes(storage) as writes:
        for row in rows:
            data = pdfs[row.number]
            digest = hashlib.sha256(data).hexdigest()[:16]
            key = f"invoices/{organisation.id}/{row.number}-{digest}.pdf"
            document = await session.scalar(select(Document).where(Document.storage_key == key))
            if document is None:
                # A new key per content: a rollback never removes a file an older row uses.
                await writes.put(key, data)
                document = Document(
                    organisation_id=organisation.id,
                    storage_key=key,
                    filename=row.file,
                    content_type="application/pdf",
                    size_bytes=len(data),
                    created_at=now,
                )
                session.add(document)
                await session.flush()
            invoice = existing.get(row.number)
            if invoice is None:
                invoice = Invoice(organisation_id=organisation.id, number=row.number)
                session.add(invoice)
                result.created += 1
            else:
                result.updated += 1
            invoice.payer_guardian_id = payer_ids[row.payer_email]
            invoice.kind = InvoiceKind(row.kind)
            invoice.period_start = row.period_start
            invoice.period_end = row.period_end
            invoice.amount_cents = row.amount_cents
            invoice.status = InvoiceStatus(row.status)
            invoice.due_date = row.due_date
            invoice.document_id = document.id
            invoice.published_at = invoice.published_at or now
            await session.flush()
            if invoice.kind is InvoiceKind.INVOICE:
                result.lines_invoiced += await _mark_invoiced(session, invoice)
        await session.commit()
        writes.commit()
    return result


async def _mark_invoiced(session: AsyncSession, invoice: Invoice) -> int:
    children = select(Guardianship.child_id).where(
        Guardianship.guardian_id == invoice.payer_guardian_id
    )
    marked = await session.execute(
        update(InvoiceLine)
        .where(
            InvoiceLine.organisation_id == invoice.organisation_id,
            InvoiceLine.child_id.in_(children),
            InvoiceLine.day >= invoice.period_start,
            InvoiceLine.day <= invoice.period_end,
            InvoiceLine.invoice_id.is_(None),
        )
        .values(invoice_id=invoice.id)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(marked, "rowcount", 0) or 0)
