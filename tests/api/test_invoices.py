"""Invoices over real HTTP: imported from the billing system, seen only by who pays them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main
from gateway.ids import to_global_id
from gateway.media import storage_from_url
from gateway.services.invoice_import import ImportResult, import_invoices
from gateway.settings import get_settings
from tests.builders import World
from tests.care_support import DECIDE, REQUEST_EXTRA, THURSDAY, slot_of
from tests.support import Database, FrozenClock, GraphQLClient

INVOICES = """
query($first: Int, $after: String, $kind: InvoiceKind) {
  invoices(first: $first, after: $after, kind: $kind) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id number kind periodStart periodEnd amount currency status dueDate
      document { filename contentType url }
    } }
  }
}
"""
TO_BE_INVOICED = "{ toBeInvoiced { day hours description childId } }"
HEADER = "number;kind;payer_email;period_start;period_end;amount;status;due_date;file\n"
ANNA_ROWS = [
    "F2026-001;invoice;anna@example.nl;2026-01-01;2026-01-31;1.234,56;paid;2026-02-15;F2026-001.pdf",
    "F2026-002;invoice;ANNA@example.nl;2026-02-01;2026-02-28;1180,00;open;2026-03-01;F2026-002.pdf",
    "F2026-003;invoice;anna@example.nl;2026-03-01;2026-03-31;1210.10;open;2026-04-15;F2026-003.pdf",
    "J2025-001;annual_statement;anna@example.nl;2025-01-01;2025-12-31;14000;paid;;J2025-001.pdf",
]
CARLA_ROW = (
    "F2026-010;invoice;carla@example.nl;2026-02-01;2026-02-28;980;open;2026-03-01;F2026-010.pdf"
)


def write_folder(folder: Path, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "invoices.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    for row in rows:
        name = row.rsplit(";", 1)[1]
        (folder / name).write_bytes(b"%PDF-1.4\n" + name.encode() + b"\n%%EOF\n")
    return folder


async def run_import(
    db: Database, clock: FrozenClock, tmp_path: Path, rows: list[str]
) -> ImportResult:
    storage = storage_from_url(f"file://{tmp_path / 'media'}")
    async with db.sessionmaker() as session:
        return await import_invoices(
            session,
            storage,
            clock(),
            domain="zon.example",
            folder=write_folder(tmp_path / "in", rows),
        )


def numbers(data: dict[str, object]) -> list[str]:
    invoices = data["invoices"]
    assert isinstance(invoices, dict)
    return [edge["node"]["number"] for edge in invoices["edges"]]


async def test_the_payer_sees_their_invoices_latest_first_with_status_and_document(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    result = await run_import(db, clock, tmp_path, [*ANNA_ROWS, CARLA_ROW])
    assert (result.created, result.updated, result.errors) == (5, 0, [])

    data = await gql.data(INVOICES, token=world.token("anna"))

    assert numbers(data) == ["F2026-003", "F2026-002", "F2026-001", "J2025-001"]
    march, february, january, statement = (e["node"] for e in data["invoices"]["edges"])
    assert march["amount"] == "1210.10"
    assert march["currency"] == "EUR"
    assert march["status"] == "OPEN"
    assert february["status"] == "OVERDUE"  # due on 1 March, today is 10 March
    assert january["amount"] == "1234.56"
    assert january["status"] == "PAID"
    assert statement["kind"] == "ANNUAL_STATEMENT"
    assert statement["dueDate"] is None
    assert january["document"]["filename"] == "F2026-001.pdf"
    assert january["document"]["contentType"] == "application/pdf"
    assert january["document"]["url"].startswith("/media/invoices/")


async def test_nobody_but_the_payer_sees_an_invoice(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    await run_import(db, clock, tmp_path, [*ANNA_ROWS, CARLA_ROW])
    anna = await gql.data(INVOICES, token=world.token("anna"))
    anna_invoice = anna["invoices"]["edges"][0]["node"]["id"]
    node = "query($id: ID!) { node(id: $id) { ... on Invoice { number } } }"

    assert numbers(await gql.data(INVOICES, token=world.token("carla"))) == ["F2026-010"]
    for other in ("bram", "carla", "sita", "mo"):  # the other parent, another family, staff
        assert await gql.data(node, {"id": anna_invoice}, token=world.token(other)) == {
            "node": None
        }
    assert numbers(await gql.data(INVOICES, token=world.token("bram"))) == []
    assert numbers(await gql.data(INVOICES, token=world.token("sita"))) == []
    guessed = await gql.data(node, {"id": to_global_id("Invoice", 999)}, token=world.token("anna"))
    assert guessed == {"node": None}


async def test_invoice_pages_and_kind_filter(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    await run_import(db, clock, tmp_path, ANNA_ROWS)
    token = world.token("anna")

    first = await gql.data(INVOICES, {"first": 3}, token=token)
    last = await gql.data(
        INVOICES, {"first": 3, "after": first["invoices"]["pageInfo"]["endCursor"]}, token=token
    )
    statements = await gql.data(INVOICES, {"kind": "ANNUAL_STATEMENT"}, token=token)
    maximum = await gql.data(INVOICES, {"first": 100}, token=token)
    empty = await gql.data(INVOICES, {"first": 0}, token=token)
    too_many = await gql.execute(INVOICES, {"first": 101}, token=token)

    assert numbers(first) == ["F2026-003", "F2026-002", "F2026-001"]
    assert first["invoices"]["pageInfo"]["hasNextPage"] is True
    assert numbers(last) == ["J2025-001"]
    assert last["invoices"]["pageInfo"]["hasNextPage"] is False
    assert numbers(statements) == ["J2025-001"]
    assert len(numbers(maximum)) == 4
    assert numbers(empty) == []
    assert empty["invoices"]["totalCount"] == 4
    assert too_many["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_a_bad_row_imports_nothing_and_a_second_import_updates(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    bad = await run_import(
        db,
        clock,
        tmp_path,
        [
            ANNA_ROWS[0],
            "F2026-099;invoice;nobody@example.nl;2026-01-01;2026-01-31;10;open;;F2026-099.pdf",
            "F2026-098;invoice;anna@example.nl;2026-01-31;2026-01-01;10;open;;F2026-098.pdf",
        ],
    )
    assert bad.errors == [
        "line 4: period_end is before period_start",
        "line 3: no guardian with e-mail nobody@example.nl",
    ]
    assert await db.count("invoices") == 0

    await run_import(db, clock, tmp_path, ANNA_ROWS[:2])
    again = await run_import(db, clock, tmp_path, [ANNA_ROWS[1].replace(";open;", ";paid;")])

    assert (again.created, again.updated) == (0, 1)
    data = await gql.data(INVOICES, token=world.token("anna"))
    assert [e["node"]["status"] for e in data["invoices"]["edges"]] == ["PAID", "PAID"]


async def test_approved_extra_days_show_as_to_be_invoiced_until_invoiced(
    gql: GraphQLClient, world: World, db: Database, clock: FrozenClock, tmp_path: Path
) -> None:
    day = {
        "childId": world.gid("Child", "bo"),
        "date": THURSDAY.isoformat(),
        "slotId": await slot_of(db, world, "dolfijnen"),
    }
    asked = await gql.data(
        REQUEST_EXTRA, {"input": {"days": [day], "payment": "INVOICE"}}, token=world.token("anna")
    )
    request_id = asked["requestExtraDays"]["requests"][0]["id"]
    await gql.data(
        DECIDE,
        {"input": {"requestId": request_id, "decision": "APPROVE"}},
        token=world.token("sita"),
    )

    before = await gql.data(TO_BE_INVOICED, token=world.token("bram"))
    other_family = await gql.data(TO_BE_INVOICED, token=world.token("carla"))
    result = await run_import(db, clock, tmp_path, [ANNA_ROWS[2]])
    after = await gql.data(TO_BE_INVOICED, token=world.token("anna"))

    assert before["toBeInvoiced"] == [
        {
            "day": "2026-03-12",
            "hours": 11.0,
            "description": "Extra dag 2026-03-12 07:30-18:30",
            "childId": world.gid("Child", "bo"),
        }
    ]
    assert other_family == {"toBeInvoiced": []}
    assert result.lines_invoiced == 1
    assert after == {"toBeInvoiced": []}


def test_the_cli_imports_a_folder(
    database_url: str,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("STORAGE_URL", f"file://{tmp_path / 'media'}")
    get_settings.cache_clear()
    folder = write_folder(tmp_path / "in", ANNA_ROWS)
    try:
        code = main(["import-invoices", str(folder), "--domain", "zon.example"])
        wrong = main(["import-invoices", str(folder), "--domain", "nergens.example"])
    finally:
        get_settings.cache_clear()

    out = capsys.readouterr()
    assert code == 0
    assert "imported 4 new and 0 updated invoices" in out.out
    assert wrong == 1
    assert "no organisation with portal domain nergens.example" in out.err
    assert list((tmp_path / "media" / "invoices").rglob("*.pdf"))
