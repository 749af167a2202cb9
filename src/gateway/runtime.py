"""The long-lived parts a running gateway shares between requests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from gateway.auth.viewer_cache import ViewerCache
from gateway.clock import Clock
from gateway.live import EventPublisher, NoLivePublisher
from gateway.mail import Mailer
from gateway.media import ImageProcessor, MediaSigner, Storage, storage_from_url
from gateway.services.activation import ActivationSettings
from gateway.services.password_reset import ResetSettings
from gateway.services.throttle import ThrottlePolicy
from gateway.services.trusted_documents import TrustedDocuments
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
    # Set after a commit that enqueued a job: this process's job worker starts on it at once.
    jobs_wanted: asyncio.Event = field(default_factory=asyncio.Event)

    @cached_property
    def trusted_documents(self) -> TrustedDocuments | None:
        """The registered operations, when only they may run (`TRUSTED_DOCUMENTS`)."""
        return TrustedDocuments(self.sessionmaker) if self.settings.trusted_documents else None

    @cached_property
    def storage(self) -> Storage:
        """The media storage `STORAGE_URL` names, made on first use."""
        return storage_from_url(self.settings.storage_url)

    @cached_property
    def images(self) -> ImageProcessor:
        """The bounded pool photos are processed in (`MEDIA_IMAGE_WORKERS`)."""
        return ImageProcessor.from_settings(self.settings)

    @property
    def media(self) -> MediaSigner:
        """Signs media URLs with `SECRET_KEY` for `MEDIA_URL_TTL`."""
        return MediaSigner.from_settings(self.settings, self.clock)

    async def close_media(self) -> None:
        """Close the storage client and the image pool if they were used."""
        # cached_property keeps its value in __dict__: only what was made needs closing.
        if "storage" in self.__dict__:
            await self.storage.close()
        if "images" in self.__dict__:
            self.images.close()

    @property
    def activation(self) -> ActivationSettings:
        return ActivationSettings(
            lead=self.settings.activation_lead,
            ttl=self.settings.activation_token_ttl,
            public_base_url=self.settings.public_base_url,
        )

    @property
    def password_reset(self) -> ResetSettings:
        return ResetSettings(
            ttl=self.settings.password_reset_ttl, public_base_url=self.settings.public_base_url
        )

    @property
    def throttle(self) -> ThrottlePolicy:
        return ThrottlePolicy.of(self.settings)
