"""The mail with a link for choosing a new password ("wachtwoord vergeten")."""

from __future__ import annotations

from datetime import datetime
from html import escape

from gateway.mail.mailer import Mail
from gateway.mail.templates import _paragraph, dutch_datetime, english_datetime


def password_reset_mail(
    *,
    to: str,
    name: str,
    organisation_name: str,
    link: str,
    expires_at: datetime,
) -> Mail:
    """The single-use reset link; `expires_at` is shown as given (the organisation's zone)."""
    until_nl, until_en = dutch_datetime(expires_at), english_datetime(expires_at)
    before = [
        f"Hoi {name},",
        f"Je hebt gevraagd om een nieuw wachtwoord voor de ouderapp van {organisation_name}. "
        "Open de link hieronder en kies een nieuw wachtwoord:",
    ]
    after = [
        f"De link werkt één keer en is geldig tot {until_nl}. Als je een nieuw wachtwoord "
        "kiest, word je op al je apparaten uitgelogd.",
        "Heb je dit niet zelf gevraagd? Dan kun je deze e-mail negeren: je wachtwoord blijft "
        "zoals het was.",
        f"Groeten,\n{organisation_name}",
        f"In English: open the link above to choose a new password for the {organisation_name} "
        f"parent app. It works once and is valid until {until_en}; choosing a new password "
        "signs you out everywhere. Did not ask for this? Then ignore this e-mail.",
    ]
    text = "\n\n".join([*before, link, *after]) + "\n"
    html = "\n".join(
        [
            *(_paragraph(p) for p in before),
            f'<p><a href="{escape(link)}">{escape(link)}</a></p>',
            *(_paragraph(p) for p in after),
        ]
    )
    return Mail(
        to=to,
        subject=f"Nieuw wachtwoord voor de ouderapp van {organisation_name}",
        text=text,
        html=f'<!DOCTYPE html>\n<html lang="nl">\n<body>\n{html}\n</body>\n</html>\n',
    )
