"""A deterministic demo organisation whose dates are relative to today, so it always looks current.

`seed_demo` is idempotent: it does nothing when the demo domain exists. Every demo login shares
`DEMO_PASSWORD`; `demo_accounts` lists them for people and scripts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.passwords import hash_password
from gateway.demo.location import seed_demo_location
from gateway.demo.messages import seed_demo_messages
from gateway.demo.timeline import seed_demo_timeline
from gateway.domain import SwapPolicy, valid_until
from gateway.media import Storage
from gateway.models import (
    Account,
    CareType,
    Child,
    ClosingDay,
    Consent,
    ConsentChange,
    ConsentKind,
    Group,
    GroupSlot,
    Guardian,
    Guardianship,
    Location,
    Organisation,
    Placement,
    PlacementDay,
    Role,
    StaffGroup,
    StaffMember,
    SwapCredit,
)

DEMO_DOMAIN = "demo.ouderportaal.nl"
OTHER_DOMAIN = "eik.ouderportaal.nl"
DEMO_PASSWORD = "ouderportaal-demo"
CHILDREN = 40

FIRST_NAMES = [
    "Noah",
    "Emma",
    "Liam",
    "Julia",
    "Luuk",
    "Mila",
    "Sem",
    "Tess",
    "Daan",
    "Sophie",
    "Finn",
    "Zoë",
    "Levi",
    "Nora",
    "Milan",
    "Sara",
    "Bram",
    "Evi",
    "Jesse",
    "Lotte",
    "Mees",
    "Anna",
    "Adam",
    "Lieke",
    "Sam",
    "Fenna",
    "Thijs",
    "Noor",
    "Ravi",
    "Yara",
    "Mohamed",
    "Saar",
    "Jens",
    "Roos",
    "Boaz",
    "Isa",
    "Siem",
    "Liv",
    "Ties",
    "Nina",
]
LAST_NAMES = [
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "El Amrani",
    "Yilmaz",
    "Dekker",
    "Brouwer",
    "de Wit",
]
PARENT_NAMES = [
    "Sanne",
    "Mark",
    "Fatima",
    "Peter",
    "Eva",
    "Joost",
    "Iris",
    "Tom",
    "Anouk",
    "Rick",
    "Femke",
    "Bas",
    "Maaike",
    "Hans",
    "Linda",
    "Youssef",
    "Esra",
    "Kees",
    "Marloes",
    "Jeroen",
]


@dataclass(frozen=True, slots=True)
class DemoAccount:
    domain: str
    email: str
    password: str
    role: str
    name: str
    children: list[str]


def _slug(name: str) -> str:
    return name.lower().replace(" ", "").replace("ë", "e").replace("ö", "o")


async def seed_demo(
    session: AsyncSession, today: date, now: datetime, storage: Storage | None = None
) -> bool:
    """Create the demo data; False when it is there already.

    With `storage`, children get their timelines too (diary entries, photos, group posts), and
    the locations their policies, news, newsletters and invoices, as real PDFs written there
    (`demo.location`).
    """
    if await session.scalar(select(Organisation.id).where(Organisation.domain == DEMO_DOMAIN)):
        return False
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)
    password_hash = hash_password(DEMO_PASSWORD)
    org = Organisation(name="Kinderopvang Zonnestraal", domain=DEMO_DOMAIN)
    other = Organisation(name="Kinderopvang De Eik", domain=OTHER_DOMAIN)
    session.add_all([org, other])
    await session.flush()
    session.add(
        ClosingDay(organisation_id=org.id, day=today + timedelta(days=45), name="Studiedag")
    )

    locations = [
        Location(
            organisation_id=org.id,
            name="Zonnestraal Centrum",
            street="Oudegracht 12",
            postcode="3511 AB",
            city="Utrecht",
            phone="030 123 4567",
            email="centrum@zonnestraal.example",
        ),
        Location(
            organisation_id=org.id,
            name="Zonnestraal Oost",
            street="Biltstraat 200",
            postcode="3572 BM",
            city="Utrecht",
            phone="030 765 4321",
            email="oost@zonnestraal.example",
        ),
    ]
    other_location = Location(organisation_id=other.id, name="De Eik", city="Amersfoort")
    session.add_all([*locations, other_location])
    await session.flush()
    groups = [
        Group(organisation_id=org.id, location_id=locations[0].id, name="Dolfijnen", capacity=12),
        Group(organisation_id=org.id, location_id=locations[0].id, name="Zeepaardjes", capacity=14),
        Group(organisation_id=org.id, location_id=locations[1].id, name="Vlinders", capacity=12),
        Group(organisation_id=org.id, location_id=locations[1].id, name="Egeltjes", capacity=16),
    ]
    other_group = Group(
        organisation_id=other.id, location_id=other_location.id, name="Eekhoorns", capacity=10
    )
    session.add_all([*groups, other_group])
    await session.flush()
    for group in [*groups, other_group]:
        session.add_all(
            [
                GroupSlot(
                    group_id=group.id,
                    name="Hele dag",
                    start_time=time(7, 30),
                    end_time=time(18, 30),
                ),
                GroupSlot(
                    group_id=group.id, name="Ochtend", start_time=time(7, 30), end_time=time(13, 0)
                ),
                GroupSlot(
                    group_id=group.id, name="Middag", start_time=time(13, 0), end_time=time(18, 30)
                ),
            ]
        )

    staff_names = [
        ("Lotte", "Bakker"),
        ("Ahmed", "Yilmaz"),
        ("Iris", "Mulder"),
        ("Koen", "Visser"),
        ("Sevda", "Kaya"),
    ]
    staff = [StaffMember(organisation_id=org.id, first_name=f, last_name=n) for f, n in staff_names]
    other_staff = StaffMember(organisation_id=other.id, first_name="Wim", last_name="Eikelboom")
    session.add_all([*staff, other_staff])
    await session.flush()
    memberships = [(0, 0), (1, 0), (1, 1), (2, 1), (3, 2), (4, 3)]
    session.add_all(
        StaffGroup(staff_member_id=staff[s].id, group_id=groups[g].id) for s, g in memberships
    )
    session.add(StaffGroup(staff_member_id=other_staff.id, group_id=other_group.id))
    for member, organisation_id in [*((s, org.id) for s in staff), (other_staff, other.id)]:
        session.add(
            Account(
                organisation_id=organisation_id,
                role=Role.STAFF,
                staff_member_id=member.id,
                email=f"{_slug(member.first_name)}.{_slug(member.last_name)}@zonnestraal.example"
                if organisation_id == org.id
                else "wim@eik.example",
                password_hash=password_hash,
                activated_at=now,
            )
        )

    guardians: list[Guardian] = []
    last_parents: list[Guardian] = []
    first_child_ids: list[int] = []
    for index in range(CHILDREN):
        family = (
            index // 2 if index < 8 else index - 4
        )  # the first eight children are 4 sibling pairs
        last_name = LAST_NAMES[family % len(LAST_NAMES)]
        if index % 2 == 1 and index < 8:
            parents = last_parents
        else:
            count = 1 if index % 5 == 4 else 2
            parents = [
                Guardian(
                    organisation_id=org.id,
                    last_name=last_name,
                    first_name=PARENT_NAMES[(family * 2 + p) % len(PARENT_NAMES)],
                    phone=f"06 {rng.randint(10000000, 99999999)}",
                )
                for p in range(count)
            ]
            session.add_all(parents)
            await session.flush()
            guardians.extend(parents)
            for parent in parents:
                session.add(
                    Account(
                        organisation_id=org.id,
                        role=Role.GUARDIAN,
                        guardian_id=parent.id,
                        email=f"{_slug(parent.first_name)}.{_slug(last_name)}{family}@example.nl",
                        password_hash=None if index == CHILDREN - 1 else password_hash,
                        activated_at=None if index == CHILDREN - 1 else now,
                    )
                )
        age_days = rng.randint(120, 4 * 365)
        child = Child(
            organisation_id=org.id,
            first_name=FIRST_NAMES[index],
            last_name=last_name,
            birth_date=today - timedelta(days=age_days),
        )
        session.add(child)
        await session.flush()
        last_parents = parents
        first_child_ids.append(child.id)
        session.add_all(Guardianship(child_id=child.id, guardian_id=p.id) for p in parents)
        await _place(session, rng, child, groups[index % len(groups)], index, today)
        _consents(session, rng, child, index, now, await _first_account(session, parents[0].id))

    # A parent with care at two organisations has two accounts with the same e-mail address.
    sanne_email = await session.scalar(
        select(Account.email).where(Account.guardian_id == guardians[0].id)
    )
    other_parent = Guardian(
        organisation_id=other.id,
        first_name=guardians[0].first_name,
        last_name=guardians[0].last_name,
    )
    session.add(other_parent)
    await session.flush()
    session.add(
        Account(
            organisation_id=other.id,
            role=Role.GUARDIAN,
            guardian_id=other_parent.id,
            email=sanne_email or "",
            password_hash=password_hash,
            activated_at=now,
        )
    )
    other_child = Child(
        organisation_id=other.id,
        first_name="Olivia",
        last_name=guardians[0].last_name,
        birth_date=today - timedelta(days=900),
    )
    session.add(other_child)
    await session.flush()
    session.add(Guardianship(child_id=other_child.id, guardian_id=other_parent.id))
    await _place(session, rng, other_child, other_group, 0, today)
    await seed_demo_messages(session, org.id, today, now)
    if storage is not None:
        await seed_demo_timeline(session, storage, org.id, today, now)
    # Swap hours for the first family, so `swapHours` and paying with them can be tried.
    for child_id, hours, days_ago in ((first_child_ids[0], 10, 14), (first_child_ids[1], 5, 40)):
        earned = today - timedelta(days=days_ago)
        session.add(
            SwapCredit(
                organisation_id=org.id,
                child_id=child_id,
                minutes=hours * 60,
                earned_on=earned,
                valid_until=valid_until(earned, SwapPolicy()),
                remaining_minutes=hours * 60,
                created_at=now,
            )
        )
    await session.commit()
    if storage is not None:
        await seed_demo_location(session, storage, org.id, org.name, today, now)
    return True


async def _first_account(session: AsyncSession, guardian_id: int) -> int:
    account_id = await session.scalar(select(Account.id).where(Account.guardian_id == guardian_id))
    assert account_id is not None
    return account_id


async def _place(
    session: AsyncSession, rng: random.Random, child: Child, group: Group, index: int, today: date
) -> None:
    care_type, start, end, pot = (
        CareType.DAYCARE,
        today - timedelta(days=rng.randint(60, 700)),
        None,
        None,
    )
    if index == 5:
        care_type, pot = CareType.FLEX, 40 * 60
    elif index == 9:
        end = today - timedelta(weeks=3)  # ended three weeks ago: guardians keep access a while
    elif index == CHILDREN - 1:
        start = today + timedelta(weeks=4)  # starts soon: activation mail due, not activated yet
    placement = Placement(
        organisation_id=child.organisation_id,
        child_id=child.id,
        group_id=group.id,
        care_type=care_type,
        start_date=start,
        end_date=end,
        flex_pot_minutes=pot,
    )
    session.add(placement)
    await session.flush()
    if care_type is CareType.FLEX:
        return
    days = sorted(rng.sample(range(5), k=rng.choice([2, 2, 3, 3, 4])))
    begin = rng.choice([time(7, 30), time(8, 0), time(8, 30)])
    finish = rng.choice([time(17, 0), time(18, 0), time(18, 30)])
    session.add_all(
        PlacementDay(placement_id=placement.id, weekday=d, start_time=begin, end_time=finish)
        for d in days
    )


def _consents(
    session: AsyncSession,
    rng: random.Random,
    child: Child,
    index: int,
    now: datetime,
    account_id: int,
) -> None:
    if index % 7 == 6:
        return  # not answered yet
    for kind in ConsentKind:
        if index % 7 == 3 and kind is ConsentKind.OUTINGS:
            continue
        granted = rng.random() > 0.2
        when = now - timedelta(days=rng.randint(30, 300))
        session.add(
            Consent(
                child_id=child.id,
                kind=kind,
                granted=granted,
                changed_at=when,
                changed_by_account_id=account_id,
            )
        )
        session.add(
            ConsentChange(
                child_id=child.id,
                kind=kind,
                granted=granted,
                changed_at=when,
                changed_by_account_id=account_id,
            )
        )


async def demo_accounts(session: AsyncSession) -> list[DemoAccount]:
    """Every demo login that works, with the names of the children it sees."""
    rows = (
        await session.execute(
            select(
                Account,
                Organisation.domain,
                func.coalesce(Guardian.first_name, StaffMember.first_name),
                func.coalesce(Guardian.last_name, StaffMember.last_name),
            )
            .join(Organisation, Organisation.id == Account.organisation_id)
            .outerjoin(Guardian, Guardian.id == Account.guardian_id)
            .outerjoin(StaffMember, StaffMember.id == Account.staff_member_id)
            .where(
                Organisation.domain.in_([DEMO_DOMAIN, OTHER_DOMAIN]),
                Account.password_hash.is_not(None),
            )
            .order_by(Organisation.id, Account.role, Account.id)
        )
    ).all()
    children: dict[int, list[str]] = {}
    for guardian_id, first_name in await session.execute(
        select(Guardianship.guardian_id, Child.first_name).join(Child).order_by(Child.id)
    ):
        children.setdefault(guardian_id, []).append(first_name)
    return [
        DemoAccount(
            domain=domain,
            email=account.email,
            password=DEMO_PASSWORD,
            role=account.role.value,
            name=f"{first} {last}",
            children=children.get(account.guardian_id or 0, []),
        )
        for account, domain, first, last in rows
    ]
