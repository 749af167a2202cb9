"""The server's periodic sweeps: each a use case from `services`, run every so often.

A failing round is logged and retried the next round; it never stops the loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from gateway.jobs import email_delivery, push_delivery
from gateway.push import senders_from_settings
from gateway.runtime import Runtime
from gateway.services.activation import send_due_activations
from gateway.services.event_retention import prune_events
from gateway.services.expiry import expire_due_requests
from gateway.services.media_retention import purge_after_access_window
from gateway.services.news import announce_due_news
from gateway.services.throttle import prune as prune_logins

log = logging.getLogger(__name__)

ACTIVATION_INTERVAL = timedelta(hours=1)
EXPIRY_INTERVAL = timedelta(minutes=1)
PRUNE_INTERVAL = timedelta(hours=1)
MEDIA_RETENTION_INTERVAL = timedelta(hours=6)
NEWS_INTERVAL = timedelta(minutes=1)
EMAIL_INTERVAL = timedelta(seconds=30)
PUSH_INTERVAL = timedelta(seconds=5)


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

    async def media_retention() -> int:
        now = runtime.clock()
        async with runtime.sessionmaker() as session:
            return await purge_after_access_window(session, runtime.storage, now, now.date())

    async def login_pruning() -> int:
        # Counters of made-up e-mail addresses and domains too: anyone can create them.
        async with runtime.sessionmaker() as session:
            return await prune_logins(session, runtime.clock(), runtime.throttle)

    async def news() -> int:
        async with runtime.sessionmaker() as session:
            return await announce_due_news(session, runtime.clock(), runtime.events)

    settings = runtime.settings
    links = email_delivery.MailLinks(
        public_base_url=settings.public_base_url,
        api_url=settings.public_api_url or settings.public_base_url,
        secret=settings.secret_key,
    )

    async def email() -> int:
        async with runtime.sessionmaker() as session:
            await email_delivery.collect(session, runtime.clock())
            sent = await email_delivery.send_due(session, runtime.mailer, links, runtime.clock())
        return sent["sent"]

    senders = senders_from_settings(settings)

    async def push() -> int:
        async with runtime.sessionmaker() as session:
            await push_delivery.collect(session, runtime.clock())
            outcomes = await push_delivery.send_due(session, senders, runtime.clock())
        return sum(outcomes.values())

    sweeps = [
        (ACTIVATION_INTERVAL, "activation mails sent", activations),
        (EXPIRY_INTERVAL, "requests expired", expiry),
        (PRUNE_INTERVAL, "events pruned past the retention period", pruning),
        (MEDIA_RETENTION_INTERVAL, "media removed past the access window", media_retention),
        (PRUNE_INTERVAL, "login throttle and known-address rows pruned", login_pruning),
        (NEWS_INTERVAL, "scheduled news items announced", news),
        (EMAIL_INTERVAL, "notification mails sent", email),
    ]
    if settings.vapid_private_key:  # without VAPID keys there is no Web Push to deliver
        sweeps.append((PUSH_INTERVAL, "push notifications handled", push))
    return [asyncio.create_task(_every(interval, what, run)) for interval, what, run in sweeps]
