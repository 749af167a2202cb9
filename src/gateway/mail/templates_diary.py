"""The mail with the download link of a diary export: Dutch first, with a short English line."""

from __future__ import annotations

from datetime import date, datetime
from html import escape

from gateway.mail.mailer import Mail
from gateway.mail.templates import DUTCH_MONTHS, dutch_datetime, english_datetime


def _dutch_day(day: date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def diary_export_mail(
    *,
    to: str,
    guardian_name: str,
    child_name: str,
    organisation_name: str,
    first_day: date,
    last_day: date,
    link: str,
    expires_at: datetime,
) -> Mail:
    """The link to a child's diary over a period; `expires_at` in the organisation's zone."""
    period = f"{_dutch_day(first_day)} tot en met {_dutch_day(last_day)}"
    before = [
        f"Hoi {guardian_name},",
        f"Het dagboek van {child_name} van {period} staat voor je klaar: alle verslagen en "
        "foto's in één ZIP-bestand. Pak het uit en open index.html, ook zonder internet.",
    ]
    after = [
        f"De link werkt tot {dutch_datetime(expires_at)}; je hoeft er niet voor in te loggen. "
        "Deel hem daarom met niemand anders.",
        f"Groeten,\n{organisation_name}",
        f"In English: the diary of {child_name} is ready to download from the link above "
        f"until {english_datetime(expires_at)}. Unzip it and open index.html.",
    ]
    text = "\n\n".join([*before, link, *after]) + "\n"
    paragraphs = [
        *(_paragraph(p) for p in before),
        f'<p><a href="{escape(link)}">Download het dagboek</a></p>',
        *(_paragraph(p) for p in after),
    ]
    body = "\n".join(paragraphs)
    return Mail(
        to=to,
        subject=f"Het dagboek van {child_name} staat klaar",
        text=text,
        html=f'<!DOCTYPE html>\n<html lang="nl">\n<body>\n{body}\n</body>\n</html>\n',
    )


def _paragraph(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br>\n") + "</p>"
