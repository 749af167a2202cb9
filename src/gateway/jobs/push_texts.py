"""What a push notification says: short Dutch texts; the app fetches the details itself."""

from __future__ import annotations

import json

from gateway.ids import to_global_id
from gateway.mail.templates_notifications import KIND_TITLES
from gateway.models import Event


def push_payload(event: Event) -> str:
    """The JSON a service worker receives: enough to show it and to open the right screen."""
    data = json.loads(event.payload)
    body = str(data.get("title", "")) if event.kind == "news.published" else ""
    return json.dumps(
        {
            "title": KIND_TITLES.get(event.kind, "Ouderportaal"),
            "body": body,
            "kind": event.kind,
            "notificationId": to_global_id("Notification", event.id),
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def push_topic(event_id: int) -> str:
    """RFC 8030 Topic (at most 32 URL-safe characters): one per event."""
    return f"event-{event_id}"
