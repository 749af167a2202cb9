"""The `index.html` of a diary export: every entry with its facts and photos, readable offline.

Plain HTML with inline CSS and relative links to the photo files next to it in the ZIP; no
script, nothing fetched, so it opens the same from a USB stick in ten years.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from gateway.mail.templates import DUTCH_MONTHS

_STYLE = (
    "body{font-family:sans-serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}"
    "article{border-bottom:1px solid #ddd;padding:1em 0}h2{font-size:1.1em;margin:0}"
    ".who{color:#666;font-size:.9em}dl{display:grid;grid-template-columns:max-content auto;"
    "gap:.2em 1em}dt{font-weight:bold}img{max-width:100%;height:auto;margin:.3em 0}"
)


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One entry or group post as the page shows it; `photos` are paths inside the ZIP."""

    day: date
    title: str
    author: str
    body: str
    facts: Sequence[tuple[str, str]]
    photos: Sequence[str]


def _day(day: date) -> str:
    return f"{day.day} {DUTCH_MONTHS[day.month - 1]} {day.year}"


def _article(item: ExportItem) -> str:
    parts = [
        f'<article id="{item.day.isoformat()}"><h2>{escape(_day(item.day))}: '
        f"{escape(item.title)}</h2>",
        f'<p class="who">{escape(item.author)}</p>',
        "".join(f"<p>{escape(line)}</p>" for line in item.body.split("\n") if line.strip()),
    ]
    if item.facts:
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in item.facts)
        parts.append(f"<dl>{rows}</dl>")
    parts.extend(
        f'<a href="{escape(path)}"><img src="{escape(path)}" alt="Foto {n}" loading="lazy"></a>'
        for n, path in enumerate(item.photos, start=1)
    )
    parts.append("</article>")
    return "\n".join(parts)


def index_html(
    child_name: str, first_day: date, last_day: date, items: Sequence[ExportItem]
) -> str:
    """The page, oldest day first, as a diary is read."""
    heading = f"Dagboek van {child_name}"
    period = f"{_day(first_day)} tot en met {_day(last_day)}"
    articles = (
        "\n".join(_article(item) for item in items) or "<p>Geen verslagen in deze periode.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(heading)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{escape(heading)}</h1>\n<p>{escape(period)} · {len(items)} verslagen</p>\n"
        f"{articles}\n</body>\n</html>\n"
    )
