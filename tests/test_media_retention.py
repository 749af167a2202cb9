"""After the access window, a child's diary and photos are deleted, files included."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from gateway.media import storage_from_url
from gateway.models import DiaryEntry, DiaryExport, JobState, Photo, PhotoTag
from gateway.services.media_retention import purge_after_access_window
from tests.api.diary_support import entry_row, group_post, photo_row
from tests.builders import World


async def stored_photo(world: World, key: str, **container: int) -> int:
    async with world.db.sessionmaker() as s:
        photo = photo_row(world, "dolfijnen", world.now.date(), world.now, "sita", **container)
        photo.renditions = {"display": {"key": key, "width": 1, "height": 1}}
        s.add(photo)
        await s.commit()
        return photo.id


async def tag(world: World, photo: int, *children: str) -> None:
    async with world.db.sessionmaker() as s:
        s.add_all(PhotoTag(photo_id=photo, child_id=world.ids[c]) for c in children)
        await s.commit()


async def test_the_diary_of_a_child_past_the_window_goes_and_the_rest_stays(
    world: World, tmp_path: Path
) -> None:
    storage = storage_from_url(f"file://{tmp_path}")
    for key in ("cato.jpg", "both.jpg", "only-cato.jpg", "dex.jpg", "export.zip", "old.zip"):
        await storage.put(key, b"\xff\xd8\xff data")
    today = world.now.date()
    # Cato left 8 weeks ago (past the window), Dex 3 weeks ago (within it).
    cato_entry = await entry_row(world, "cato", "dolfijnen", today - timedelta(weeks=9), "sita")
    dex_entry = await entry_row(world, "dex", "vlinders", today - timedelta(weeks=4), "tim")
    await tag(world, await stored_photo(world, "cato.jpg", diary_entry_id=cato_entry), "cato")
    await tag(world, await stored_photo(world, "dex.jpg", diary_entry_id=dex_entry), "dex")
    post = await group_post(world, "dolfijnen", today - timedelta(weeks=9), "Park", world.now)
    both = await stored_photo(world, "both.jpg", group_post_id=post)
    await tag(world, both, "cato", "cas")
    await tag(world, await stored_photo(world, "only-cato.jpg", group_post_id=post), "cato")
    async with world.db.sessionmaker() as s:
        for child, key, expires in (
            ("cato", "export.zip", world.now + timedelta(days=3)),
            ("bo", "old.zip", world.now - timedelta(days=1)),
        ):
            s.add(
                DiaryExport(
                    organisation_id=world.ids["zon"],
                    child_id=world.ids[child],
                    requested_by_account_id=world.people["carla"].account_id,
                    from_date=today,
                    to_date=today,
                    state=JobState.DONE,
                    storage_key=key,
                    created_at=world.now,
                    link_expires_at=expires,
                )
            )
        await s.commit()

    async with world.db.sessionmaker() as s:
        removed = await purge_after_access_window(s, storage, world.now, today)
    async with world.db.sessionmaker() as s:
        entries = set((await s.scalars(select(DiaryEntry.id))).all())
        photos = {p.renditions["display"]["key"] for p in (await s.scalars(select(Photo))).all()}
        tags = {(t.photo_id, t.child_id) for t in (await s.scalars(select(PhotoTag))).all()}
        exports = [
            (e.child_id, e.storage_key) for e in (await s.scalars(select(DiaryExport))).all()
        ]

    assert removed > 0
    assert entries == {dex_entry}
    assert photos == {"both.jpg", "dex.jpg"}
    assert (both, world.ids["cato"]) not in tags
    assert (both, world.ids["cas"]) in tags
    assert exports == [(world.ids["bo"], None)]  # Bo's link expired: the file goes, the row stays
    left = {key async for key in storage.list_keys()}
    assert left == {"both.jpg", "dex.jpg"}
    await storage.close()
