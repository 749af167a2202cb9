"""A diary export whose job fails every attempt: it ends FAILED, and the guardian can ask again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from gateway.jobs import HANDLERS, JobWorker
from gateway.models import DiaryExport, Job, JobState, Photo
from gateway.services.job_queue import MAX_ATTEMPTS, claim
from tests.api.test_diary_export import a_diary, request, runtime_for, settings_for
from tests.builders import World
from tests.support import FrozenClock, GraphQLClient, RunningServer


async def test_an_export_failing_every_attempt_fails_and_a_new_one_can_be_asked(
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
    shared = server.app.state.runtime
    async with db.sessionmaker() as s:
        photo = await s.scalar(select(Photo).order_by(Photo.id).limit(1))
    assert photo is not None
    # A photo file gone from storage: every build stops at it.
    await shared.storage.delete(photo.renditions["download"]["key"])
    settings = settings_for(database_url, tmp_path, f"outbox://{tmp_path / 'outbox'}").model_copy(
        update={"storage_url": shared.settings.storage_url}
    )
    runtime = runtime_for(settings, clock)
    worker = JobWorker(
        runtime, HANDLERS, poll_interval=timedelta(seconds=1), lease=settings.job_lease
    )
    states: list[JobState | None] = []
    try:
        for _ in range(MAX_ATTEMPTS):
            assert await worker.run_due() == 1
            async with db.sessionmaker() as s:
                states.append(await s.scalar(select(DiaryExport.state)))
                # The retry's back-off passed (the clock stays, so the tokens stay valid).
                await s.execute(update(Job).values(run_after=clock.now))
                await s.commit()
        assert await worker.run_due() == 0
    finally:
        await runtime.close_media()
        await runtime.engine.dispose()
    again = await request(gql, world, "anna", "bo")

    assert states == [JobState.RUNNING] * (MAX_ATTEMPTS - 1) + [JobState.FAILED]
    assert again["errors"] == []
    assert again["diaryExport"]["id"] != asked["diaryExport"]["id"]
    assert again["diaryExport"]["state"] == "QUEUED"


async def test_an_export_whose_workers_all_died_is_not_built_again(
    gql: GraphQLClient,
    server: RunningServer,
    world: World,
    clock: FrozenClock,
    database_url: str,
    tmp_path: Path,
    db: Any,
) -> None:
    await a_diary(gql, server, world)
    await request(gql, world, "anna", "bo")
    settings = settings_for(database_url, tmp_path, f"outbox://{tmp_path / 'outbox'}").model_copy(
        update={"storage_url": server.app.state.runtime.settings.storage_url}
    )
    runtime = runtime_for(settings, clock)
    try:
        for n in range(MAX_ATTEMPTS):
            # A worker claims the job and dies holding it; its lease runs out.
            async with runtime.sessionmaker() as s:
                assert await claim(s, f"dead-{n}", clock.now, settings.job_lease) is not None
            async with db.sessionmaker() as s:
                await s.execute(update(Job).values(claimed_until=clock.now - timedelta(seconds=1)))
                await s.commit()
        worker = JobWorker(
            runtime, HANDLERS, poll_interval=timedelta(seconds=1), lease=settings.job_lease
        )
        assert await worker.run_due() == 1
        assert await worker.run_due() == 0
    finally:
        await runtime.close_media()
        await runtime.engine.dispose()

    async with db.sessionmaker() as s:
        job = await s.scalar(select(Job))
        export = await s.scalar(select(DiaryExport))
    assert job is not None
    assert export is not None
    assert (job.state, job.attempts) == (JobState.FAILED, MAX_ATTEMPTS + 1)
    assert (export.state, export.storage_key) == (JobState.FAILED, None)
