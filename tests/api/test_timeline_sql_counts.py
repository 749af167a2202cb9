"""A page of timelines costs a fixed number of SQL statements, whatever their size."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from gateway.models import Account, Child, DiaryEntry, Group, GroupPost, Photo, PhotoTag
from tests.api.test_sql_counts import staff_with_children
from tests.support import Database, FrozenClock, GraphQLClient, RunningServer

TIMELINES = """
{
  children(first: 25) {
    totalCount
    edges { node {
      name
      timeline(first: 20) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node {
          __typename
          ... on DiaryEntry {
            id date body isOwn author { name role } group { name } child { name }
            facts { meals { what } sleeps { start end } activities }
            photos { id width height date children { name } }
          }
          ... on GroupPost { id date body author { name } group { name } photos { id width } }
        } }
      }
    } }
  }
}
"""


async def fill_timelines(db: Database, clock: FrozenClock, entries: int, photos: int) -> None:
    """For every child: `entries` diary entries of `photos` photos each, and group posts."""
    async with db.sessionmaker() as s:
        group = await s.scalar(select(Group))
        author = await s.scalar(select(Account.id).where(Account.staff_member_id.is_not(None)))
        assert group is not None
        assert author is not None
        children = (await s.scalars(select(Child))).all()
        for day in range(3):
            s.add(
                GroupPost(
                    organisation_id=group.organisation_id,
                    group_id=group.id,
                    post_date=clock.now.date() - timedelta(days=day),
                    author_account_id=author,
                    body=f"Post {day}",
                    created_at=clock.now,
                )
            )
        for child in children:
            for n in range(entries):
                entry = DiaryEntry(
                    organisation_id=group.organisation_id,
                    child_id=child.id,
                    group_id=group.id,
                    entry_date=clock.now.date() - timedelta(days=n),
                    author_account_id=author,
                    body=f"Dag {n}",
                    meals=[{"what": "brood", "at": None, "amount": None}],
                    created_at=clock.now,
                )
                s.add(entry)
                await s.flush()
                for p in range(photos):
                    photo = Photo(
                        organisation_id=group.organisation_id,
                        group_id=group.id,
                        photo_date=entry.entry_date,
                        diary_entry_id=entry.id,
                        position=p,
                        uploader_account_id=author,
                        width=640,
                        height=480,
                        renditions={"display": {"key": f"k/{entry.id}/{p}"}},
                        uploaded_at=clock.now,
                    )
                    s.add(photo)
                    await s.flush()
                    s.add(PhotoTag(photo_id=photo.id, child_id=child.id))
        await s.commit()


async def statements_for(
    gql: GraphQLClient, server: RunningServer, token: str
) -> tuple[int, list[int]]:
    server.statements.statements.clear()
    data = await gql.data(TIMELINES, token=token)
    sizes = [len(e["node"]["timeline"]["edges"]) for e in data["children"]["edges"]]
    return len(server.statements.statements), sizes


async def test_timeline_statements_do_not_grow_with_children_entries_or_photos(
    gql: GraphQLClient, server: RunningServer, db: Database, clock: FrozenClock
) -> None:
    token = await staff_with_children(db, clock, 1)
    await fill_timelines(db, clock, entries=1, photos=1)
    one, sizes_one = await statements_for(gql, server, token)

    await db.clean()
    token = await staff_with_children(db, clock, 25)
    await fill_timelines(db, clock, entries=20, photos=3)
    many, sizes_many = await statements_for(gql, server, token)

    assert sizes_one == [1 + 3]
    assert sizes_many == [20] * 25
    assert one == many, server.statements.statements
    assert many <= 20, server.statements.statements
