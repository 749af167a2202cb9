"""Notification e-mails: one at a time, or the daily digest. Dutch, with a short English line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from gateway.mail.mailer import Mail
from gateway.mail.templates import _paragraph, dutch_datetime

KIND_TITLES = {
    "message.added": "Nieuw bericht",
    "request.status_changed": "Je aanvraag is bijgewerkt",
    "diary.added": "Nieuw in het dagboek",
    "photo.added": "Nieuwe foto's",
    "news.published": "Nieuws",
}


@dataclass(frozen=True, slots=True)
class MailItem:
    kind: str
    detail: str
    at: datetime  # in the organisation's time zone


def item_line(item: MailItem) -> str:
    title = KIND_TITLES.get(item.kind, "Nieuw in de ouderapp")
    return f"{title}: {item.detail}" if item.detail else title


def _unsubscribe_headers(link: str) -> tuple[tuple[str, str], ...]:
    # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" to the link, no page, no login.
    return (
        ("List-Unsubscribe", f"<{link}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    )


def _mail(
    to: str, subject: str, paragraphs: list[str], lines: list[str], app_link: str, unsub: str
) -> Mail:
    closing = [
        f"Open de ouderapp: {app_link}",
        f"Geen e-mail meer over dit onderwerp? Meld je af: {unsub}",
        "In English: this is a notification from the parent app; the link above unsubscribes "
        "you from these e-mails.",
    ]
    text = "\n\n".join([*paragraphs, "\n".join(f"- {line}" for line in lines), *closing]) + "\n"
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    html = "\n".join(
        [
            *(_paragraph(p) for p in paragraphs),
            f"<ul>{items}</ul>",
            f'<p><a href="{escape(app_link)}">Open de ouderapp</a></p>',
            f'<p><a href="{escape(unsub)}">Afmelden voor deze e-mails</a></p>',
        ]
    )
    return Mail(
        to=to,
        subject=subject,
        text=text,
        html=f'<!DOCTYPE html>\n<html lang="nl">\n<body>\n{html}\n</body>\n</html>\n',
        headers=_unsubscribe_headers(unsub),
    )


def notification_mail(
    *, to: str, name: str, organisation: str, item: MailItem, app_link: str, unsubscribe: str
) -> Mail:
    """One notification, sent as it happens."""
    return _mail(
        to,
        f"{item_line(item)} — {organisation}",
        [f"Hoi {name},", f"Er is iets nieuws in de ouderapp van {organisation}:"],
        [f"{item_line(item)} ({dutch_datetime(item.at)})"],
        app_link,
        unsubscribe,
    )


def digest_mail(
    *,
    to: str,
    name: str,
    organisation: str,
    items: Sequence[MailItem],
    app_link: str,
    unsubscribe: str,
) -> Mail:
    """The day's notifications in one mail, oldest first."""
    count = len(items)
    what = "1 nieuw bericht" if count == 1 else f"{count} nieuwe meldingen"
    return _mail(
        to,
        f"Je dagoverzicht van {organisation}: {what}",
        [f"Hoi {name},", f"Dit is er vandaag nieuw in de ouderapp van {organisation}:"],
        [f"{item_line(i)} ({i.at:%H:%M})" for i in items],
        app_link,
        unsubscribe,
    )
