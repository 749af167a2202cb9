"""The demo timelines: weeks of entries with facts and photos, group posts, a weekend entry."""

from __future__ import annotations

import time

import httpx
from sqlalchemy import func, select

from gateway.demo import DEMO_DOMAIN, DEMO_PASSWORD, seed_demo
from gateway.ids import to_global_id
from gateway.models import (
    Account,
    Child,
    Consent,
    ConsentKind,
    DiaryEntry,
    GroupPost,
    Guardianship,
    Photo,
    Placement,
    Role,
)
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

LOGIN = """
mutation($input: LoginInput!) { login(input: $input) { token errors { code } } }
"""
TIMELINE = """
query($id: ID!) {
  child(id: $id) {
    timeline(first: 30) {
      totalCount
      edges { node {
        __typename
        ... on DiaryEntry {
          body author { role } facts { meals { what } sleeps { start } activities }
          photos { display { url } }
        }
        ... on GroupPost { body photos { display { url } } }
      } }
    }
  }
}
"""


async def test_every_demo_child_gets_a_lived_in_timeline(
    db: Database, gql: GraphQLClient, server: RunningServer, clock: FrozenClock
) -> None:
    started = time.perf_counter()
    async with db.sessionmaker() as session:
        await seed_demo(session, clock.now.date(), clock.now, server.app.state.runtime.storage)
    seeded_in = time.perf_counter() - started

    async with db.sessionmaker() as s:
        per_child = dict(
            (
                await s.execute(
                    select(DiaryEntry.child_id, func.count()).group_by(DiaryEntry.child_id)
                )
            ).all()
        )
        # Children in running care whose guardians let staff write the diary.
        diary_consent = set(
            await s.scalars(
                select(Consent.child_id)
                .join(Placement, Placement.child_id == Consent.child_id)
                .where(
                    Consent.kind == ConsentKind.DIARY,
                    Consent.granted,
                    Placement.start_date <= clock.now.date(),
                    Placement.end_date.is_(None),
                )
            )
        )
        by_guardian = set(
            await s.scalars(
                select(DiaryEntry.child_id)
                .join(Account, Account.id == DiaryEntry.author_account_id)
                .where(Account.role == Role.GUARDIAN)
            )
        )
        posts = await s.scalar(select(func.count()).select_from(GroupPost))
        photos = await s.scalar(select(func.count()).select_from(Photo))
        child = await s.scalar(
            select(Child)
            .where(Child.id.in_(diary_consent))
            .join(Guardianship, Guardianship.child_id == Child.id)
            .order_by(Child.id)
            .limit(1)
        )
        assert child is not None
        email = await s.scalar(
            select(Account.email)
            .join(Guardianship, Guardianship.guardian_id == Account.guardian_id)
            .where(Guardianship.child_id == child.id)
        )

    assert seeded_in < 30  # seconds, on a loaded machine: the demo must stay quick to start
    assert len(diary_consent) >= 10
    assert {c: per_child.get(c, 0) for c in diary_consent if per_child.get(c, 0) < 6} == {}
    assert len(by_guardian) >= 30  # nearly every child has a guardian's weekend entry
    assert (posts or 0) >= 4 * 6
    assert (photos or 0) > (posts or 0)

    login = await gql.data(
        LOGIN, {"input": {"domain": DEMO_DOMAIN, "email": email, "password": DEMO_PASSWORD}}
    )
    token = login["login"]["token"]

    data = await gql.data(TIMELINE, {"id": to_global_id("Child", child.id)}, token=token)
    nodes = [e["node"] for e in data["child"]["timeline"]["edges"]]
    kinds = {n["__typename"] for n in nodes}
    assert kinds == {"DiaryEntry", "GroupPost"}
    assert any(n.get("author") == {"role": "GUARDIAN"} for n in nodes)
    staff_entry = next(n for n in nodes if n.get("author") == {"role": "STAFF"})
    assert staff_entry["facts"]["meals"]
    assert staff_entry["facts"]["activities"]
    url = next(p["display"]["url"] for n in nodes for p in n["photos"])
    async with httpx.AsyncClient() as http:
        image = await http.get(server.url + url)
    assert image.status_code == 200
    assert image.content[:3] == b"\xff\xd8\xff"
