"""One's signed-in sessions (devices), as listed on the account page."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway import models
from gateway.ids import to_global_id
from resolvers.context import Info
from resolvers.types.node import Node


@strawberry.type(description="A signed-in session of your account: one device or browser.")
class AccountSession(Node):
    model: strawberry.Private[models.AccessToken]
    created_at: datetime = strawberry.field(description="When you signed in.")
    expires_at: datetime = strawberry.field(description="When the session ends by itself.")
    user_agent: str = strawberry.field(
        description="The browser or app that signed in, as it named itself; may be empty."
    )

    @classmethod
    def from_model(cls, m: models.AccessToken) -> AccountSession:
        return cls(
            id=strawberry.ID(to_global_id("AccountSession", m.id)),
            model=m,
            created_at=m.created_at,
            expires_at=m.expires_at,
            user_agent=m.user_agent,
        )

    @strawberry.field(description="Whether this is the session asking (this device).")
    def current(self, info: Info) -> bool:
        viewer = info.context.viewer
        return viewer is not None and viewer.token_id == self.model.id
