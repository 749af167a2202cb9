"""Events and their delivery: outbox rows, pub/sub between processes, the live hub, the fan-out.

A change records an event row in its own transaction (`events`); after the commit a wake-up goes
through pub/sub (`pubsub`, `pubsub_redis`); every process reads its organisations' new events in
id order (`hub`) and delivers them to the subscribers that may see them (`fanout`).
"""

from gateway.live.events import SESSION_REVOKED, Audience, EventPublisher, NoLivePublisher
from gateway.live.fanout import LiveField, LiveSchema, LiveSubscription, Subscriber
from gateway.live.hub import LiveEvent, LiveHub
from gateway.live.pubsub import PubSub, PubSubUnavailable

__all__ = [
    "SESSION_REVOKED",
    "Audience",
    "EventPublisher",
    "LiveEvent",
    "LiveField",
    "LiveHub",
    "LiveSchema",
    "LiveSubscription",
    "NoLivePublisher",
    "PubSub",
    "PubSubUnavailable",
    "Subscriber",
]
