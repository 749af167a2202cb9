"""The diary export job in real `ouderportaal serve` processes on one PostgreSQL database.

A process killed (SIGKILL) in the middle of building an export leaves a claimed job behind;
the next process takes it over when the lease runs out and finishes it: one ZIP, one mail.
Two processes polling the same queue build each export exactly once.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gateway.ids import to_global_id
from gateway.mail.mailer import OutboxEntry, read_outbox
from gateway.media import Variant
from gateway.models import ConsentKind, DiaryEntry, DiaryExport, Job, JobState, Photo, PhotoTag
from gateway.services.diary_exports import EXPORT_JOB
from gateway.services.job_queue import enqueue
from tests.api.diary_support import grant
from tests.builders import World
from tests.processes import ServeProcess, serve_process
from tests.support import Database, GraphQLClient

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

REQUEST = """
mutation($input: RequestDiaryExportInput!) {
  requestDiaryExport(input: $input) { diaryExport { id } errors { code } }
}
"""
EXPORT = "query($id: ID!) { node(id: $id) { ... on DiaryExport { state progress downloadUrl } } }"
# Exports per guardian in the two-process test.
ROUNDS = 6
# Time between two jobs falling due there: more than a small export takes to build.
WAVE = timedelta(seconds=0.25)
AUTHOR = {"dolfijnen": "sita", "vlinders": "tim"}


@pytest.fixture
async def live_world(db: Database) -> World:
    # The processes run on the real clock, so the personas' tokens must be valid now.
    return await World.build(db, datetime.now(UTC))


def environment(db: Database, folder: Path, **more: str) -> dict[str, str]:
    """What every process shares: the database, the file storage and the mail folder."""
    return {
        "DATABASE_URL": db.url,
        "STORAGE_URL": f"file://{folder / 'media'}",
        "MAIL_URL": f"outbox://{folder / 'outbox'}",
        "PUBLIC_BASE_URL": "https://app.example",
        # The test polls many times a second for seconds on end; rate limits have their tests.
        "RATE_LIMIT_PER_TOKEN": "0",
        "RATE_LIMIT_PER_ADDRESS": "0",
        **more,
    }


async def seed_diary(
    world: World, folder: Path, child: str, group: str, days: range, photos: int
) -> dict[str, bytes]:
    """An entry a day with `photos` photo files each, written directly to database and storage.

    Returns the entries' texts (as keys) and the photos' contents by storage key merged in one
    map: texts map to b"", photo keys to their bytes.
    """
    today = world.now.date()
    seeded: dict[str, bytes] = {}
    async with world.db.sessionmaker() as s:
        for back in days:
            day = today - timedelta(days=back)
            body = f"Dag {back} van {child}."
            entry = DiaryEntry(
                organisation_id=world.ids["zon"],
                child_id=world.ids[child],
                group_id=world.ids[group],
                entry_date=day,
                author_account_id=world.people[AUTHOR[group]].account_id,
                body=body,
                created_at=world.now,
            )
            s.add(entry)
            await s.flush()
            seeded[body] = b""
            for n in range(photos):
                key = f"test/{child}/{back}-{n}.jpg"
                # Incompressible and unique, so each photo's bytes are found in the ZIP once.
                content = b"\xff\xd8\xff" + f"{child}-{back}-{n}|".encode() * 400
                seeded[key] = content
                photo = Photo(
                    organisation_id=world.ids["zon"],
                    group_id=world.ids[group],
                    photo_date=day,
                    uploader_account_id=world.people[AUTHOR[group]].account_id,
                    width=640,
                    height=480,
                    renditions={Variant.DOWNLOAD.value: {"key": key, "width": 640, "height": 480}},
                    uploaded_at=world.now,
                    diary_entry_id=entry.id,
                    position=n,
                )
                s.add(photo)
                await s.flush()
                s.add(PhotoTag(photo_id=photo.id, child_id=world.ids[child]))
        await s.commit()

    def write_files() -> None:
        for key, content in seeded.items():
            if content:
                path = folder / "media" / key
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)

    await asyncio.to_thread(write_files)
    return seeded


async def export_node(http: httpx.AsyncClient, url: str, token: str, gid: str) -> dict[str, Any]:
    data = await GraphQLClient(http, f"{url}/graphql").data(EXPORT, {"id": gid}, token=token)
    node: dict[str, Any] = data["node"]
    return node


async def poll(
    http: httpx.AsyncClient,
    url: str,
    token: str,
    gid: str,
    done: Callable[[dict[str, Any]], bool],
    within: float,
) -> dict[str, Any]:
    """The export's node as soon as `done(node)` holds; fails after `within` seconds."""
    async with asyncio.timeout(within):
        while True:
            node = await export_node(http, url, token, gid)
            if done(node):
                return node
            await asyncio.sleep(0.02)


def finished(node: dict[str, Any]) -> bool:
    return node["state"] in ("DONE", "FAILED")


def export_mails(folder: Path) -> list[OutboxEntry]:
    """The links mailed (the processes also send other mail, e.g. Eva's activation)."""
    return [m for m in read_outbox(folder / "outbox") if "dagboek" in m.subject.lower()]


def completed_zips(folder: Path) -> list[Path]:
    """Export objects in the storage; a killed writer's `.tmp-` file is not one."""
    return [p for p in (folder / "media").glob("exports/*/*.zip") if not p.name.startswith(".")]


async def check_archive(
    http: httpx.AsyncClient, server: ServeProcess, node: dict[str, Any], seeded: dict[str, bytes]
) -> None:
    """The ZIP holds every entry of the period and every photo of it, each exactly once."""
    response = await http.get(server.url + node["downloadUrl"])
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    index = archive.read("index.html").decode()
    photos = sorted(archive.read(n) for n in names if n.startswith("fotos/"))
    assert len(names) == len(set(names))
    assert photos == sorted(content for content in seeded.values() if content)
    for text, content in seeded.items():
        if not content:
            assert index.count(text) == 1, text


async def job_of(db: Database, export_id: int) -> Job:
    async with db.sessionmaker() as s:
        job = await s.scalar(
            select(Job)
            .join(DiaryExport, DiaryExport.job_id == Job.id)
            .where(DiaryExport.id == export_id)
        )
        assert job is not None
        return job


async def test_a_process_killed_mid_export_is_finished_by_the_next_one(
    db: Database, live_world: World, tmp_path: Path
) -> None:
    world = live_world
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    # Enough photos that the build takes seconds, so it is caught between 0 and 100 %.
    seeded = await seed_diary(world, tmp_path, "bo", "dolfijnen", range(1, 91), photos=25)
    # Short leases: the killed process's claim runs out two seconds after its last renewal.
    env = environment(db, tmp_path, JOB_LEASE="2", JOB_POLL_INTERVAL="0.1")
    token = world.token("anna")
    async with httpx.AsyncClient(timeout=30) as http:
        async with serve_process(env, tmp_path / "first.log") as first:
            variables = {
                "input": {
                    "childId": world.gid("Child", "bo"),
                    "from": (world.now.date() - timedelta(days=90)).isoformat(),
                    "to": world.now.date().isoformat(),
                }
            }
            client = GraphQLClient(http, f"{first.url}/graphql")
            asked = (await client.data(REQUEST, variables, token=token))["requestDiaryExport"]
            assert asked["errors"] == []
            gid = asked["diaryExport"]["id"]
            midway = await poll(
                http, first.url, token, gid, lambda n: 0 < n["progress"] < 100, within=30
            )
            await first.kill()
        assert midway["state"] == "RUNNING"
        async with db.sessionmaker() as s:
            export = await s.scalar(select(DiaryExport))
            assert export is not None
            killed = (export.state, export.storage_key)
        assert killed == (JobState.RUNNING, None)
        assert export_mails(tmp_path) == []

        async with serve_process(env, tmp_path / "second.log") as second:
            done = await poll(http, second.url, token, gid, finished, within=45)
            assert (done["state"], done["progress"]) == ("DONE", 100)
            await check_archive(http, second, done, seeded)

    job = await job_of(db, export.id)
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert str(job.claimed_by).startswith(f"{second.process.pid}-")
    assert len(completed_zips(tmp_path)) == 1
    mails = export_mails(tmp_path)
    assert [m.to for m in mails] == ["anna@example.nl"]
    assert await db.count("events WHERE kind = 'diary.export_ready'") == 1


async def queue_exports(
    world: World, pairs: list[tuple[str, str]], first_day: date, due: list[datetime]
) -> list[int]:
    """Exports with their jobs, written as `requestDiaryExport` writes them, in one commit,
    the jobs due at the moments `due`.

    Not through either process: each wakes its own worker at once for what it enqueued,
    so only jobs neither enqueued make both workers race, polling, for the same rows.
    """
    async with world.db.sessionmaker() as s:
        exports = []
        for (guardian, child), run_after in zip(pairs, due, strict=True):
            export = DiaryExport(
                organisation_id=world.ids["zon"],
                child_id=world.ids[child],
                requested_by_account_id=world.people[guardian].account_id,
                from_date=first_day,
                to_date=world.now.date(),
                state=JobState.QUEUED,
                created_at=world.now,
            )
            s.add(export)
            await s.flush()
            job = enqueue(s, EXPORT_JOB, {"exportId": export.id}, world.now)
            job.run_after = run_after
            await s.flush()
            export.job_id = job.id
            exports.append(export.id)
        await s.commit()
        return exports


async def test_two_processes_build_each_export_once(
    db: Database, live_world: World, tmp_path: Path
) -> None:
    world = live_world
    # Small jobs, each due on its own a moment after the last is built, while both workers
    # are idle and polling: every one is a race between the two for the same row, and a claim
    # both could win would show as a job with two attempts.
    pairs = [("anna", "bo"), ("bram", "bo"), ("carla", "cas"), ("dani", "dex")] * ROUNDS
    seeded = {}
    for child, group, days in (
        ("bo", "dolfijnen", range(1, 4)),
        ("cas", "dolfijnen", range(1, 4)),
        ("dex", "vlinders", range(22, 25)),  # Dex left 3 weeks ago; the export is for this
    ):
        await grant(world, child, ConsentKind.DIARY, ConsentKind.PHOTOS)
        seeded[child] = await seed_diary(world, tmp_path, child, group, days, photos=2)
    env = environment(db, tmp_path, JOB_POLL_INTERVAL="0.01")
    async with (
        serve_process(env, tmp_path / "a.log") as a,
        serve_process(env, tmp_path / "b.log") as b,
        httpx.AsyncClient(timeout=30) as http,
    ):
        # Both are up and polling every 10 ms before the first job is due.
        start = datetime.now(UTC) + timedelta(seconds=0.5)
        due = [start + n * WAVE for n in range(len(pairs))]
        exports = await queue_exports(world, pairs, world.now.date() - timedelta(days=40), due)
        for (guardian, child), export_id in zip(pairs, exports, strict=True):
            server = (a, b)[export_id % 2]
            gid = to_global_id("DiaryExport", export_id)
            done = await poll(http, server.url, world.token(guardian), gid, finished, within=30)
            assert done["state"] == "DONE", (guardian, child)
            await check_archive(http, server, done, seeded[child])

    jobs = [await job_of(db, export_id) for export_id in exports]
    assert [(j.state, j.attempts) for j in jobs] == [(JobState.DONE, 1)] * len(pairs)
    # Both workers took part, so the jobs were due while both were polling for them.
    pids = {str(a.process.pid), str(b.process.pid)}
    assert {str(j.claimed_by).split("-")[0] for j in jobs} == pids
    assert len(completed_zips(tmp_path)) == len(pairs)
    mails = Counter(m.to for m in export_mails(tmp_path))
    assert mails == {f"{g}@example.nl": ROUNDS for g in ("anna", "bram", "carla", "dani")}
    assert await db.count("events WHERE kind = 'diary.export_ready'") == len(pairs)
