"""The texts of the mails the gateway sends: Dutch first, with a short English line."""

from __future__ import annotations

from datetime import datetime
from html import escape

from gateway.mail.mailer import Mail

# Written out rather than taken from strftime("%B"), which follows the process locale.
DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def dutch_datetime(moment: datetime) -> str:
    """'12 december 2026 om 09:00', in the time zone `moment` carries."""
    return f"{moment.day} {DUTCH_MONTHS[moment.month - 1]} {moment.year} om {moment:%H:%M}"


def english_datetime(moment: datetime) -> str:
    """'12 December 2026, 09:00', in the time zone `moment` carries."""
    return f"{moment.day} {ENGLISH_MONTHS[moment.month - 1]} {moment.year}, {moment:%H:%M}"


def activation_mail(
    *,
    to: str,
    guardian_name: str,
    organisation_name: str,
    link: str,
    expires_at: datetime,
) -> Mail:
    """The mail with a guardian's single-use activation link.

    `expires_at` is shown as given, so pass it in the organisation's time zone.
    """
    until_nl, until_en = dutch_datetime(expires_at), english_datetime(expires_at)
    before = [
        f"Hoi {guardian_name},",
        f"Je kunt nu je account voor de ouderapp van {organisation_name} activeren. "
        "Open de link hieronder en kies een wachtwoord:",
    ]
    after = [
        f"De link werkt één keer en is geldig tot {until_nl}. "
        "Is hij verlopen? Vraag dan in de app een nieuwe link aan.",
        "Heb je deze e-mail niet verwacht? Dan kun je hem negeren: "
        "zonder de link wordt er geen account geactiveerd.",
        f"Groeten,\n{organisation_name}",
        f"In English: open the link above to activate your account for the {organisation_name} "
        f"parent app. It is valid until {until_en}. Not expecting this e-mail? Then ignore it.",
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
        subject=f"Activeer je account voor de ouderapp van {organisation_name}",
        text=text,
        html=f'<!DOCTYPE html>\n<html lang="nl">\n<body>\n{html}\n</body>\n</html>\n',
    )


def _paragraph(text: str) -> str:
    return "<p>" + escape(text).replace("\n", "<br>\n") + "</p>"
