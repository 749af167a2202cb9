"""Diary exports: built in the background into a ZIP, mailed as a link that expires.

Runs a gateway of its own with the job worker on, a real SMTP server and a file storage.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.app import create_app
from gateway.db import create_engine, create_sessionmaker
from gateway.jobs import HANDLERS, JobWorker
from gateway.mail import mailer_from_url
from gateway.models import ConsentKind
from gateway.runtime import Runtime
from gateway.services.job_queue import claim
from gateway.settings import Settings
from tests.api.diary_support import grant, written
from tests.api.uploads import upload
from tests.builders import World
from tests.smtp import SmtpServer
from tests.support import FrozenClock, GraphQLClient, RunningServer, run_server

REQUEST = """
mutation($input: RequestDiaryExportInput!) {
  requestDiaryExport(input: $input) {
    diaryExport { id state progress from to }
    errors { code message field }
  }
}
"""
EXPORT = """
query($id: ID!) {
  node(id: $id) {
    ... on DiaryExport { id state progress from to downloadUrl linkExpiresAt child { name } }
  }
}
"""


def settings_for(database_url: str, folder: Path, mail_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        mail_url=mail_url,
        public_base_url="https://app.example",
        storage_url=f"file://{folder / 'media'}",
        job_poll_interval=timedelta(seconds=0.2),
        _env_file=None,  # type: ignore[call-arg]
    )


@asynccontextmanager
async def gateway(settings: Settings, clock: FrozenClock) -> AsyncIterator[RunningServer]:
    """A gateway process of its own, with its background job worker."""
    app = create_app(settings, clock=clock, background_tasks=True)
    async with run_server(app, clock) as running:
        yield running


async def request(
    gql: GraphQLClient, world: World, who: str, child: str, days: int = 30
) -> dict[str, Any]:
    today = world.now.date()
    variables = {
        "input": {
            "childId": world.gid("Child", child),
            "from": (today - timedelta(days=days)).isoformat(),
            "to": today.isoformat(),
        }
    }
    data = await gql.data(REQUEST, variables, token=world.token(who))
    payload: dict[str, Any] = data["requestDiaryExport"]
    return payload


async def until_done(gql: GraphQLClient, world: World, export_id: str) -> dict[str, Any]:
    async with asyncio.timeout(30):
        while True:
            data = await gql.data(EXPORT, {"id": export_id}, token=world.token("anna"))
            if data["node"]["state"] in ("DONE", "FAILED"):
                node: dict[str, Any] = data["node"]
                return node
            await asyncio.sleep(0.1)


async def a_diary(gql: GraphQLClient, server: RunningServer, world: World) -> None:
    """Two entries by staff with photos, and a guardian's weekend entry."""
    await grant(world, "bo", ConsentKind.DIARY, ConsentKind.PHOTOS)
    yesterday = (world.now.date() - timedelta(days=1)).isoformat()
    first = await written(
        gql,
        world,
        "sita",
        "bo",
        "Bo schilderde een boot.",
        date=yesterday,
        facts={"meals": [{"what": "pannenkoek", "amount": "ALL"}], "activities": ["verven"]},
    )
    second = await written(gql, world, "sita", "bo", "Bo zong een liedje.")
    await written(gql, world, "anna", "bo", "Weekend bij oma.", date=yesterday)
    for entry, count in ((first, 2), (second, 1)):
        photos = [(f"{n}.jpg", _jpeg(n)) for n in range(count)]
        assert (await upload(server, world, "sita", photos, diaryEntryId=entry))["errors"] == []


def _jpeg(seed: int) -> bytes:
    from tests.media.images import camera_jpeg

    return camera_jpeg((300 + seed, 200), orientation=1)


async def test_an_export_is_built_mailed_and_its_link_expires(
    db: Any,
    world: World,
    clock: FrozenClock,
    database_url: str,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = settings_for(database_url, tmp_path, smtp_server.url)
    async with gateway(settings, clock) as server, httpx.AsyncClient(timeout=30) as http:
        gql = GraphQLClient(http, server.graphql_url)
        await a_diary(gql, server, world)

        asked = await request(gql, world, "anna", "bo")
        done = await until_done(gql, world, asked["diaryExport"]["id"])

        assert asked["errors"] == []
        assert (done["state"], done["progress"], done["child"]) == ("DONE", 100, {"name": "Bo Vos"})
        archive = zipfile.ZipFile(
            io.BytesIO((await http.get(server.url + done["downloadUrl"])).content)
        )
        names = archive.namelist()
        index = archive.read("index.html").decode()
        assert names[0] == "index.html"
        assert len([n for n in names if n.startswith("fotos/") and n.endswith(".jpg")]) == 3
        for text in (
            "Bo schilderde een boot.",
            "Bo zong een liedje.",
            "Weekend bij oma.",
            "pannenkoek",
        ):
            assert text in index
        for name in names[1:]:
            assert f'src="{name}"' in index
            assert archive.read(name)[:3] == b"\xff\xd8\xff"

        mails = [m for m in smtp_server.messages if "dagboek" in str(m["Subject"]).lower()]
        assert [str(m["To"]) for m in mails] == ["anna@example.nl"]
        body = mails[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
        link = next(word for word in body.split() if word.startswith("https://app.example/"))
        path = link.removeprefix("https://app.example")
        assert (await http.get(server.url + path)).status_code == 200

        feed = "{ notifications { edges { node { kind subject { id } } } } }"
        anna = await gql.data(feed, token=world.token("anna"))
        bram = await gql.data(feed, token=world.token("bram"))
        assert {"kind": "DIARY_EXPORT_READY", "subject": {"id": done["id"]}} in [
            e["node"] for e in anna["notifications"]["edges"]
        ]
        assert "DIARY_EXPORT_READY" not in [
            e["node"]["kind"] for e in bram["notifications"]["edges"]
        ]

        clock.advance(timedelta(days=7, minutes=1))
        assert (await http.get(server.url + path)).status_code == 403


async def test_asking_again_while_it_runs_returns_the_running_one(
    gql: GraphQLClient, world: World, db: Any
) -> None:
    first = await request(gql, world, "anna", "bo")
    again = await request(gql, world, "anna", "bo", days=10)

    assert first["diaryExport"]["state"] == "QUEUED"
    assert again["diaryExport"]["id"] == first["diaryExport"]["id"]
    assert await db.count("diary_exports") == 1
    assert await db.count("jobs") == 1


@pytest.mark.parametrize(
    ("who", "child", "code"),
    [
        ("sita", "bo", "FORBIDDEN"),
        ("carla", "bo", "NOT_FOUND"),
        ("mo", "bo", "NOT_FOUND"),
        ("carla", "cato", "NOT_FOUND"),
    ],
)
async def test_only_a_guardian_who_sees_the_child_may_export(
    gql: GraphQLClient, world: World, db: Any, who: str, child: str, code: str
) -> None:
    payload = await request(gql, world, who, child)

    assert [e["code"] for e in payload["errors"]] == [code]
    assert await db.count("jobs") == 0


async def test_the_export_works_in_the_window_after_the_contract_and_only_for_its_guardian(
    gql: GraphQLClient, world: World, clock: FrozenClock
) -> None:
    # Dex left 3 weeks ago: Dani may still download the diary.
    asked = await request(gql, world, "dani", "dex", days=90)
    export_id = asked["diaryExport"]["id"]

    for other in ("anna", "tim", "mara"):
        data = await gql.data(EXPORT, {"id": export_id}, token=world.token(other))
        assert data == {"node": None}, other
    clock.advance(timedelta(weeks=3, days=1))
    later = await gql.data(EXPORT, {"id": export_id}, token=world.token("dani"))
    refused = await request(gql, world, "dani", "dex")
    assert later == {"node": None}
    assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND"]


def runtime_for(settings: Settings, clock: FrozenClock) -> Runtime:
    """What one more gateway process would have: its own engine, storage and mailer."""
    engine = create_engine(settings.database_url)
    return Runtime(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        mailer=mailer_from_url(settings.mail_url, settings.mail_from),
        clock=clock,
    )


async def test_a_killed_export_finishes_after_a_restart(
    gql: GraphQLClient,
    server: RunningServer,
    world: World,
    clock: FrozenClock,
    database_url: str,
    tmp_path: Path,
    smtp_server: SmtpServer,
) -> None:
    settings = settings_for(database_url, tmp_path, smtp_server.url)
    await a_diary(gql, server, world)
    # The shared server has no worker: the job waits. A process claims it, then dies.
    asked = await request(gql, world, "anna", "bo")
    dead = runtime_for(settings, clock)
    async with dead.sessionmaker() as session:
        assert await claim(session, "dead-worker", clock.now, settings.job_lease) is not None
    await dead.engine.dispose()
    clock.advance(settings.job_lease + timedelta(seconds=1))

    # The photos are in the shared server's storage; the restarted process uses the same one.
    restarted = settings.model_copy(
        update={"storage_url": server.app.state.runtime.settings.storage_url}
    )
    async with gateway(restarted, clock):
        done = await until_done(gql, world, asked["diaryExport"]["id"])

    assert (done["state"], done["progress"]) == ("DONE", 100)


async def test_two_processes_build_an_export_once(
    gql: GraphQLClient,
    server: RunningServer,
    world: World,
    clock: FrozenClock,
    database_url: str,
    tmp_path: Path,
    db: Any,
) -> None:
    await a_diary(gql, server, world)
    asked = await request(gql, world, "anna", "bo")
    settings = settings_for(database_url, tmp_path, f"outbox://{tmp_path / 'outbox'}").model_copy(
        update={"storage_url": server.app.state.runtime.settings.storage_url}
    )
    media = Path(settings.storage_url.removeprefix("file://"))

    def zips() -> set[Path]:
        return set(media.rglob("exports/**/*.zip"))

    before = await asyncio.to_thread(zips)
    runtimes = [runtime_for(settings, clock) for _ in range(2)]
    workers = [
        JobWorker(r, HANDLERS, poll_interval=timedelta(seconds=1), lease=settings.job_lease)
        for r in runtimes
    ]
    try:
        ran = await asyncio.gather(*(w.run_due() for w in workers))
    finally:
        for r in runtimes:
            await r.close_media()
            await r.engine.dispose()

    done = await until_done(gql, world, asked["diaryExport"]["id"])
    assert sorted(ran) == [0, 1]
    assert done["state"] == "DONE"
    assert len(await asyncio.to_thread(zips) - before) == 1
    assert await db.count("events WHERE kind = 'diary.export_ready'") == 1


async def test_a_bad_period_is_refused_and_starts_nothing(
    gql: GraphQLClient, world: World, db: Any
) -> None:
    today = world.now.date()
    cases = [
        (today, today - timedelta(days=1), "INVALID_INPUT", ["input", "to"]),
        (today + timedelta(days=1), today + timedelta(days=2), "INVALID_INPUT", ["input", "from"]),
        (today - timedelta(days=4 * 365), today, "RANGE_TOO_LARGE", ["input", "to"]),
    ]
    for first, last, code, field in cases:
        variables = {
            "input": {
                "childId": world.gid("Child", "bo"),
                "from": first.isoformat(),
                "to": last.isoformat(),
            }
        }
        data = await gql.data(REQUEST, variables, token=world.token("anna"))
        errors = data["requestDiaryExport"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, field)], (first, last)
    assert await db.count("jobs") == 0
