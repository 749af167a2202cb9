"""What a diary entry may hold: plain text and the day's facts, within limits, checked first.

The facts are stored as JSON lists on the entry; this module is the only place that shapes
them, so what is read back is always what was checked here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from enum import Enum
from typing import Any

from gateway.services.message_text import invalid

MAX_ENTRY_LENGTH = 5000
MAX_ITEMS = 12
MAX_ITEM_LENGTH = 200
MAX_LEARNT_LENGTH = 500


class MealAmount(Enum):
    NOTHING = "nothing"
    LITTLE = "little"
    HALF = "half"
    MOST = "most"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Meal:
    what: str
    at: time | None
    amount: MealAmount | None


@dataclass(frozen=True, slots=True)
class Nap:
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DayFacts:
    """The day's facts as given; every part optional."""

    meals: Sequence[Meal] = ()
    sleeps: Sequence[Nap] = ()
    activities: Sequence[str] = ()
    played_with: Sequence[str] = ()
    learnt: str | None = None


def _plain(text: str, limit: int, what: str, *field: str) -> str:
    cleaned = text.strip()
    if len(cleaned) > limit:
        raise invalid(f"{what} has at most {limit} characters.", *field)
    # PostgreSQL text cannot hold NUL; refuse it on every backend alike.
    if "\x00" in cleaned:
        raise invalid(f"{what} cannot contain NUL characters.", *field)
    return cleaned


def clean_entry_body(body: str) -> str:
    text = _plain(body, MAX_ENTRY_LENGTH, "A diary entry", "body")
    if not text:
        raise invalid("Write something about the day first.", "body")
    return text


def _items(values: Sequence[str], what: str, name: str) -> list[str]:
    if len(values) > MAX_ITEMS:
        raise invalid(f"At most {MAX_ITEMS} {what}.", "facts", name)
    cleaned = [
        _plain(v, MAX_ITEM_LENGTH, "Each item", "facts", name, str(i)) for i, v in enumerate(values)
    ]
    if any(not v for v in cleaned):
        raise invalid(f"Leave out empty {what}.", "facts", name)
    return cleaned


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def clean_facts(facts: DayFacts) -> dict[str, Any]:
    """The facts as stored: JSON-ready columns of `DiaryEntry`, or an INVALID_INPUT error."""
    if len(facts.meals) > MAX_ITEMS or len(facts.sleeps) > MAX_ITEMS:
        raise invalid(f"At most {MAX_ITEMS} meals and {MAX_ITEMS} naps.", "facts")
    meals = []
    for i, meal in enumerate(facts.meals):
        what = _plain(meal.what, MAX_ITEM_LENGTH, "A meal", "facts", "meals", str(i), "what")
        if not what:
            raise invalid("Say what the meal was.", "facts", "meals", str(i), "what")
        meals.append(
            {
                "what": what,
                "at": _hhmm(meal.at) if meal.at else None,
                "amount": meal.amount.value if meal.amount else None,
            }
        )
    sleeps = []
    for i, nap in enumerate(sorted(facts.sleeps, key=lambda n: n.start)):
        if nap.end <= nap.start:
            raise invalid("A nap ends after it starts.", "facts", "sleeps", str(i))
        sleeps.append({"start": _hhmm(nap.start), "end": _hhmm(nap.end)})
    learnt = None
    if facts.learnt is not None:
        learnt = _plain(facts.learnt, MAX_LEARNT_LENGTH, "What was learnt", "facts", "learnt")
    return {
        "meals": meals,
        "sleeps": sleeps,
        "activities": _items(facts.activities, "activities", "activities"),
        "played_with": _items(facts.played_with, "playmates", "playedWith"),
        "learnt": learnt or None,
    }


def stored_meals(rows: Sequence[dict[str, Any]]) -> list[Meal]:
    """Meals read back from the JSON column (written only by `clean_facts`)."""
    return [
        Meal(
            what=str(row["what"]),
            at=time.fromisoformat(row["at"]) if row.get("at") else None,
            amount=MealAmount(row["amount"]) if row.get("amount") else None,
        )
        for row in rows
    ]


def stored_naps(rows: Sequence[dict[str, Any]]) -> list[Nap]:
    return [Nap(time.fromisoformat(r["start"]), time.fromisoformat(r["end"])) for r in rows]


__all__ = [
    "MAX_ENTRY_LENGTH",
    "DayFacts",
    "Meal",
    "MealAmount",
    "Nap",
    "clean_entry_body",
    "clean_facts",
    "stored_meals",
    "stored_naps",
]
