"""Mutations of the account page: contact details, password, sessions, forgotten password."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.services import password_reset, profile, sessions
from gateway.services.profile import ProfileChange
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.accounts import SessionPayload
from resolvers.mutations.base import attempt, signed_in
from resolvers.types.people import Account, Guardian


@strawberry.input(description="Your own contact details; leave a field out to keep it.")
class UpdateProfileInput:
    phone: str | None = strawberry.field(default=None, description="Phone number.")
    street: str | None = strawberry.field(default=None, description="Street and house number.")
    postcode: str | None = strawberry.field(default=None, description="Postcode, e.g. '3511 AB'.")
    city: str | None = strawberry.field(default=None, description="Town or city.")


@strawberry.type(description="Result of changing your contact details.")
class UpdateProfilePayload:
    guardian: Guardian | None = strawberry.field(description="You, as changed.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.input(description="The current password and the new one.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password you use now.")
    new_password: str = strawberry.field(description="The new password: at least 10 characters.")


@strawberry.type(description="Result of changing your password.")
class ChangePasswordPayload:
    account: Account | None = strawberry.field(
        description="Your account; this session stays signed in, every other one is ended."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.input(description="The session to end.")
class RevokeSessionInput:
    id: strawberry.ID = strawberry.field(description="Global ID of one of your `sessions`.")


@strawberry.type(description="Result of ending a session.")
class RevokeSessionPayload:
    revoked_session_id: strawberry.ID | None = strawberry.field(
        description="The session that was ended."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.input(description="Ask for a link to choose a new password.")
class RequestPasswordResetInput:
    domain: str = strawberry.field(description="Portal domain of the organisation.")
    email: str = strawberry.field(description="E-mail address of the account.")


@strawberry.type(description="Result of asking for a new-password link.")
class RequestPasswordResetPayload:
    accepted: bool = strawberry.field(
        description="True for any well-formed request: whether the address has an account "
        "(and so whether a mail was sent) is not told."
    )
    errors: list[UserError] = strawberry.field(description="Input problems or throttling.")


@strawberry.input(description="The token from the new-password e-mail and the new password.")
class ResetPasswordInput:
    token: str = strawberry.field(description="The token from the link.")
    password: str = strawberry.field(description="The new password: at least 10 characters.")


async def update_profile(
    info: Info,
    input: Annotated[UpdateProfileInput, strawberry.argument(description="Fields to change.")],
) -> UpdateProfilePayload:
    ctx = info.context

    async def run() -> Guardian:
        viewer = signed_in(info)
        change = ProfileChange(
            phone=input.phone, street=input.street, postcode=input.postcode, city=input.city
        )
        return Guardian.from_model(await profile.update_profile(ctx.session, viewer, change))

    outcome = await attempt(info, run())
    return UpdateProfilePayload(guardian=outcome.value, errors=outcome.errors)


async def change_password(
    info: Info,
    input: Annotated[ChangePasswordInput, strawberry.argument(description="Both passwords.")],
) -> ChangePasswordPayload:
    ctx = info.context

    async def run() -> Account:
        viewer = signed_in(info)
        account = await profile.change_password(
            ctx.session,
            viewer,
            ctx.now,
            ctx.runtime.events,
            ctx.runtime.throttle,
            current_password=input.current_password,
            new_password=input.new_password,
        )
        return Account.from_model(account)

    outcome = await attempt(info, run())
    return ChangePasswordPayload(account=outcome.value, errors=outcome.errors)


async def revoke_session(
    info: Info,
    input: Annotated[RevokeSessionInput, strawberry.argument(description="The session.")],
) -> RevokeSessionPayload:
    ctx = info.context

    async def run() -> strawberry.ID:
        viewer = signed_in(info)
        await sessions.revoke_session(
            ctx.session, viewer, ctx.now, ctx.runtime.events, session_id=str(input.id)
        )
        return input.id

    outcome = await attempt(info, run())
    return RevokeSessionPayload(revoked_session_id=outcome.value, errors=outcome.errors)


async def request_password_reset(
    info: Info,
    input: Annotated[
        RequestPasswordResetInput, strawberry.argument(description="Portal and e-mail address.")
    ],
) -> RequestPasswordResetPayload:
    ctx = info.context
    outcome = await attempt(
        info,
        password_reset.request_password_reset(
            ctx.session,
            ctx.runtime.mailer,
            ctx.now,
            ctx.runtime.password_reset,
            ctx.runtime.throttle,
            domain=input.domain,
            email=input.email,
            client_address=ctx.client_address,
        ),
    )
    return RequestPasswordResetPayload(accepted=not outcome.errors, errors=outcome.errors)


async def reset_password(
    info: Info,
    input: Annotated[ResetPasswordInput, strawberry.argument(description="Token and password.")],
) -> SessionPayload:
    ctx = info.context
    outcome = await attempt(
        info,
        password_reset.reset_password(
            ctx.session,
            ctx.runtime.events,
            token=input.token,
            password=input.password,
            now=ctx.now,
            token_ttl=ctx.runtime.settings.access_token_ttl,
        ),
    )
    return SessionPayload.from_outcome(outcome)


@strawberry.type(description="The account page: contact details, password, sessions.")
class AccountMutation:
    update_profile = strawberry.mutation(
        resolver=update_profile,
        description="Change your own contact details (guardians; staff details come from HR).",
    )
    change_password = strawberry.mutation(
        resolver=change_password,
        description="Change your password; the current one is required. Every other session "
        "of your account is ended.",
    )
    revoke_session = strawberry.mutation(
        resolver=revoke_session,
        description="End one of your sessions (see `me.sessions`); its open live feeds close.",
    )
    request_password_reset = strawberry.mutation(
        resolver=request_password_reset,
        description="Forgotten password: mail a single-use link for choosing a new one. The "
        "answer is the same whether or not the address has an account.",
    )
    reset_password = strawberry.mutation(
        resolver=reset_password,
        description="Set a new password with the link's token: every session of the account "
        "ends, and a new one starts.",
    )
