"""Root query fields for the child's day: one diary entry, and the staff's consent roster."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from gateway.ids import pk_of
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.diary import DiaryEntry


@strawberry.type(description="One child of a group on a day, with what its guardians allow.")
class ChildConsentStatus:
    child: Child = strawberry.field(description="The child.")
    may_be_photographed: bool = strawberry.field(
        description="Photo consent given: the child may be in photos that are taken and shared."
    )
    has_diary: bool = strawberry.field(
        description="Diary consent given: staff may write the child's diary."
    )
    may_join_outings: bool = strawberry.field(
        description="Outings consent given: the child may join trips outside the location."
    )


@strawberry.type(description="Diary entries and what staff need to know before writing them.")
class DiaryQuery:
    @strawberry.field(description="A day's diary entry in full; null when missing or not yours.")
    async def diary_entry(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The entry's global ID.")],
    ) -> DiaryEntry | None:
        info.context.require_viewer()
        pk = pk_of(str(id), "DiaryEntry")
        if pk is None:
            return None
        row = await info.context.loaders.diary_entries_by_id.load(pk)
        return DiaryEntry.from_model(row) if row else None

    @strawberry.field(
        description=(
            "Staff: the children placed in one of your groups on a day, with their consents "
            "(who may be photographed, has a diary, may join an outing). Empty for others."
        )
    )
    async def child_consents(
        self,
        info: Info,
        group_id: Annotated[strawberry.ID, strawberry.argument(description="The group.")],
        day: Annotated[
            date | None,
            strawberry.argument(name="date", description="The day; default today."),
        ] = None,
    ) -> list[ChildConsentStatus]:
        info.context.require_viewer()
        pk = pk_of(str(group_id), "Group")
        if pk is None:
            return []
        roster = await info.context.loaders.consent_roster_by_group_day.load(
            (pk, day or info.context.today)
        )
        return [
            ChildConsentStatus(
                child=Child.from_model(s.child),
                may_be_photographed=s.photos,
                has_diary=s.diary,
                may_join_outings=s.outings,
            )
            for s in roster
        ]
