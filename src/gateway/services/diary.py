"""Writing, correcting and deleting diary entries.

Staff of the child's group write about the child's day, but only with the guardians' diary
consent; a guardian writes too (e.g. about the weekend), which the other guardian and the
group's staff then read. No new entries after the child has left (SPEC: consent ends with the
placement). Each use case is one transaction; the `diary.added` event is published after it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth import access
from gateway.auth.viewer import Viewer
from gateway.errors import DomainError, ErrorCode
from gateway.ids import pk_of, to_global_id
from gateway.live import events
from gateway.media import Storage
from gateway.models import Child, Consent, ConsentKind, DiaryEntry, Photo, Placement, StaffGroup
from gateway.services.diary_text import DayFacts, clean_entry_body, clean_facts
from gateway.services.idempotency import check_same_input, fingerprint, reused
from gateway.services.message_text import clean_key, invalid

# How far back an entry may be dated: a guardian writing on Monday about the weekend, staff
# catching up after a few days off.
MAX_BACKDATE = timedelta(days=14)


def _not_found() -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, "No such child.", ["input", "childId"])


async def _visible_child(session: AsyncSession, viewer: Viewer, today: date, gid: str) -> Child:
    pk = pk_of(gid, "Child")
    child = None
    if pk is not None:
        child = await session.scalar(
            select(Child).where(Child.id == pk, access.child_visible(Child.id, viewer, today))
        )
    if child is None:
        raise _not_found()
    return child


async def _group_on(
    session: AsyncSession, viewer: Viewer, child: Child, day: date, today: date
) -> int:
    """The group the child was placed in on `day`, from a placement that has not ended yet."""
    statement = select(Placement.group_id).where(
        Placement.child_id == child.id,
        Placement.organisation_id == viewer.organisation_id,
        Placement.start_date <= day,
        or_(Placement.end_date.is_(None), Placement.end_date >= today),
    )
    if viewer.is_staff:
        statement = statement.join(
            StaffGroup,
            (StaffGroup.group_id == Placement.group_id)
            & (StaffGroup.staff_member_id == viewer.staff_member_id),
        )
    group_id = await session.scalar(statement.order_by(Placement.start_date.desc()).limit(1))
    if group_id is None:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "No diary on that day: the child was not in care with you then, or has left.",
            ["input", "date"],
        )
    return group_id


async def has_consent(session: AsyncSession, child_id: int, kind: ConsentKind) -> bool:
    """Whether the guardians have granted it; not answered counts as not granted."""
    granted = await session.scalar(
        select(Consent.granted).where(Consent.child_id == child_id, Consent.kind == kind)
    )
    return bool(granted)


def _entry_date(day: date | None, today: date) -> date:
    chosen = day or today
    if chosen > today:
        raise invalid("A diary entry is about a day that has begun.", "date")
    if chosen < today - MAX_BACKDATE:
        raise invalid(f"An entry goes back at most {MAX_BACKDATE.days} days.", "date")
    return chosen


async def write_diary_entry(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    publisher: events.EventPublisher,
    *,
    child_id: str,
    day: date | None,
    body: str,
    facts: DayFacts,
    idempotency_key: str | None,
) -> DiaryEntry:
    """A new entry about the child's day (default: today)."""
    text, columns, key = clean_entry_body(body), clean_facts(facts), clean_key(idempotency_key)
    today = viewer.today(now)
    entry_day = _entry_date(day, today)
    # The date as asked: left out means "today" whenever the retry comes.
    asked = fingerprint(
        "writeDiaryEntry",
        {"childId": pk_of(child_id, "Child"), "date": day, "body": text, **columns},
    )
    if key is not None:
        earlier = await _by_key(session, viewer, key)
        if earlier is not None:
            return _replay(earlier, child_id, text, asked)
    child = await _visible_child(session, viewer, today, child_id)
    group_id = await _group_on(session, viewer, child, entry_day, today)
    if viewer.is_staff and not await has_consent(session, child.id, ConsentKind.DIARY):
        raise DomainError(
            ErrorCode.NO_DIARY_CONSENT,
            "The guardians have not consented to staff writing this child's diary.",
            ["input", "childId"],
        )
    entry = DiaryEntry(
        organisation_id=viewer.organisation_id,
        child_id=child.id,
        group_id=group_id,
        entry_date=entry_day,
        author_account_id=viewer.account_id,
        body=text,
        created_at=now,
        idempotency_key=key,
        idempotency_fingerprint=asked if key is not None else None,
        **columns,
    )
    try:
        session.add(entry)
        await session.flush()
        event = await events.record(
            session,
            "diary.added",
            events.Audience(viewer.organisation_id, child_id=child.id, group_id=group_id),
            {
                "diaryEntryId": to_global_id("DiaryEntry", entry.id),
                "childId": to_global_id("Child", child.id),
                # Lets the live feed leave out your own entries without a query per event.
                "authorAccountId": viewer.account_id,
            },
            now,
        )
        entry.event_id = event.id
        await session.commit()
    except IntegrityError:
        # The same author's same key was committed by a concurrent request in the meantime.
        await session.rollback()
        earlier = await _by_key(session, viewer, key) if key is not None else None
        if earlier is None:
            raise
        return _replay(earlier, child_id, text, asked)
    await publisher.publish([event])
    return entry


async def _by_key(session: AsyncSession, viewer: Viewer, key: str) -> DiaryEntry | None:
    return await session.scalar(
        select(DiaryEntry).where(
            DiaryEntry.author_account_id == viewer.account_id, DiaryEntry.idempotency_key == key
        )
    )


def _replay(earlier: DiaryEntry, child_id: str, body: str, asked: str) -> DiaryEntry:
    """A retried write returns the first entry; the same key for another entry is refused."""
    check_same_input(earlier.idempotency_fingerprint, asked)
    # Entries from before fingerprints were kept: compare what they still tell.
    if earlier.body != body or pk_of(child_id, "Child") != earlier.child_id:
        raise reused()
    return earlier


async def own_entry(session: AsyncSession, viewer: Viewer, now: datetime, gid: str) -> DiaryEntry:
    """An entry the viewer sees and wrote; someone else's is FORBIDDEN, an unseen one NOT_FOUND."""
    pk = pk_of(gid, "DiaryEntry")
    entry = None
    if pk is not None:
        entry = await session.scalar(
            select(DiaryEntry).where(
                DiaryEntry.id == pk, access.diary_entry_visible(viewer, viewer.today(now))
            )
        )
    if entry is None:
        raise DomainError(ErrorCode.NOT_FOUND, "No such diary entry.", ["input", "id"])
    if entry.author_account_id != viewer.account_id:
        raise DomainError(
            ErrorCode.FORBIDDEN, "Only its author can change a diary entry.", ["input", "id"]
        )
    return entry


async def update_diary_entry(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    *,
    entry_id: str,
    body: str | None,
    facts: DayFacts | None,
) -> DiaryEntry:
    """Correct the text and/or replace the facts of one's own entry."""
    if body is None and facts is None:
        raise invalid("Give a new text or new facts.", "body")
    text = clean_entry_body(body) if body is not None else None
    columns = clean_facts(facts) if facts is not None else {}
    entry = await own_entry(session, viewer, now, entry_id)
    if text is not None:
        entry.body = text
    for name, value in columns.items():
        setattr(entry, name, value)
    entry.updated_at = now
    await session.commit()
    return entry


async def delete_diary_entry(
    session: AsyncSession, viewer: Viewer, now: datetime, storage: Storage, *, entry_id: str
) -> None:
    """Delete one's own entry with its photos, then their files.

    The rows go in one transaction and the files only after it committed, so a rollback never
    leaves an entry whose photos are gone; a file left behind by a crash in between is never
    served again (no row hands out its URL).
    """
    entry = await own_entry(session, viewer, now, entry_id)
    renditions = await session.scalars(
        select(Photo.renditions).where(Photo.diary_entry_id == entry.id)
    )
    keys = [str(r["key"]) for sizes in renditions for r in sizes.values()]
    await session.delete(entry)
    await session.commit()
    for key in keys:
        await storage.delete(key)
