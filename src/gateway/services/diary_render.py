"""A diary entry as plain text, for downloads: the whole entry in a ZIP, and the diary export."""

from __future__ import annotations

from gateway.models import DiaryEntry
from gateway.services.diary_text import stored_meals, stored_naps

AMOUNT_NL = {
    "nothing": "niets",
    "little": "een beetje",
    "half": "de helft",
    "most": "het meeste",
    "all": "alles",
}


def fact_lines(entry: DiaryEntry) -> list[tuple[str, str]]:
    """(label, text) per fact that was filled in, in Dutch, in a fixed order."""
    lines: list[tuple[str, str]] = []
    for meal in stored_meals(entry.meals):
        when = f"{meal.at:%H:%M} " if meal.at else ""
        amount = f" ({AMOUNT_NL[meal.amount.value]})" if meal.amount else ""
        lines.append(("Eten", f"{when}{meal.what}{amount}"))
    for nap in stored_naps(entry.sleeps):
        lines.append(("Slapen", f"{nap.start:%H:%M}-{nap.end:%H:%M}"))
    if entry.activities:
        lines.append(("Activiteiten", ", ".join(entry.activities)))
    if entry.played_with:
        lines.append(("Gespeeld met", ", ".join(entry.played_with)))
    if entry.learnt:
        lines.append(("Nieuw geleerd", entry.learnt))
    return lines


def entry_as_text(entry: DiaryEntry, child_name: str, author_name: str) -> str:
    """The entry as a small text file: heading, text, the day's facts."""
    heading = f"{child_name} — {entry.entry_date.isoformat()} — {author_name}"
    facts = "\n".join(f"{label}: {text}" for label, text in fact_lines(entry))
    return f"{heading}\n\n{entry.body}\n" + (f"\n{facts}\n" if facts else "")
