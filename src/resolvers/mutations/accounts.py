"""Mutations for logging in and out and activating an account."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.services import accounts, activation
from gateway.services.accounts import LoginSession
from resolvers.context import Info
from resolvers.errors import UserError
from resolvers.mutations.base import Outcome, attempt, signed_in
from resolvers.types.people import Account


@strawberry.input(description="The three fields of the login screen.")
class LoginInput:
    domain: str = strawberry.field(description="Portal domain, e.g. 'partou.ouderportaal.nl'.")
    email: str = strawberry.field(description="E-mail address of the account.")
    password: str = strawberry.field(description="The account's password.")


@strawberry.input(description="A link token from the activation e-mail and the new password.")
class ActivateAccountInput:
    token: str = strawberry.field(description="The token from the activation link.")
    password: str = strawberry.field(description="The password to set: at least 10 characters.")


@strawberry.input(description="Ask for a new activation e-mail.")
class RequestActivationMailInput:
    domain: str = strawberry.field(description="Portal domain of the organisation.")
    email: str = strawberry.field(description="E-mail address the placement was registered with.")


@strawberry.input(description="End the session.")
class LogoutInput:
    everywhere: bool = strawberry.field(
        default=False, description="Also end every other session of this account."
    )


@strawberry.type(description="A new session: send `token` as 'Authorization: Bearer <token>'.")
class SessionPayload:
    token: str | None = strawberry.field(description="Bearer token; shown only this once.")
    expires_at: datetime | None = strawberry.field(description="When the token stops working.")
    account: Account | None = strawberry.field(description="The account that is now logged in.")
    errors: list[UserError] = strawberry.field(description="Why nothing happened, if so.")

    @classmethod
    def from_outcome(cls, outcome: Outcome[LoginSession]) -> SessionPayload:
        session = outcome.value
        return cls(
            token=session.token if session else None,
            expires_at=session.expires_at if session else None,
            account=Account.from_model(session.account) if session else None,
            errors=outcome.errors,
        )


@strawberry.type(description="Result of asking for an activation e-mail.")
class RequestActivationMailPayload:
    accepted: bool = strawberry.field(
        description="Always true when the input was well-formed: whether a mail was sent is "
        "not told, so nobody can find out which addresses have an account."
    )
    errors: list[UserError] = strawberry.field(description="Input problems, if any.")


@strawberry.type(description="Result of logging out.")
class LogoutPayload:
    revoked_sessions: int = strawberry.field(description="How many sessions were ended.")
    errors: list[UserError] = strawberry.field(description="Why nothing happened, if so.")


async def login(
    info: Info,
    input: Annotated[LoginInput, strawberry.argument(description="Login fields.")],
) -> SessionPayload:
    ctx = info.context
    outcome = await attempt(
        info,
        accounts.login(
            ctx.session,
            domain=input.domain,
            email=input.email,
            password=input.password,
            client_address=ctx.client_address,
            now=ctx.now,
            token_ttl=ctx.runtime.settings.access_token_ttl,
            policy=ctx.runtime.throttle,
            user_agent=ctx.request.headers.get("user-agent", ""),
        ),
    )
    return SessionPayload.from_outcome(outcome)


async def activate_account(
    info: Info,
    input: Annotated[ActivateAccountInput, strawberry.argument(description="Token and password.")],
) -> SessionPayload:
    ctx = info.context
    outcome = await attempt(
        info,
        activation.activate_account(
            ctx.session,
            token=input.token,
            password=input.password,
            now=ctx.now,
            token_ttl=ctx.runtime.settings.access_token_ttl,
        ),
    )
    return SessionPayload.from_outcome(outcome)


async def request_activation_mail(
    info: Info,
    input: Annotated[
        RequestActivationMailInput, strawberry.argument(description="Portal and e-mail address.")
    ],
) -> RequestActivationMailPayload:
    ctx = info.context
    outcome = await attempt(
        info,
        activation.resend_activation(
            ctx.session,
            ctx.runtime.mailer,
            ctx.now,
            ctx.runtime.activation,
            domain=input.domain,
            email=input.email,
        ),
    )
    return RequestActivationMailPayload(accepted=not outcome.errors, errors=outcome.errors)


async def logout(
    info: Info,
    input: Annotated[
        LogoutInput | None, strawberry.argument(description="Options; may be left out.")
    ] = None,
) -> LogoutPayload:
    ctx = info.context

    async def run() -> int:
        viewer = signed_in(info)
        return await accounts.logout(
            ctx.session,
            viewer,
            ctx.now,
            ctx.runtime.events,
            everywhere=bool(input and input.everywhere),
        )

    outcome = await attempt(info, run())
    return LogoutPayload(revoked_sessions=outcome.value or 0, errors=outcome.errors)


__all__ = ["activate_account", "login", "logout", "request_activation_mail"]
