"""The billing system's CSV of invoices, checked row by row (no I/O: the caller reads files).

Columns (a header row with these names; order free; `;` or `,` separated):

| column        | required | example               | meaning                                       |
|---------------|----------|-----------------------|-----------------------------------------------|
| number        | yes      | F2026-00123           | invoice number, unique in the organisation    |
| kind          | yes      | invoice               | `invoice` or `annual_statement` (jaaropgave)  |
| payer_email   | yes      | anna@example.nl       | login e-mail of the guardian who pays         |
| period_start  | yes      | 2026-03-01            | first day invoiced (ISO date)                 |
| period_end    | yes      | 2026-03-31            | last day invoiced (ISO date)                  |
| amount        | yes      | 1234,56               | total in euros; decimal comma or point        |
| status        | yes      | open                  | `open` or `paid`                              |
| due_date      | no       | 2026-04-15            | when payment is due (empty for statements)    |
| file          | yes      | F2026-00123.pdf       | the PDF in the same folder                    |

Importing the same number again updates the row (e.g. its status once paid).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

COLUMNS = (
    "number",
    "kind",
    "payer_email",
    "period_start",
    "period_end",
    "amount",
    "status",
    "due_date",
    "file",
)
REQUIRED = frozenset(COLUMNS) - {"due_date"}
KINDS = ("invoice", "annual_statement")
STATUSES = ("open", "paid")
_NUMBER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,150}\.pdf", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    line: int
    number: str
    kind: str
    payer_email: str
    period_start: date
    period_end: date
    amount_cents: int
    status: str
    due_date: date | None
    file: str


class RowError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


def _date(value: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(line, f"{column} {value!r} is not a date like 2026-03-31") from None


def _cents(value: str, line: int) -> int:
    text = value.replace("€", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowError(line, f"amount {value!r} is not an amount like 1234,56") from None
    if amount != amount.quantize(Decimal("0.01")) or abs(amount) > 1_000_000:
        raise RowError(line, f"amount {value!r} has more than cents or is out of range")
    return int(amount * 100)


def _row(values: dict[str, str], line: int) -> InvoiceRow:
    missing = sorted(c for c in REQUIRED if not values.get(c, "").strip())
    if missing:
        raise RowError(line, f"missing {', '.join(missing)}")
    get = {k: (v or "").strip() for k, v in values.items() if k}
    if not _NUMBER.fullmatch(get["number"]):
        raise RowError(line, f"number {get['number']!r} has characters other than A-Z 0-9 . _ -")
    if get["kind"] not in KINDS:
        raise RowError(line, f"kind must be one of {', '.join(KINDS)}")
    if get["status"] not in STATUSES:
        raise RowError(line, f"status must be one of {', '.join(STATUSES)}")
    if not _FILE.fullmatch(get["file"]):
        raise RowError(line, f"file {get['file']!r} must be a .pdf name in the folder")
    start = _date(get["period_start"], line, "period_start")
    end = _date(get["period_end"], line, "period_end")
    if end < start:
        raise RowError(line, "period_end is before period_start")
    due = _date(get["due_date"], line, "due_date") if get.get("due_date") else None
    return InvoiceRow(
        line=line,
        number=get["number"],
        kind=get["kind"],
        payer_email=get["payer_email"].lower(),
        period_start=start,
        period_end=end,
        amount_cents=_cents(get["amount"], line),
        status=get["status"],
        due_date=due,
        file=get["file"],
    )


def parse_invoice_csv(text: str) -> tuple[list[InvoiceRow], list[RowError]]:
    """Every row checked; the caller imports nothing when there is any error."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = {name.strip() for name in reader.fieldnames or []}
    if not header >= REQUIRED:
        missing = ", ".join(sorted(REQUIRED - header))
        return [], [RowError(1, f"the header lacks {missing}")]
    rows: list[InvoiceRow] = []
    errors: list[RowError] = []
    seen: set[str] = set()
    for index, raw in enumerate(reader, start=2):
        values = {(k or "").strip(): v for k, v in raw.items()}
        try:
            row = _row(values, index)
        except RowError as error:
            errors.append(error)
            continue
        if row.number in seen:
            errors.append(RowError(index, f"number {row.number} appears twice"))
            continue
        seen.add(row.number)
        rows.append(row)
    return rows, errors
