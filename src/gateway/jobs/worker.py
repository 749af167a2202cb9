"""A worker per process: claims due jobs one at a time and runs their handler.

Woken at once through `Runtime.jobs_wanted` when this process enqueued a job, and by polling
for the rest (jobs enqueued by other processes, leases that ran out). Several processes may
each run one; the queue makes sure each job runs in exactly one of them at a time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from gateway.services import job_queue as queue
from gateway.services.job_queue import Claim

if TYPE_CHECKING:
    from gateway.runtime import Runtime

log = logging.getLogger(__name__)


class Heartbeat:
    """Lets a handler renew its claim while it works; raises `LostClaim` when it was lost."""

    def __init__(self, runtime: Runtime, claimed: Claim, lease: timedelta) -> None:
        self._runtime = runtime
        self.claim = claimed
        self._lease = lease

    async def beat(self) -> None:
        async with self._runtime.sessionmaker() as session:
            if not await queue.renew(session, self.claim, self._runtime.clock(), self._lease):
                raise LostClaim(self.claim.job_id)


class LostClaim(Exception):
    """Another worker took the job over (this one was too slow to renew); stop quietly."""


Handler = Callable[["Runtime", Heartbeat], Awaitable[None]]


class JobWorker:
    def __init__(
        self,
        runtime: Runtime,
        handlers: Mapping[str, Handler],
        *,
        poll_interval: timedelta,
        lease: timedelta,
    ) -> None:
        self._runtime = runtime
        self._handlers = handlers
        self._poll = poll_interval.total_seconds()
        self._lease = lease
        self.name = f"{os.getpid()}-{secrets.token_hex(4)}"

    async def run_due(self) -> int:
        """Run every job that is due now, one after another; returns how many ran."""
        ran = 0
        while True:
            async with self._runtime.sessionmaker() as session:
                claimed = await queue.claim(session, self.name, self._runtime.clock(), self._lease)
            if claimed is None:
                return ran
            await self._run(claimed)
            ran += 1

    async def _run(self, claimed: Claim) -> None:
        handler = self._handlers.get(claimed.kind)
        heartbeat = Heartbeat(self._runtime, claimed, self._lease)
        try:
            if handler is None:
                raise LookupError(f"no handler for job kind {claimed.kind!r}")
            await handler(self._runtime, heartbeat)
        except LostClaim:
            log.warning("job %d was taken over by another worker", claimed.job_id)
        except Exception as exc:
            log.exception("job %d (%s) failed", claimed.job_id, claimed.kind)
            async with self._runtime.sessionmaker() as session:
                await queue.fail(session, claimed, self._runtime.clock(), repr(exc))

    async def run_forever(self) -> None:
        while True:
            try:
                await self.run_due()
            except Exception:
                log.exception("claiming jobs failed; retrying next round")
            wanted = self._runtime.jobs_wanted
            wanted.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wanted.wait(), self._poll)


def start_job_worker(runtime: Runtime) -> asyncio.Task[None]:
    """This process's worker over every kind of job; the caller cancels it on shutdown."""
    from gateway.jobs import HANDLERS  # the handlers build on this module

    worker = JobWorker(
        runtime,
        HANDLERS,
        poll_interval=runtime.settings.job_poll_interval,
        lease=runtime.settings.job_lease,
    )
    return asyncio.create_task(worker.run_forever())
