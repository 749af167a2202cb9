"""Documents (PDFs) handed out by signed URL, and the policies of a location."""

from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from gateway import models
from resolvers.context import Info


@strawberry.type(
    description="A stored file. Its URLs are signed and short-lived: fetch them when shown, "
    "not ahead of time; nothing is reachable without one."
)
class Document:
    model: strawberry.Private[models.Document]
    filename: str = strawberry.field(description="File name, e.g. 'Nieuwsbrief maart.pdf'.")
    content_type: str = strawberry.field(description="Media type, e.g. 'application/pdf'.")
    size_bytes: int = strawberry.field(description="Size in bytes.")

    @classmethod
    def from_model(cls, m: models.Document) -> Document:
        return cls(
            model=m, filename=m.filename, content_type=m.content_type, size_bytes=m.size_bytes
        )

    @strawberry.field(description="Signed URL to show the file in the browser or app.")
    def url(self, info: Info) -> str:
        return info.context.runtime.media.url(self.model.storage_key)

    @strawberry.field(description="Signed URL that downloads the file under its name.")
    def download_url(self, info: Info) -> str:
        return info.context.runtime.media.url(self.model.storage_key, filename=self.model.filename)


@strawberry.enum(description="What a policy is about.")
class PolicyKind(Enum):
    SAFETY_HEALTH = strawberry.enum_value(
        "safety_health", description="Safety and health policy (beleid veiligheid en gezondheid)."
    )
    PEDAGOGICAL = strawberry.enum_value(
        "pedagogical", description="Pedagogical policy (pedagogisch beleidsplan)."
    )
    OTHER = strawberry.enum_value("other", description="Any other policy or regulation.")


@strawberry.type(description="A policy of the location or of the whole organisation.")
class Policy:
    kind: PolicyKind = strawberry.field(description="What the policy is about.")
    title: str = strawberry.field(description="Title, e.g. 'Pedagogisch beleidsplan 2026'.")
    valid_from: date = strawberry.field(description="The date this version applies from.")
    for_organisation: bool = strawberry.field(
        description="True when it applies to every location of the organisation."
    )
    document: Document = strawberry.field(description="The policy document.")

    @classmethod
    def from_models(cls, policy: models.Policy, document: models.Document) -> Policy:
        return cls(
            kind=PolicyKind(policy.kind.value),
            title=policy.title,
            valid_from=policy.valid_from,
            for_organisation=policy.location_id is None,
            document=Document.from_model(document),
        )
