"""Inputs for writing diary entries: the text and the day's facts."""

from __future__ import annotations

from datetime import date, time

import strawberry

from gateway.services import diary_text
from gateway.services.diary_text import MAX_ENTRY_LENGTH, MAX_ITEMS
from resolvers.types.diary import MealAmount


@strawberry.input(description="A meal or snack of the day.")
class MealInput:
    what: str = strawberry.field(description="What it was, at most 200 characters.")
    at: time | None = strawberry.field(
        default=None, description="When, in the organisation's time zone."
    )
    amount: MealAmount | None = strawberry.field(
        default=None, description="How much the child ate."
    )


@strawberry.input(description="A nap, from when to when.")
class NapInput:
    start: time = strawberry.field(description="Fell asleep, in the organisation's time zone.")
    end: time = strawberry.field(description="Woke up; after `start`, the same day.")


@strawberry.input(description=f"The day's facts; each list holds at most {MAX_ITEMS} items.")
class DayFactsInput:
    meals: list[MealInput] = strawberry.field(default_factory=list, description="Meals and snacks.")
    sleeps: list[NapInput] = strawberry.field(default_factory=list, description="Naps.")
    activities: list[str] = strawberry.field(
        default_factory=list, description="What the child did, each at most 200 characters."
    )
    played_with: list[str] = strawberry.field(
        default_factory=list, description="Who the child played with (first names)."
    )
    learnt: str | None = strawberry.field(
        default=None, description="Something new the child learnt, at most 500 characters."
    )

    def to_facts(self) -> diary_text.DayFacts:
        return diary_text.DayFacts(
            meals=[
                diary_text.Meal(
                    what=m.what,
                    at=m.at,
                    amount=diary_text.MealAmount(m.amount.value) if m.amount else None,
                )
                for m in self.meals
            ],
            sleeps=[diary_text.Nap(start=n.start, end=n.end) for n in self.sleeps],
            activities=list(self.activities),
            played_with=list(self.played_with),
            learnt=self.learnt,
        )


@strawberry.input(
    description=(
        "A new diary entry about a child's day. Staff of the child's group need the guardians' "
        "diary consent; a guardian may write too (e.g. about the weekend)."
    )
)
class WriteDiaryEntryInput:
    child_id: strawberry.ID = strawberry.field(description="The child it is about.")
    body: str = strawberry.field(
        description=f"Plain text, 1 to {MAX_ENTRY_LENGTH} characters after trimming."
    )
    day: date | None = strawberry.field(
        default=None,
        name="date",
        description="The day it is about: today (default) or up to 14 days back.",
    )
    facts: DayFactsInput | None = strawberry.field(
        default=None, description="The day's facts, if any."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Chosen by the client per entry (e.g. a UUID); writing the same input again with "
            "the same key returns the first entry instead of a second one; the same key with "
            "other input is refused (IDEMPOTENCY_KEY_REUSED) and changes nothing."
        ),
    )


@strawberry.input(description="A correction of your own diary entry; give what changes.")
class UpdateDiaryEntryInput:
    id: strawberry.ID = strawberry.field(description="The entry's global ID.")
    body: str | None = strawberry.field(default=None, description="The new text.")
    facts: DayFactsInput | None = strawberry.field(
        default=None, description="The new facts, replacing all of the old ones."
    )


@strawberry.input(description="Which of your own diary entries to delete, with its photos.")
class DeleteDiaryEntryInput:
    id: strawberry.ID = strawberry.field(description="The entry's global ID.")
