"""Diary export benchmark: peak memory while a year of diary (≈250 entries, ≈750 photos) is
exported, against a tenth of it in the same run.

The export streams every photo from storage into the ZIP and the ZIP into storage, so its peak
should hardly grow with the size of the diary: the ratio printed is what to watch (1.0 is flat).
Peak memory is measured with tracemalloc (Python allocations: the chunks, rows and page in
flight) and as the process's resident peak.

    .venv/bin/python bench/diary_export.py [--entries 250] [--photos-per-entry 3] [--kib 200]

The database is a SQLite file and the storage a folder, both in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from gateway.auth.viewer import Viewer
from gateway.db import create_engine, create_sessionmaker
from gateway.ids import to_global_id
from gateway.jobs import HANDLERS, JobWorker
from gateway.mail import mailer_from_url
from gateway.media import Variant
from gateway.migrate import migrate
from gateway.models import (
    Account,
    CareType,
    Child,
    DiaryEntry,
    DiaryExport,
    Group,
    Guardian,
    Guardianship,
    JobState,
    Location,
    Organisation,
    Photo,
    PhotoTag,
    Placement,
    Role,
)
from gateway.runtime import Runtime
from gateway.services.diary_exports import request_diary_export
from gateway.settings import Settings

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)


def jpeg_like(size: int, seed: int) -> bytes:
    """Incompressible bytes with a JPEG header: stored as-is in the ZIP, like real photos."""
    return b"\xff\xd8\xff\xe0" + random.Random(seed).randbytes(size - 4)


async def seed(runtime: Runtime, entries: int, per_entry: int, kib: int) -> tuple[Viewer, int]:
    async with runtime.sessionmaker() as s:
        org = Organisation(name="Bench", domain=f"bench-{entries}.example")
        s.add(org)
        await s.flush()
        location = Location(organisation_id=org.id, name="L")
        s.add(location)
        await s.flush()
        group = Group(organisation_id=org.id, location_id=location.id, name="G", capacity=10)
        guardian = Guardian(organisation_id=org.id, first_name="Anna", last_name="Vos")
        child = Child(
            organisation_id=org.id, first_name="Bo", last_name="Vos", birth_date=date(2024, 1, 1)
        )
        s.add_all([group, guardian, child])
        await s.flush()
        account = Account(
            organisation_id=org.id,
            email=f"anna-{entries}@example.nl",
            role=Role.GUARDIAN,
            guardian_id=guardian.id,
        )
        s.add_all([account, Guardianship(child_id=child.id, guardian_id=guardian.id)])
        s.add(
            Placement(
                organisation_id=org.id,
                child_id=child.id,
                group_id=group.id,
                care_type=CareType.DAYCARE,
                start_date=date(2025, 1, 1),
                end_date=None,
            )
        )
        await s.flush()
        for n in range(entries):
            day = NOW.date() - timedelta(days=n * 365 // entries)
            entry = DiaryEntry(
                organisation_id=org.id,
                child_id=child.id,
                group_id=group.id,
                entry_date=day,
                author_account_id=account.id,
                body=f"Dag {n}: " + "een fijne dag. " * 20,
                meals=[{"what": "brood", "at": "12:00", "amount": "all"}],
                activities=["verven", "buiten spelen"],
                created_at=NOW,
            )
            s.add(entry)
            await s.flush()
            for p in range(per_entry):
                key = f"bench/{entries}/{entry.id}-{p}.jpg"
                info = await runtime.storage.put(key, jpeg_like(kib * 1024, entry.id * 10 + p))
                sizes = {"key": key, "width": 1600, "height": 1200, "bytes": info.size}
                photo = Photo(
                    organisation_id=org.id,
                    group_id=group.id,
                    photo_date=day,
                    diary_entry_id=entry.id,
                    position=p,
                    uploader_account_id=account.id,
                    width=1600,
                    height=1200,
                    renditions={v.value: sizes for v in Variant},
                    uploaded_at=NOW,
                )
                s.add(photo)
                await s.flush()
                s.add(PhotoTag(photo_id=photo.id, child_id=child.id))
        await s.commit()
        return Viewer(
            account_id=account.id,
            organisation_id=org.id,
            role=Role.GUARDIAN,
            guardian_id=guardian.id,
            staff_member_id=None,
            token_id=0,
            token_expires_at=NOW + timedelta(days=1),
            time_zone="Europe/Amsterdam",
        ), child.id


async def export_once(runtime: Runtime, viewer: Viewer, child_id: int) -> tuple[float, int, float]:
    """(peak traced MiB, ZIP bytes, seconds) of one export built by the job worker."""
    async with runtime.sessionmaker() as s:
        export = await request_diary_export(
            s,
            viewer,
            NOW,
            child_id=to_global_id("Child", child_id),
            first_day=NOW.date() - timedelta(days=366),
            last_day=NOW.date(),
        )
    worker = JobWorker(
        runtime, HANDLERS, poll_interval=timedelta(seconds=1), lease=timedelta(minutes=2)
    )
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    await worker.run_due()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    async with runtime.sessionmaker() as s:
        done = await s.get(DiaryExport, export.id)
        assert done is not None
        assert done.state is JobState.DONE, done
        return peak / 2**20, done.size_bytes or 0, seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=250)
    parser.add_argument("--photos-per-entry", type=int, default=3)
    parser.add_argument("--kib", type=int, default=200, help="size of each photo file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await migrate(url)
        settings = Settings(
            environment="test",
            database_url=url,
            storage_url=f"file://{Path(folder) / 'media'}",
            mail_url=f"outbox://{Path(folder) / 'outbox'}",
            _env_file=None,
        )
        engine = create_engine(url)
        runtime = Runtime(
            settings=settings,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            mailer=mailer_from_url(settings.mail_url, settings.mail_from),
            clock=lambda: NOW,
        )
        results = []
        for entries in (max(args.entries // 10, 1), args.entries):
            viewer, child_id = await seed(runtime, entries, args.photos_per_entry, args.kib)
            peak, size, seconds = await export_once(runtime, viewer, child_id)
            results.append((entries, peak, size, seconds))
            print(
                f"{entries:4d} entries, {entries * args.photos_per_entry:4d} photos: "
                f"ZIP {size / 2**20:7.1f} MiB in {seconds:5.1f} s, "
                f"peak Python memory {peak:6.2f} MiB"
            )
        base, full = results
        print(
            f"data x{full[2] / base[2]:.1f}, peak memory x{full[1] / base[1]:.2f}; "
            f"process resident peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
            f" MiB (pid {os.getpid()})"
        )
        await runtime.close_media()
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
