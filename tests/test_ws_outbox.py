"""The socket's outbox: results never dropped, other frames capped, a pong and the end first."""

from __future__ import annotations

import asyncio

from gateway.web.ws_outbox import Outbox


async def test_results_are_queued_past_the_limit_and_marked_full() -> None:
    outbox = Outbox(limit=4)
    for n in range(10):  # a replay may add a page beyond the limit; none may be lost
        assert outbox.put(f"r{n}", result=True)

    assert outbox.full()
    assert [await outbox.get() for _ in range(10)] == [f"r{n}" for n in range(10)]
    assert not outbox.full()


async def test_other_frames_are_capped_and_urgent_ones_go_first() -> None:
    outbox = Outbox(limit=2)
    assert outbox.put("a")
    assert outbox.put("b")
    assert not outbox.put("c")  # a client sending without ever reading
    assert outbox.put_urgent("pong")

    assert [await outbox.get() for _ in range(3)] == ["pong", "a", "b"]


async def test_room_opens_once_results_drain_to_half() -> None:
    outbox = Outbox(limit=4)
    for n in range(4):
        outbox.put(f"r{n}", result=True)
    waiting = asyncio.create_task(outbox.room())
    await asyncio.sleep(0)
    assert not waiting.done()

    await outbox.get()
    await outbox.get()  # two left: half the limit
    await asyncio.wait_for(waiting, 1)
