"""The demo's location life: policies, the news editors, a dozen news items with attachments,
newsletters, and invoices with an annual statement per family, all with real PDFs in storage.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.demo.pdfs import simple_pdf
from gateway.domain.rich_text import sanitise_html
from gateway.media import PendingWrites, Storage, pending_writes
from gateway.models import (
    Account,
    Document,
    Guardian,
    Guardianship,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Location,
    NewsAttachment,
    NewsItem,
    Newsletter,
    Policy,
    PolicyKind,
    Role,
    StaffMember,
    StaffRole,
    StaffRoleKind,
)

# (days ago, location index or None for the organisation, title, text, attachment titles)
NEWS = [
    (
        2,
        0,
        "Zomerfeest op vrijdag",
        "<p>Op vrijdag vieren we het <b>zomerfeest</b> met ijsjes "
        "en een springkussen. Ouders zijn welkom vanaf 16:00.</p>",
        ["Programma zomerfeest"],
    ),
    (
        4,
        None,
        "Nieuwe openingstijden in de vakantie",
        "<p>In de zomervakantie zijn alle locaties open van 7:30 tot 18:00.</p>",
        [],
    ),
    (
        6,
        1,
        "Moestuin bij Oost",
        "<p>De kinderen van Oost hebben tomaten en sla geplant. Kom gerust kijken!</p>",
        [],
    ),
    (
        9,
        0,
        "Fotograaf op bezoek",
        "<p>Op dinsdag komt de fotograaf. Wil je niet dat je kind op "
        "de groepsfoto staat? Laat het de groep weten.</p>",
        ["Informatie fotograaf"],
    ),
    (
        12,
        None,
        "Tevredenheidsonderzoek",
        "<p>Vul ons korte onderzoek in en help ons beter te worden. Het kost vijf minuten.</p>",
        [],
    ),
    (
        15,
        1,
        "Uitje naar de kinderboerderij",
        "<p>Met de oudste kinderen gaan we naar de kinderboerderij. Geef een regenjas mee.</p>",
        ["Toestemmingsformulier uitje"],
    ),
    (
        19,
        0,
        "Nieuwe pedagogisch medewerker",
        "<p>Welkom aan Sevda, die vanaf maandag bij de Dolfijnen werkt.</p>",
        [],
    ),
    (
        23,
        None,
        "Studiedag",
        "<p>Op de studiedag zijn alle locaties gesloten. Je krijgt geen ruiluren voor die dag.</p>",
        ["Jaarplanning studiedagen"],
    ),
    (
        28,
        0,
        "Luizencontrole",
        "<p>Na de vakantie doen we weer een luizencontrole. Dank aan de ouders die helpen!</p>",
        [],
    ),
    (
        34,
        1,
        "Verbouwing slaapkamer",
        "<p>De slaapkamer van de Vlinders wordt opgeknapt. De "
        "kinderen slapen een week bij de Egeltjes.</p>",
        ["Planning verbouwing"],
    ),
    (
        41,
        None,
        "Griepprik voor medewerkers",
        "<p>Onze medewerkers kunnen zich laten vaccineren tegen griep.</p>",
        [],
    ),
    (
        50,
        0,
        "Voorleesweek",
        "<p>Tijdens de voorleesweek lezen opa's en oma's voor. Aanmelden kan bij de groep.</p>",
        ["Leesboekenlijst", "Rooster voorlezers"],
    ),
]
SCHEDULED = (3, None, "Sinterklaas komt langs", "<p>Sinterklaas bezoekt alle locaties.</p>")


class _Files:
    """Writes documents to storage and their rows to the session, in one demo transaction."""

    def __init__(self, session: AsyncSession, writes: PendingWrites, org_id: int, now: datetime):
        self.session, self.writes, self.org_id, self.now = session, writes, org_id, now
        self.count = 0

    async def pdf(self, folder: str, title: str, lines: list[str], footer: str = "") -> Document:
        self.count += 1
        data = simple_pdf(title, lines, footer=footer)
        key = f"demo/{self.org_id}/{folder}/{self.count:03d}.pdf"
        await self.writes.put(key, data)
        document = Document(
            organisation_id=self.org_id,
            storage_key=key,
            filename=f"{title}.pdf",
            content_type="application/pdf",
            size_bytes=len(data),
            created_at=self.now,
        )
        self.session.add(document)
        await self.session.flush()
        return document


async def seed_demo_location(
    session: AsyncSession,
    storage: Storage,
    org_id: int,
    organisation: str,
    today: date,
    now: datetime,
) -> None:
    """Add the location content to a freshly seeded demo organisation, and commit."""
    locations = list(
        await session.scalars(
            select(Location).where(Location.organisation_id == org_id).order_by(Location.id)
        )
    )
    staff = list(
        await session.scalars(
            select(StaffMember)
            .where(StaffMember.organisation_id == org_id)
            .order_by(StaffMember.id)
        )
    )
    accounts = {
        a.staff_member_id: a
        for a in await session.scalars(
            select(Account).where(Account.organisation_id == org_id, Account.role == Role.STAFF)
        )
    }
    # Lotte edits news for the whole organisation; Koen for Oost only; the others do not.
    session.add_all(
        [
            StaffRole(organisation_id=org_id, staff_member_id=staff[0].id,
                      role=StaffRoleKind.NEWS_EDITOR, location_id=None),
            StaffRole(organisation_id=org_id, staff_member_id=staff[3].id,
                      role=StaffRoleKind.NEWS_EDITOR, location_id=locations[1].id),
        ]
    )  # fmt: skip
    editor = accounts[staff[0].id].id
    async with pending_writes(storage) as writes:
        files = _Files(session, writes, org_id, now)
        await _policies(files, org_id, organisation, locations, today)
        await _news(files, org_id, locations, editor, now)
        await _newsletters(files, org_id, organisation, locations, now)
        await _invoices(files, org_id, organisation, today, now)
        await session.commit()
        writes.commit()


async def _policies(
    files: _Files, org_id: int, organisation: str, locations: list[Location], today: date
) -> None:
    year = today.year
    entries: list[tuple[int | None, PolicyKind, str, list[str]]] = [
        (None, PolicyKind.PEDAGOGICAL, f"Pedagogisch beleidsplan {year}",
         ["Wij bieden kinderen een veilige, vertrouwde plek om te spelen en te leren.",
          "Ieder kind heeft een vaste mentor, die de ontwikkeling volgt en bespreekt."]),
        (None, PolicyKind.OTHER, "Huisregels en klachtenregeling",
         ["Breng en haal je kind op de afgesproken tijden.",
          "Heb je een klacht? Bespreek het met de groep of de locatiemanager."]),
    ]  # fmt: skip
    for location in locations:
        title = f"Beleid veiligheid en gezondheid {location.name}"
        lines = [
            f"Risico's op {location.name} zijn in kaart gebracht en besproken met het team.",
            "Er is altijd een medewerker met een geldig kinder-EHBO-diploma aanwezig.",
        ]
        entries.append((location.id, PolicyKind.SAFETY_HEALTH, title, lines))
    for location_id, kind, title, lines in entries:
        document = await files.pdf("policies", title, lines, footer=organisation)
        files.session.add(
            Policy(organisation_id=org_id, location_id=location_id, kind=kind, title=title,
                   document_id=document.id, valid_from=date(year, 1, 1))
        )  # fmt: skip


async def _news(
    files: _Files, org_id: int, locations: list[Location], editor: int, now: datetime
) -> None:
    items = [
        (-days, where, title, body, attachments) for days, where, title, body, attachments in NEWS
    ]
    days_ahead, where, title, body = SCHEDULED
    items.append((days_ahead, where, title, body, []))
    for offset, where, title, body, attachments in items:
        at = now + timedelta(days=offset, hours=-1)
        item = NewsItem(
            organisation_id=org_id,
            location_id=locations[where].id if where is not None else None,
            title=title,
            body_html=sanitise_html(body),
            author_account_id=editor,
            created_at=at if offset < 0 else now,
            publish_at=at,
            # Published demo items count as announced: the demo starts without a backlog.
            announced_at=at if offset < 0 else None,
        )
        files.session.add(item)
        await files.session.flush()
        for position, name in enumerate(attachments):
            document = await files.pdf("news", name, [title, f"Bijlage: {name}."])
            files.session.add(
                NewsAttachment(news_item_id=item.id, document_id=document.id, position=position)
            )


async def _newsletters(
    files: _Files, org_id: int, organisation: str, locations: list[Location], now: datetime
) -> None:
    for days, location, title, summary in (
        (5, None, "Nieuwsbrief zomer", "Het zomerfeest, vakantieopvang en nieuwe collega's."),
        (36, locations[0], f"Nieuwsbrief {locations[0].name}", "De verbouwing en de voorleesweek."),
    ):
        document = await files.pdf("newsletters", title, [summary], footer=organisation)
        files.session.add(
            Newsletter(organisation_id=org_id, location_id=location.id if location else None,
                       title=title, summary=summary, document_id=document.id,
                       published_at=now - timedelta(days=days))
        )  # fmt: skip


def _month(today: date, back: int) -> tuple[date, date]:
    year, month = today.year, today.month - back
    while month < 1:
        year, month = year - 1, month + 12
    start = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return start, following - timedelta(days=1)


async def _invoices(
    files: _Files, org_id: int, organisation: str, today: date, now: datetime
) -> None:
    # The payer of each family: the guardian with the lowest id among a child's guardians.
    payers = sorted(
        set(
            await files.session.scalars(
                select(Guardianship.guardian_id)
                .join(Guardian, Guardian.id == Guardianship.guardian_id)
                .where(Guardian.organisation_id == org_id)
                .distinct()
            )
        )
    )
    families: dict[frozenset[int], int] = {}
    rows = (
        await files.session.execute(
            select(Guardianship.child_id, Guardianship.guardian_id)
            .join(Guardian, Guardian.id == Guardianship.guardian_id)
            .where(Guardian.organisation_id == org_id)
        )
    ).all()
    by_child: dict[int, set[int]] = {}
    for child_id, guardian_id in rows:
        by_child.setdefault(child_id, set()).add(guardian_id)
    for guardians in by_child.values():
        families.setdefault(frozenset(guardians), min(guardians))
    for index, payer in enumerate(sorted(set(families.values()) & set(payers))):
        monthly = 95_000 + 1_250 * (index % 9)
        for back in (3, 2, 1):
            start, end = _month(today, back)
            number = f"F{start:%Y%m}-{payer:04d}"
            paid = back > 1
            await _invoice(files, org_id, organisation, payer, number, InvoiceKind.INVOICE,
                           start, end, monthly, paid, end + timedelta(days=14), now)  # fmt: skip
        year = today.year - 1
        await _invoice(files, org_id, organisation, payer, f"J{year}-{payer:04d}",
                       InvoiceKind.ANNUAL_STATEMENT, date(year, 1, 1), date(year, 12, 31),
                       monthly * 12, True, None, now)  # fmt: skip


async def _invoice(
    files: _Files,
    org_id: int,
    organisation: str,
    payer: int,
    number: str,
    kind: InvoiceKind,
    start: date,
    end: date,
    cents: int,
    paid: bool,
    due: date | None,
    now: datetime,
) -> None:
    label = "Jaaropgave" if kind is InvoiceKind.ANNUAL_STATEMENT else "Factuur"
    amount = f"EUR {cents // 100},{cents % 100:02d}"
    document = await files.pdf(
        "invoices",
        f"{label} {number}",
        [f"Periode: {start:%d-%m-%Y} t/m {end:%d-%m-%Y}", f"Totaal: {amount}",
         "Betaald, dank je wel." if paid else f"Graag betalen voor {due:%d-%m-%Y}."],
        footer=organisation,
    )  # fmt: skip
    files.session.add(
        Invoice(organisation_id=org_id, payer_guardian_id=payer, number=number, kind=kind,
                period_start=start, period_end=end, amount_cents=cents,
                status=InvoiceStatus.PAID if paid else InvoiceStatus.OPEN, due_date=due,
                document_id=document.id, published_at=now)
    )  # fmt: skip
