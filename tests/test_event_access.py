"""Who may see an event: the live rule (set lookups) and the catch-up rule (SQL) agree, and
both follow the privacy policy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gateway.auth.event_access import event_visible, event_visible_clause, load_scope
from gateway.auth.viewer import viewer_for_token
from gateway.live import Audience, events
from gateway.models import Event
from tests.builders import World
from tests.support import FrozenClock

VIEWERS = ["anna", "bram", "carla", "dani", "sita", "tim", "mo", "mara"]


def audiences(world: World) -> dict[str, Audience]:
    zon, maan = world.ids["zon"], world.ids["maan"]
    return {
        "anna's account": Audience(zon, account_id=world.people["anna"].account_id),
        "bo in dolfijnen": Audience(zon, child_id=world.ids["bo"], group_id=world.ids["dolfijnen"]),
        "bo": Audience(zon, child_id=world.ids["bo"]),
        "dex in vlinders": Audience(zon, child_id=world.ids["dex"], group_id=world.ids["vlinders"]),
        "group dolfijnen": Audience(zon, group_id=world.ids["dolfijnen"]),
        "group vlinders": Audience(zon, group_id=world.ids["vlinders"]),
        "location centrum": Audience(zon, location_id=world.ids["centrum"]),
        "all of zon": Audience(zon),
        "all of maan": Audience(maan),
    }


EXPECTED = {
    "anna's account": {"anna"},
    "bo in dolfijnen": {"anna", "bram", "sita"},
    "bo": {"anna", "bram", "sita"},
    "dex in vlinders": {"dani"},  # Tim no longer sees Dex, who left
    "group dolfijnen": {"anna", "bram", "carla", "sita"},
    # Dex left Vlinders 3 weeks ago: the group's news of today is no longer for Dani.
    "group vlinders": {"tim"},
    "location centrum": {"anna", "bram", "carla", "dani", "sita", "tim"},
    "all of zon": {"anna", "bram", "carla", "dani", "sita", "tim"},
    "all of maan": {"mo", "mara"},
}


@pytest.mark.parametrize("name", VIEWERS)
async def test_live_and_catch_up_rules_agree(world: World, clock: FrozenClock, name: str) -> None:
    async with world.db.sessionmaker() as session:
        recorded = {
            label: await events.record(session, "news.published", audience, {}, clock.now)
            for label, audience in audiences(world).items()
        }
        await session.commit()
        viewer = await viewer_for_token(session, world.token(name), clock.now)
        assert viewer is not None
        today = viewer.today(clock.now)
        scope = await load_scope(session, viewer, today, clock.now)
        in_sql = set(
            await session.scalars(select(Event.id).where(event_visible_clause(viewer, today)))
        )

    live = {label for label, event in recorded.items() if event_visible(event, scope)}
    caught_up = {label for label, event in recorded.items() if event.id in in_sql}
    expected = {label for label, viewers in EXPECTED.items() if name in viewers}
    assert live == caught_up == expected
