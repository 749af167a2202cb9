"""The server's periodic sweeps: each a use case from `services`, run every so often.

A failing round is logged and retried the next round; it never stops the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from gateway.runtime import Runtime
from gateway.services.activation import send_due_activations
from gateway.services.event_retention import prune_events
from gateway.services.expiry import expire_due_requests

log = logging.getLogger(__name__)

ACTIVATION_INTERVAL = timedelta(hours=1)
EXPIRY_INTERVAL = timedelta(minutes=1)
PRUNE_INTERVAL = timedelta(hours=1)


async def _every(interval: timedelta, what: str, run: Callable[[], Awaitable[int]]) -> None:
    while True:
        try:
            done = await run()
            if done:
                log.info("%s: %d", what, done)
        except Exception:
            log.exception("%s failed; retrying next round", what)
        await asyncio.sleep(interval.total_seconds())


def start_periodic_tasks(runtime: Runtime) -> list[asyncio.Task[None]]:
    """Start every sweep; the caller cancels the tasks on shutdown."""

    async def activations() -> int:
        async with runtime.sessionmaker() as session:
            return await send_due_activations(
                session, runtime.mailer, runtime.clock(), runtime.activation
            )

    async def expiry() -> int:
        async with runtime.sessionmaker() as session:
            return await expire_due_requests(session, runtime.clock(), runtime.events)

    async def pruning() -> int:
        async with runtime.sessionmaker() as session:
            return await prune_events(session, runtime.clock(), runtime.settings.event_retention)

    sweeps = [
        (ACTIVATION_INTERVAL, "activation mails sent", activations),
        (EXPIRY_INTERVAL, "requests expired", expiry),
        (PRUNE_INTERVAL, "events pruned past the retention period", pruning),
    ]
    return [asyncio.create_task(_every(interval, what, run)) for interval, what, run in sweeps]
