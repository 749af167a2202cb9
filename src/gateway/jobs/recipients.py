"""Who receives an event outside the app: the same privacy rule as the live feed, plus settings.

An account receives an event on a channel when `event_access.event_visible` lets it see the
event, its setting for the event's category on that channel is on, and it did not cause the
event itself (one's own message is not news to oneself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.event_access import LiveScope, event_visible, load_scope
from gateway.auth.viewer import Viewer
from gateway.models import Account, Event, Message, NotificationChannel, Organisation
from gateway.services.notifications import CATEGORY_OF_KIND, Settings, settings_of


@dataclass
class RecipientCheck:
    """Caches each account's scope and settings for one batch of events."""

    session: AsyncSession
    now: datetime
    scopes: dict[int, LiveScope] = field(default_factory=dict)
    settings: dict[int, Settings] = field(default_factory=dict)

    async def _scope(self, account: Account, time_zone: str) -> LiveScope:
        if account.id not in self.scopes:
            viewer = Viewer(
                account_id=account.id,
                organisation_id=account.organisation_id,
                role=account.role,
                guardian_id=account.guardian_id,
                staff_member_id=account.staff_member_id,
                token_id=0,
                token_expires_at=self.now,
                time_zone=time_zone,
            )
            self.scopes[account.id] = await load_scope(
                self.session, viewer, viewer.today(self.now), self.now
            )
        return self.scopes[account.id]

    async def _settings(self, account_id: int) -> Settings:
        if account_id not in self.settings:
            self.settings[account_id] = await settings_of(self.session, account_id)
        return self.settings[account_id]

    async def receives(
        self, account: Account, event: Event, channel: NotificationChannel, time_zone: str
    ) -> bool:
        category = CATEGORY_OF_KIND.get(event.kind)
        if category is None:
            return False
        if not (await self._settings(account.id)).get((category, channel), False):
            return False
        if not event_visible(event, await self._scope(account, time_zone)):
            return False
        if event.kind == "message.added":
            author = await self.session.scalar(
                select(Message.author_account_id).where(Message.event_id == event.id)
            )
            return author != account.id
        return True


async def time_zone_of(session: AsyncSession, organisation_id: int) -> str:
    zone = await session.scalar(
        select(Organisation.time_zone).where(Organisation.id == organisation_id)
    )
    return zone or "Europe/Amsterdam"
