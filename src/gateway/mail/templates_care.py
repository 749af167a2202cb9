"""The mail confirming reported absence: Dutch first, with a short English line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from html import escape

from gateway.domain.hours import format_hours
from gateway.mail.mailer import Mail
from gateway.mail.templates import DUTCH_MONTHS

DUTCH_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


@dataclass(frozen=True)
class CancelledCare:
    """Care cancelled on one day, and the swap hours it earned."""

    child_name: str
    day: date
    start: time
    end: time
    minutes: int
    credited_minutes: int
    valid_until: date | None


def dutch_date(day: date) -> str:
    """'maandag 16 maart 2026'."""
    return f"{DUTCH_WEEKDAYS[day.weekday()]} {day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def dutch_hours(minutes: int) -> str:
    """Minutes as hours with a decimal comma: 630 → '10,5'."""
    return format_hours(Decimal(minutes) / 60, decimal_comma=True)


def _day_line(care: CancelledCare) -> str:
    line = (
        f"{dutch_date(care.day)}, {care.start:%H:%M} tot {care.end:%H:%M}: "
        f"{dutch_hours(care.minutes)} uur afgemeld"
    )
    if care.credited_minutes and care.valid_until is not None:
        return (
            f"{line}, {dutch_hours(care.credited_minutes)} ruiluren bijgeschreven "
            f"(geldig t/m {care.valid_until.day} {DUTCH_MONTHS[care.valid_until.month - 1]} "
            f"{care.valid_until.year})"
        )
    return f"{line}, geen ruiluren"


def _per_child(days: Sequence[CancelledCare]) -> list[tuple[str, list[CancelledCare]]]:
    children: dict[str, list[CancelledCare]] = {}
    for care in sorted(days, key=lambda c: (c.child_name, c.day, c.start)):
        children.setdefault(care.child_name, []).append(care)
    return list(children.items())


def absence_confirmation_mail(
    *,
    to: str,
    guardian_name: str,
    organisation_name: str,
    reason: str,
    days: Sequence[CancelledCare],
) -> Mail:
    """Lists, per child and day, the hours of care cancelled and the swap hours credited."""
    intro = [
        f"Hoi {guardian_name},",
        f"De afwezigheid is gemeld bij {organisation_name}. Deze opvang is afgemeld:",
    ]
    blocks: list[tuple[str, list[str], str]] = []
    for child, cares in _per_child(days):
        cancelled = sum(c.minutes for c in cares)
        credited = sum(c.credited_minutes for c in cares)
        total = f"Totaal: {dutch_hours(cancelled)} uur afgemeld, {dutch_hours(credited)} ruiluren."
        blocks.append((child, [_day_line(c) for c in cares], total))
    outro = [
        f"Reden: {reason}",
        "Klopt er iets niet? Neem dan contact op met de locatie.",
        f"Groeten,\n{organisation_name}",
        "In English: this confirms the absence you reported. Per child and day you see the "
        "hours of care cancelled ('uur afgemeld') and the swap hours credited ('ruiluren').",
    ]
    text_blocks = [
        "\n".join([child, *(f"- {line}" for line in lines), total])
        for child, lines, total in blocks
    ]
    text = "\n\n".join([*intro, *text_blocks, *outro]) + "\n"
    html_blocks = [
        f"<p><strong>{escape(child)}</strong></p>\n<ul>\n"
        + "".join(f"<li>{escape(line)}</li>\n" for line in lines)
        + f"</ul>\n<p>{escape(total)}</p>"
        for child, lines, total in blocks
    ]
    html = "\n".join(
        [*(_paragraph(p) for p in intro), *html_blocks, *(_paragraph(p) for p in outro)]
    )
    names = ", ".join(child for child, _, _ in blocks)
    return Mail(
        to=to,
        subject=f"Afwezigheid gemeld voor {names}",
        text=text,
        html=f'<!DOCTYPE html>\n<html lang="nl">\n<body>\n{html}\n</body>\n</html>\n',
    )


def _paragraph(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br>\n") + "</p>"
