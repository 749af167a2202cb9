"""Delivery outside the app: push subscriptions and how notification e-mail is sent."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from gateway import models
from gateway.services import email_preferences, push_subscriptions
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import attempt, signed_in


@strawberry.enum(description="Where push notifications go.")
class PushPlatform(Enum):
    WEB = strawberry.enum_value("web", description="A browser, by Web Push (with VAPID).")
    FCM = strawberry.enum_value(
        "fcm", description="An Android app, by Firebase Cloud Messaging (needs configuring)."
    )
    APNS = strawberry.enum_value(
        "apns", description="An iOS app, by Apple Push Notification service (needs configuring)."
    )


@strawberry.input(
    description="A browser's PushSubscription (subscribe with `webPushPublicKey` as "
    "applicationServerKey), or a mobile device token."
)
class RegisterPushSubscriptionInput:
    endpoint: str = strawberry.field(
        description="PushSubscription.endpoint; for FCM/APNs the device token."
    )
    p256dh: str = strawberry.field(
        default="", description="getKey('p256dh'), base64url (Web Push only)."
    )
    auth: str = strawberry.field(
        default="", description="getKey('auth'), base64url (Web Push only)."
    )
    platform: PushPlatform = strawberry.field(
        default=PushPlatform.WEB, description="Web Push (default), FCM or APNs."
    )


@strawberry.input(description="The subscription to remove.")
class UnregisterPushSubscriptionInput:
    endpoint: str = strawberry.field(description="The endpoint (or device token) registered.")


@strawberry.type(description="Result of registering or removing a push subscription.")
class PushSubscriptionPayload:
    registered: bool = strawberry.field(
        description="Whether the subscription is registered now for your account."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


async def register_push_subscription(
    info: Info,
    input: Annotated[
        RegisterPushSubscriptionInput, strawberry.argument(description="The subscription.")
    ],
) -> PushSubscriptionPayload:
    ctx = info.context

    async def run() -> bool:
        viewer = signed_in(info)
        await push_subscriptions.register_push_subscription(
            ctx.session,
            viewer,
            ctx.now,
            platform=models.PushPlatform(input.platform.value),
            endpoint=input.endpoint,
            p256dh=input.p256dh,
            auth=input.auth,
            allow_loopback_http=ctx.runtime.settings.environment != "production",
        )
        return True

    outcome = await attempt(info, run())
    return PushSubscriptionPayload(registered=bool(outcome.value), errors=outcome.errors)


async def unregister_push_subscription(
    info: Info,
    input: Annotated[
        UnregisterPushSubscriptionInput, strawberry.argument(description="The subscription.")
    ],
) -> PushSubscriptionPayload:
    ctx = info.context

    async def run() -> bool:
        viewer = signed_in(info)
        await push_subscriptions.unregister_push_subscription(
            ctx.session, viewer, endpoint=input.endpoint
        )
        return False

    outcome = await attempt(info, run())
    return PushSubscriptionPayload(registered=False, errors=outcome.errors)


@strawberry.enum(description="How notification e-mails are sent.")
class EmailFrequency(Enum):
    IMMEDIATE = strawberry.enum_value("immediate", description="One e-mail per notification.")
    DAILY_DIGEST = strawberry.enum_value(
        "daily_digest", description="One e-mail a day (at 18:00) with the day's notifications."
    )


@strawberry.input(description="How notification e-mails should be sent.")
class SetEmailFrequencyInput:
    frequency: EmailFrequency = strawberry.field(description="At once, or a daily digest.")


@strawberry.type(description="Result of choosing how notification e-mails are sent.")
class SetEmailFrequencyPayload:
    frequency: EmailFrequency | None = strawberry.field(description="The choice now stored.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


async def set_email_frequency(
    info: Info,
    input: Annotated[SetEmailFrequencyInput, strawberry.argument(description="The choice.")],
) -> SetEmailFrequencyPayload:
    ctx = info.context

    async def run() -> EmailFrequency:
        viewer = signed_in(info)
        stored = await email_preferences.set_email_frequency(
            ctx.session, viewer, ctx.now, models.EmailFrequency(input.frequency.value)
        )
        return EmailFrequency(stored.value)

    outcome = await attempt(info, run())
    return SetEmailFrequencyPayload(frequency=outcome.value, errors=outcome.errors)


@strawberry.type(description="Push notifications and e-mail outside the app.")
class PushMutation:
    register_push_subscription = strawberry.mutation(
        resolver=register_push_subscription,
        description="Receive push notifications on this browser or device (what arrives follows "
        "the PUSH channel of your notification settings).",
    )
    unregister_push_subscription = strawberry.mutation(
        resolver=unregister_push_subscription,
        description="Stop push notifications to this browser or device.",
    )
    set_email_frequency = strawberry.mutation(
        resolver=set_email_frequency,
        description="Notification e-mails at once or as a daily digest (which categories go by "
        "e-mail follows the EMAIL channel of your notification settings).",
    )


@strawberry.type(description="Push configuration.")
class PushQuery:
    @strawberry.field(
        description="The VAPID public key (base64url) to pass as applicationServerKey to "
        "PushManager.subscribe(); null when Web Push is not configured."
    )
    def web_push_public_key(self, info: Info) -> str | None:
        from gateway.push import public_key_of

        key = info.context.runtime.settings.vapid_private_key
        return public_key_of(key) if key else None

    @strawberry.field(description="How your notification e-mails are sent; null when logged out.")
    async def email_frequency(self, info: Info) -> EmailFrequency | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        stored = await info.context.loaders.email_frequency_by_account.load(viewer.account_id)
        return EmailFrequency(stored.value)
