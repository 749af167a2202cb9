"""Senders: one interface for Web Push and the mobile push services.

Web Push (RFC 8030 delivery, RFC 8291 payload encryption, RFC 8292 VAPID) goes through
`pywebpush`. FCM and APNs sit behind the same `Sender` interface; they need provider
credentials and reachable Google/Apple endpoints, neither of which exists here, so
`UnconfiguredSender` stands in and reports every attempt as a permanent failure instead of
pretending to deliver.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import aiohttp
from pywebpush import WebPushException, webpush_async

from gateway.models import PushPlatform, PushSubscription

if TYPE_CHECKING:
    from gateway.settings import Settings

# How long a push service keeps an undelivered message (RFC 8030 TTL): a day.
PUSH_TTL_SECONDS = 24 * 60 * 60
TIMEOUT_SECONDS = 10.0


class SendOutcome(enum.Enum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the subscription no longer exists; remove it
    RETRY = "retry"  # 429/5xx/network: try again later
    FAILED = "failed"  # anything else: give up


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: SendOutcome
    detail: str = ""


@dataclass(frozen=True, slots=True)
class PushMessage:
    payload: str
    # RFC 8030 Topic: a message resent after a crash replaces the undelivered first one.
    topic: str


class Sender(Protocol):
    async def send(self, subscription: PushSubscription, message: PushMessage) -> SendResult: ...


def _classify(status: int) -> SendOutcome:
    if status in (404, 410):
        return SendOutcome.GONE
    if status == 429 or status >= 500:
        return SendOutcome.RETRY
    return SendOutcome.FAILED


@dataclass
class WebPushSender:
    """Encrypts with the subscription's keys and signs with the VAPID key."""

    private_key: str
    subject: str

    async def send(self, subscription: PushSubscription, message: PushMessage) -> SendResult:
        info = {
            "endpoint": subscription.endpoint,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        try:
            await webpush_async(
                info,
                data=message.payload,
                vapid_private_key=self.private_key,
                # A fresh dict each time: pywebpush writes `aud` and `exp` into it.
                vapid_claims={"sub": self.subject},
                ttl=PUSH_TTL_SECONDS,
                timeout=TIMEOUT_SECONDS,
                headers={"Topic": message.topic, "Urgency": "normal"},
            )
        except WebPushException as error:
            status = error.response.status if error.response is not None else 0
            if not status:
                return SendResult(SendOutcome.RETRY, str(error)[:200])
            return SendResult(_classify(int(status)), f"push service answered {status}")
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            return SendResult(SendOutcome.RETRY, f"{type(error).__name__}: {error}"[:200])
        return SendResult(SendOutcome.SENT)


@dataclass(frozen=True)
class UnconfiguredSender:
    """For FCM/APNs until credentials are configured: fails each delivery, honestly."""

    platform: PushPlatform

    async def send(self, subscription: PushSubscription, message: PushMessage) -> SendResult:
        return SendResult(SendOutcome.FAILED, f"{self.platform.value} push is not configured")


def senders_from_settings(settings: Settings) -> dict[PushPlatform, Sender]:
    senders: dict[PushPlatform, Sender] = {
        PushPlatform.FCM: UnconfiguredSender(PushPlatform.FCM),
        PushPlatform.APNS: UnconfiguredSender(PushPlatform.APNS),
    }
    if settings.vapid_private_key:
        senders[PushPlatform.WEB] = WebPushSender(
            private_key=settings.vapid_private_key, subject=settings.vapid_subject
        )
    else:
        senders[PushPlatform.WEB] = UnconfiguredSender(PushPlatform.WEB)
    return senders
