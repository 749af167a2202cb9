"""The long-lived parts a running gateway shares between requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.auth.viewer_cache import ViewerCache
from gateway.clock import Clock
from gateway.live import EventPublisher, NoLivePublisher
from gateway.mail import Mailer
from gateway.services.activation import ActivationSettings
from gateway.services.throttle import ThrottlePolicy
from gateway.settings import Settings


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    mailer: Mailer
    clock: Clock
    events: EventPublisher = field(default_factory=NoLivePublisher)
    viewers: ViewerCache = field(default_factory=lambda: ViewerCache(timedelta(0)))

    @property
    def activation(self) -> ActivationSettings:
        return ActivationSettings(
            lead=self.settings.activation_lead,
            ttl=self.settings.activation_token_ttl,
            public_base_url=self.settings.public_base_url,
        )

    @property
    def throttle(self) -> ThrottlePolicy:
        return ThrottlePolicy(
            free=self.settings.login_free_attempts, max_delay=self.settings.login_max_delay
        )
