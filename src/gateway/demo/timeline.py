"""Demo timelines: weeks of diary entries with facts and photos, group posts, a weekend entry.

Deterministic like the rest of the demo. Staff write only for children with diary consent and
photograph only children with photo consent, as the real rules demand; a guardian of every
child wrote about last weekend. Photos are drawn by `pictures.picture` and stored once per
photo (small enough to serve every size), so seeding stays fast.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.demo.pictures import HEIGHT, WIDTH, picture
from gateway.ids import to_global_id
from gateway.live import events
from gateway.media import Storage, Variant
from gateway.models import (
    Account,
    Child,
    Consent,
    ConsentKind,
    DiaryEntry,
    GroupPost,
    Guardianship,
    Photo,
    PhotoTag,
    Placement,
    PlacementDay,
    StaffGroup,
)

WEEKS = 4
MEALS = ["brood met kaas", "pap", "groente met rijst", "fruithapje", "soepstengels", "yoghurt"]
AMOUNTS = ["little", "half", "most", "all", "all"]
ACTIVITIES = [
    "verven",
    "buiten spelen",
    "voorlezen",
    "zingen",
    "bouwen met blokken",
    "zandbak",
    "puzzelen",
    "dansen",
    "kleien",
]
LEARNT = [
    "Zelf de jas aantrekken",
    "Tot vijf tellen",
    "Een nieuw liedje",
    "Zelf drinken uit een beker",
]
TEXTS = [
    "{name} had een fijne dag en heeft veel gelachen.",
    "Vandaag was {name} een beetje moe, maar na het slapen weer vrolijk.",
    "{name} heeft heerlijk buiten gespeeld en was druk met de zandbak.",
    "Wat een creatieve dag: {name} heeft een mooi schilderij gemaakt.",
    "{name} hielp mee met fruit snijden en at alles op.",
]
POSTS = [
    "Vandaag zijn we met de hele groep naar de kinderboerderij geweest!",
    "Thema deze week: de herfst. We hebben bladeren verzameld.",
    "Muziekochtend: trommels, sambaballen en heel veel zingen.",
    "Wat een mooi weer, we hebben de hele middag buiten gespeeld.",
]
WEEKEND = "Dit weekend zijn we naar opa en oma geweest. {name} heeft in de tuin geholpen."


@dataclass(frozen=True)
class _Child:
    child: Child
    group_id: int
    start: date
    end: date | None
    weekdays: frozenset[int]
    guardian_account: int | None
    staff_account: int | None
    diary: bool
    photos: bool

    def in_care(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


async def _children(session: AsyncSession, organisation_id: int, today: date) -> list[_Child]:
    """The children in care now or lately, with their group, days, writers and consents."""
    rows = (
        await session.execute(
            select(Child, Placement)
            .join(Placement, Placement.child_id == Child.id)
            .where(
                Child.organisation_id == organisation_id,
                Placement.start_date <= today,
                or_(Placement.end_date.is_(None), Placement.end_date >= today - timedelta(weeks=8)),
            )
            .order_by(Child.id)
        )
    ).all()
    granted = {
        (c, k)
        for c, k in (
            await session.execute(select(Consent.child_id, Consent.kind).where(Consent.granted))
        ).all()
    }
    found = []
    seen: set[int] = set()
    for child, placement in rows:
        if child.id in seen:
            continue
        seen.add(child.id)
        days = await session.scalars(
            select(PlacementDay.weekday).where(PlacementDay.placement_id == placement.id)
        )
        guardian = await session.scalar(
            select(Account.id)
            .join(Guardianship, Guardianship.guardian_id == Account.guardian_id)
            .where(Guardianship.child_id == child.id)
            .order_by(Account.id)
            .limit(1)
        )
        staff = await session.scalar(
            select(Account.id)
            .join(StaffGroup, StaffGroup.staff_member_id == Account.staff_member_id)
            .where(StaffGroup.group_id == placement.group_id)
            .order_by(Account.id)
            .limit(1)
        )
        weekdays = frozenset(days.all()) or frozenset({0, 2})  # flex: a couple of days
        found.append(
            _Child(
                child=child,
                group_id=placement.group_id,
                start=placement.start_date,
                end=placement.end_date,
                weekdays=weekdays,
                guardian_account=guardian,
                staff_account=staff,
                diary=(child.id, ConsentKind.DIARY) in granted,
                photos=(child.id, ConsentKind.PHOTOS) in granted,
            )
        )
    return found


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


async def _photo(
    storage: Storage,
    session: AsyncSession,
    organisation_id: int,
    group_id: int,
    day: date,
    uploader: int,
    image: bytes,
    **container: int,
) -> Photo:
    key = f"demo/{organisation_id}/{day:%Y-%m}/{secrets.token_hex(8)}.jpg"
    info = await storage.put(key, image)
    sizes = {"key": key, "width": WIDTH, "height": HEIGHT, "bytes": info.size}
    photo = Photo(
        organisation_id=organisation_id,
        group_id=group_id,
        photo_date=day,
        uploader_account_id=uploader,
        width=WIDTH,
        height=HEIGHT,
        renditions={variant.value: sizes for variant in Variant},
        uploaded_at=_at(day, 15),
        **container,
    )
    session.add(photo)
    await session.flush()
    return photo


async def seed_demo_timeline(
    session: AsyncSession, storage: Storage, organisation_id: int, today: date, now: datetime
) -> None:
    """Add the demo timelines to the caller's transaction (photo files go to `storage`)."""
    rng = random.Random(11)  # noqa: S311 (demo data, not security)
    children = await _children(session, organisation_id, today)
    days = [today - timedelta(days=n) for n in range(WEEKS * 7) if n or now.hour >= 12]
    for kid in children:
        name = kid.child.first_name
        if kid.diary and kid.staff_account is not None:
            for day in days:
                if day.weekday() not in kid.weekdays or not kid.in_care(day):
                    continue
                entry = DiaryEntry(
                    organisation_id=organisation_id,
                    child_id=kid.child.id,
                    group_id=kid.group_id,
                    entry_date=day,
                    author_account_id=kid.staff_account,
                    body=rng.choice(TEXTS).format(name=name),
                    meals=[
                        {"what": rng.choice(MEALS), "at": "12:00", "amount": rng.choice(AMOUNTS)},
                        {"what": "fruit", "at": "15:00", "amount": rng.choice(AMOUNTS)},
                    ],
                    sleeps=[{"start": "13:00", "end": f"14:{rng.randint(10, 50)}"}],
                    activities=rng.sample(ACTIVITIES, 2),
                    played_with=[c.child.first_name for c in rng.sample(children, 2) if c != kid],
                    learnt=rng.choice(LEARNT) if rng.random() < 0.3 else None,
                    created_at=_at(day, 16),
                )
                session.add(entry)
                await session.flush()
                if kid.photos:
                    photo = await _photo(
                        storage,
                        session,
                        organisation_id,
                        kid.group_id,
                        day,
                        kid.staff_account,
                        picture(entry.id, name),
                        diary_entry_id=entry.id,
                    )
                    session.add(PhotoTag(photo_id=photo.id, child_id=kid.child.id))
                if day == max(d for d in days if kid.in_care(d)):
                    event = await events.record(
                        session,
                        "diary.added",
                        events.Audience(
                            organisation_id, child_id=kid.child.id, group_id=kid.group_id
                        ),
                        {
                            "diaryEntryId": to_global_id("DiaryEntry", entry.id),
                            "childId": to_global_id("Child", kid.child.id),
                            "authorAccountId": kid.staff_account,
                        },
                        entry.created_at,
                    )
                    entry.event_id = event.id
        sunday = today - timedelta(days=today.weekday() + 1)
        if kid.guardian_account is not None and kid.in_care(sunday):
            session.add(
                DiaryEntry(
                    organisation_id=organisation_id,
                    child_id=kid.child.id,
                    group_id=kid.group_id,
                    entry_date=sunday,
                    author_account_id=kid.guardian_account,
                    body=WEEKEND.format(name=name),
                    activities=["tuinieren", "wandelen"],
                    created_at=_at(sunday, 19),
                )
            )
    await _group_posts(session, storage, rng, organisation_id, children, days)


async def _group_posts(
    session: AsyncSession,
    storage: Storage,
    rng: random.Random,
    organisation_id: int,
    children: list[_Child],
    days: list[date],
) -> None:
    """Two posts a week to every group, each with a photo of the group's day (no children)."""
    staff_of = {kid.group_id: kid.staff_account for kid in children if kid.staff_account}
    for group_id, staff in sorted(staff_of.items()):
        if staff is None:
            continue
        for day in days:
            if day.weekday() not in (1, 3):
                continue
            post = GroupPost(
                organisation_id=organisation_id,
                group_id=group_id,
                post_date=day,
                author_account_id=staff,
                body=rng.choice(POSTS),
                created_at=_at(day, 17),
            )
            session.add(post)
            await session.flush()
            await _photo(
                storage,
                session,
                organisation_id,
                group_id,
                day,
                staff,
                picture(100_000 + post.id, "Groep"),
                group_post_id=post.id,
            )
