"""Waiting on a condition that nothing announces (a log line, another process's state)."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

from tests.ws_client import TIMEOUT

STEP = 0.02


async def until(condition: Callable[[], bool | Awaitable[bool]], what: str) -> None:
    """Return as soon as `condition()` holds; fail after `TIMEOUT` (only when a test fails)."""
    for _ in range(int(TIMEOUT / STEP)):
        result = condition()
        if await result if inspect.isawaitable(result) else result:
            return
        await asyncio.sleep(STEP)
    raise AssertionError(f"never came: {what}")
