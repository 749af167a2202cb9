"""Diary entries, group posts and the day's facts, as a child's timeline shows them."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import Enum

import strawberry

from gateway import models
from gateway.ids import to_global_id
from gateway.media import Variant, ZipEntry
from gateway.services import diary_text
from gateway.services.diary_render import entry_as_text
from loaders.messages import Author as AuthorRow
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.node import Node
from resolvers.types.organisation import Group
from resolvers.types.people import Role
from resolvers.types.photos import Photo


@strawberry.enum(description="How much of a meal the child ate.")
class MealAmount(Enum):
    NOTHING = strawberry.enum_value("nothing", description="Nothing.")
    LITTLE = strawberry.enum_value("little", description="A little.")
    HALF = strawberry.enum_value("half", description="About half.")
    MOST = strawberry.enum_value("most", description="Most of it.")
    ALL = strawberry.enum_value("all", description="All of it.")


@strawberry.type(description="A meal or snack of the day.")
class Meal:
    what: str = strawberry.field(description="What it was, e.g. 'brood met kaas'.")
    at: time | None = strawberry.field(description="When, in the organisation's time zone.")
    amount: MealAmount | None = strawberry.field(description="How much the child ate.")


@strawberry.type(description="A nap, from when to when.")
class Nap:
    start: time = strawberry.field(description="Fell asleep, in the organisation's time zone.")
    end: time = strawberry.field(description="Woke up, in the organisation's time zone.")


@strawberry.type(description="The day's facts of a diary entry; every part may be empty.")
class DayFacts:
    meals: list[Meal] = strawberry.field(description="Meals and snacks, in the order of the day.")
    sleeps: list[Nap] = strawberry.field(description="Naps, earliest first.")
    activities: list[str] = strawberry.field(description="What the child did.")
    played_with: list[str] = strawberry.field(description="Who the child played with.")
    learnt: str | None = strawberry.field(description="Something new the child learnt.")

    @classmethod
    def of(cls, m: models.DiaryEntry) -> DayFacts:
        return cls(
            meals=[
                Meal(
                    what=meal.what,
                    at=meal.at,
                    amount=MealAmount(meal.amount.value) if meal.amount else None,
                )
                for meal in diary_text.stored_meals(m.meals)
            ],
            sleeps=[Nap(start=n.start, end=n.end) for n in diary_text.stored_naps(m.sleeps)],
            activities=list(m.activities),
            played_with=list(m.played_with),
            learnt=m.learnt,
        )


@strawberry.type(description="Who wrote something: a name and a role, never contact details.")
class Author:
    name: str = strawberry.field(description="Full name of the guardian or staff member.")
    role: Role = strawberry.field(description="Whether a guardian or a staff member wrote it.")

    @classmethod
    def from_row(cls, row: AuthorRow | None) -> Author | None:
        return None if row is None else cls(name=row.name, role=Role(row.role.value))


@strawberry.type(
    description=(
        "A report about one child's day: text, the day's facts and photos, written by the "
        "group's staff or by a guardian."
    )
)
class DiaryEntry(Node):
    model: strawberry.Private[models.DiaryEntry]
    day: date = strawberry.field(name="date", description="The day it is about.")
    body: str = strawberry.field(description="The text, as written (plain text, no markup).")
    written_at: datetime = strawberry.field(description="When it was written.")
    updated_at: datetime | None = strawberry.field(
        description="When its author last corrected it; null if never."
    )

    @classmethod
    def from_model(cls, m: models.DiaryEntry) -> DiaryEntry:
        return cls(
            id=strawberry.ID(to_global_id("DiaryEntry", m.id)),
            model=m,
            day=m.entry_date,
            body=m.body,
            written_at=m.created_at,
            updated_at=m.updated_at,
        )

    @strawberry.field(description="Meals, naps, activities, playmates, something new learnt.")
    def facts(self) -> DayFacts:
        return DayFacts.of(self.model)

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info) -> Author | None:
        row = await info.context.loaders.authors_by_account.load(self.model.author_account_id)
        return Author.from_row(row)

    @strawberry.field(description="Whether you wrote it (and so may correct or delete it).")
    def is_own(self, info: Info) -> bool:
        viewer = info.context.viewer
        return viewer is not None and viewer.account_id == self.model.author_account_id

    @strawberry.field(description="The child it is about.")
    async def child(self, info: Info) -> Child | None:
        row = await info.context.loaders.children_by_id.load(self.model.child_id)
        return Child.from_model(row) if row else None

    @strawberry.field(description="The group the child was in that day.")
    async def group(self, info: Info) -> Group | None:
        row = await info.context.loaders.groups_by_id.load(self.model.group_id)
        return Group.from_model(row) if row else None

    @strawberry.field(description="Its photos, in the order they were added.")
    async def photos(self, info: Info) -> list[Photo]:
        rows = await info.context.loaders.photos_by_diary_entry.load(self.model.id)
        return [Photo.from_model(p) for p in rows]

    @strawberry.field(
        description=(
            "Signed, short-lived URL that downloads the whole entry as a ZIP: its text and "
            "the day's facts, and every photo in full size."
        )
    )
    async def download_url(self, info: Info) -> str | None:
        loaders = info.context.loaders
        child = await loaders.children_by_id.load(self.model.child_id)
        if child is None:
            return None
        author = await loaders.authors_by_account.load(self.model.author_account_id)
        photos = await loaders.photos_by_diary_entry.load(self.model.id)
        name = f"{child.first_name} {child.last_name} {self.model.entry_date.isoformat()}"
        text = entry_as_text(
            self.model, f"{child.first_name} {child.last_name}", author.name if author else ""
        )
        members = [ZipEntry("dagboek.txt", text=text)]
        for number, photo in enumerate(photos, start=1):
            stored = photo.renditions.get(Variant.DOWNLOAD.value)
            if stored is not None:
                members.append(ZipEntry(f"{name} {number}.jpg", key=str(stored["key"])))
        try:
            return info.context.runtime.media.zip_url(members, filename=f"{name}.zip")
        except ValueError:
            # The manifest would make the URL too long (a very long text with many photos);
            # the photos still download one by one.
            return None


@strawberry.type(
    description=(
        "A post to a whole group about its day, for the families of the children in the group "
        "that day."
    )
)
class GroupPost(Node):
    model: strawberry.Private[models.GroupPost]
    day: date = strawberry.field(name="date", description="The day it is about.")
    body: str = strawberry.field(description="The text (plain text, no markup).")
    posted_at: datetime = strawberry.field(description="When it was posted.")

    @classmethod
    def from_model(cls, m: models.GroupPost) -> GroupPost:
        return cls(
            id=strawberry.ID(to_global_id("GroupPost", m.id)),
            model=m,
            day=m.post_date,
            body=m.body,
            posted_at=m.created_at,
        )

    @strawberry.field(description="Who posted it.")
    async def author(self, info: Info) -> Author | None:
        row = await info.context.loaders.authors_by_account.load(self.model.author_account_id)
        return Author.from_row(row)

    @strawberry.field(description="The group it was posted to.")
    async def group(self, info: Info) -> Group | None:
        row = await info.context.loaders.groups_by_id.load(self.model.group_id)
        return Group.from_model(row) if row else None

    @strawberry.field(description="Its photos, in the order they were added.")
    async def photos(self, info: Info) -> list[Photo]:
        rows = await info.context.loaders.photos_by_group_post.load(self.model.id)
        return [Photo.from_model(p) for p in rows]
