"""Documents and helpers shared by the diary, timeline and photo tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gateway.models import Consent, ConsentKind, DiaryEntry, GroupPost, Photo, PhotoTag
from tests.builders import World
from tests.support import GraphQLClient

ENTRY_FIELDS = """
  id date body writtenAt updatedAt isOwn
  author { name role }
  child { name }
  group { name }
  facts {
    meals { what at amount }
    sleeps { start end }
    activities playedWith learnt
  }
"""
WRITE = f"""
mutation($input: WriteDiaryEntryInput!) {{
  writeDiaryEntry(input: $input) {{
    diaryEntry {{ {ENTRY_FIELDS} }}
    errors {{ code message field }}
  }}
}}
"""
UPDATE = f"""
mutation($input: UpdateDiaryEntryInput!) {{
  updateDiaryEntry(input: $input) {{
    diaryEntry {{ {ENTRY_FIELDS} }}
    errors {{ code message field }}
  }}
}}
"""
DELETE = """
mutation($input: DeleteDiaryEntryInput!) {
  deleteDiaryEntry(input: $input) { deletedId errors { code message field } }
}
"""
ENTRY = f"query($id: ID!) {{ diaryEntry(id: $id) {{ {ENTRY_FIELDS} }} }}"
NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
TIMELINE = """
query($id: ID!, $first: Int, $after: String) {
  child(id: $id) {
    timeline(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage endCursor }
      edges { cursor node {
        __typename
        ... on DiaryEntry { id date body author { name } photos { id width } }
        ... on GroupPost { id date body group { name } photos { id width } }
      } }
    }
  }
}
"""


async def write(
    gql: GraphQLClient, world: World, who: str, child: str, body: str, **more: Any
) -> dict[str, Any]:
    """Write as `who` about `child`; returns the payload (with `errors`, maybe non-empty)."""
    variables = {"input": {"childId": world.gid("Child", child), "body": body, **more}}
    data = await gql.data(WRITE, variables, token=world.token(who))
    payload: dict[str, Any] = data["writeDiaryEntry"]
    return payload


async def written(
    gql: GraphQLClient, world: World, who: str, child: str, body: str, **more: Any
) -> str:
    """Write an entry that must succeed; returns its ID."""
    payload = await write(gql, world, who, child, body, **more)
    assert payload["errors"] == [], payload["errors"]
    entry_id: str = payload["diaryEntry"]["id"]
    return entry_id


async def grant(world: World, child: str, *kinds: ConsentKind, granted: bool = True) -> None:
    """The guardians' answer, written directly: consent mutations have tests of their own."""
    async with world.db.sessionmaker() as s:
        for kind in kinds:
            s.add(
                Consent(
                    child_id=world.ids[child],
                    kind=kind,
                    granted=granted,
                    changed_at=world.now,
                    changed_by_account_id=world.people["anna"].account_id,
                )
            )
        await s.commit()


async def group_post(
    world: World, group: str, day: date, body: str, at: datetime, photos: int = 0
) -> int:
    """A post to a group by its staff, with `photos` photo rows (files are not read here)."""
    author = {"dolfijnen": "sita", "vlinders": "tim", "sterren": "mara"}[group]
    async with world.db.sessionmaker() as s:
        post = GroupPost(
            organisation_id=world.ids["maan" if group == "sterren" else "zon"],
            group_id=world.ids[group],
            post_date=day,
            author_account_id=world.people[author].account_id,
            body=body,
            created_at=at,
        )
        s.add(post)
        await s.flush()
        for n in range(photos):
            s.add(photo_row(world, group, day, at, author, group_post_id=post.id, position=n))
        await s.commit()
        return post.id


def photo_row(
    world: World, group: str, day: date, at: datetime, uploader: str, **container: int
) -> Photo:
    return Photo(
        organisation_id=world.ids["maan" if group == "sterren" else "zon"],
        group_id=world.ids[group],
        photo_date=day,
        uploader_account_id=world.people[uploader].account_id,
        width=640,
        height=480,
        renditions={"display": {"key": f"test/{at.timestamp()}", "width": 640, "height": 480}},
        uploaded_at=at,
        **container,
    )


async def entry_photos(world: World, entry_pk: int, child: str, count: int) -> list[int]:
    """Photo rows in a diary entry, tagged with its child."""
    async with world.db.sessionmaker() as s:
        ids = []
        for n in range(count):
            photo = photo_row(
                world,
                "dolfijnen",
                world.now.date(),
                world.now,
                "sita",
                diary_entry_id=entry_pk,
                position=n,
            )
            s.add(photo)
            await s.flush()
            s.add(PhotoTag(photo_id=photo.id, child_id=world.ids[child]))
            ids.append(photo.id)
        await s.commit()
        return ids


async def entry_row(world: World, child: str, group: str, day: date, author: str) -> int:
    """An entry written directly, e.g. from before a child left (the service refuses those)."""
    async with world.db.sessionmaker() as s:
        entry = DiaryEntry(
            organisation_id=world.ids["maan" if group == "sterren" else "zon"],
            child_id=world.ids[child],
            group_id=world.ids[group],
            entry_date=day,
            author_account_id=world.people[author].account_id,
            body=f"A day of {child}",
            created_at=world.now,
        )
        s.add(entry)
        await s.commit()
        return entry.id
