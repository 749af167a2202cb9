"""Root mutation fields, one module per domain."""

from __future__ import annotations

import strawberry

from resolvers.mutations import accounts, consents


@strawberry.type(description="Logging in and out, activation and consents.")
class CoreMutation:
    login = strawberry.mutation(
        resolver=accounts.login,
        description="Log in with portal domain, e-mail address and password.",
    )
    logout = strawberry.mutation(
        resolver=accounts.logout, description="End this session (or all sessions) server-side."
    )
    activate_account = strawberry.mutation(
        resolver=accounts.activate_account,
        description="Set the first password with the activation link's token, and log in.",
    )
    request_activation_mail = strawberry.mutation(
        resolver=accounts.request_activation_mail,
        description="Send the activation e-mail again (with a new link; older links stop working).",
    )
    update_consents = strawberry.mutation(
        resolver=consents.update_consents,
        description="Change a child's consents (guardians only); every change is kept in history.",
    )
