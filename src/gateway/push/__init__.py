"""Push notifications outside the app: VAPID keys, the senders (Web Push; FCM/APNs interface)."""

from gateway.push.senders import (
    PushMessage,
    Sender,
    SendOutcome,
    SendResult,
    UnconfiguredSender,
    WebPushSender,
    senders_from_settings,
)
from gateway.push.vapid import VapidKeys, generate_vapid_keys, public_key_of

__all__ = [
    "PushMessage",
    "SendOutcome",
    "SendResult",
    "Sender",
    "UnconfiguredSender",
    "VapidKeys",
    "WebPushSender",
    "generate_vapid_keys",
    "public_key_of",
    "senders_from_settings",
]
