"""The demo's location life: policies, news with attachments, newsletters, invoices, real PDFs."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from gateway.demo import DEMO_PASSWORD, demo_accounts, seed_demo
from gateway.media import storage_from_url
from gateway.models import Document, Invoice, NewsAttachment, NewsItem, Newsletter, Policy
from tests.support import Database, FrozenClock, GraphQLClient

LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }
"""
PAGE = """
{
  location { name policies { kind title document { filename } } team { name } }
  news(first: 100) { totalCount edges { node { title attachments { filename } } } }
  newsletters { totalCount }
  invoices(first: 100) { edges { node { kind amount status document { contentType } } } }
}
"""


async def count(db: Database, model: type) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_demo_location_is_lived_in(
    db: Database, gql: GraphQLClient, clock: FrozenClock, tmp_path: Path
) -> None:
    storage = storage_from_url(f"file://{tmp_path / 'media'}")
    async with db.sessionmaker() as session:
        assert await seed_demo(session, clock.now.date(), clock.now, storage) is True
        accounts = await demo_accounts(session)

    assert await count(db, NewsItem) == 13  # a dozen published, one scheduled
    assert await count(db, NewsAttachment) == 7
    assert await count(db, Newsletter) == 2
    assert await count(db, Policy) == 4
    assert await count(db, Invoice) > 0
    async with db.sessionmaker() as session:
        keys = list(await session.scalars(select(Document.storage_key)))
    assert len(keys) == await count(db, Document)
    for key in keys:
        assert (await storage.read(key)).startswith(b"%PDF-")

    guardian = next(a for a in accounts if a.role == "guardian")
    login = await gql.data(
        LOGIN,
        {"input": {"domain": guardian.domain, "email": guardian.email, "password": DEMO_PASSWORD}},
    )
    data = await gql.data(PAGE, token=login["login"]["token"])

    assert len(data["location"]["policies"]) == 3  # its own safety policy and two of the org
    assert data["location"]["team"]
    assert 6 <= data["news"]["totalCount"] < 13  # its location's and the organisation's
    assert any(edge["node"]["attachments"] for edge in data["news"]["edges"])
    assert data["newsletters"]["totalCount"] >= 1
    kinds = [edge["node"]["kind"] for edge in data["invoices"]["edges"]]
    assert kinds.count("INVOICE") == 3
    assert kinds.count("ANNUAL_STATEMENT") == 1
