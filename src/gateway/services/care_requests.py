"""What every care submission does alike: check the common input, replay a retried submission,
store one request per child and group with its days, and announce the new statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.auth.viewer import Viewer
from gateway.domain import RequestStatus
from gateway.errors import DomainError, ErrorCode
from gateway.live import EventPublisher
from gateway.models import CareRequest, CareRequestDay, Event, PaymentMethod, RequestKind
from gateway.services.care_common import (
    MAX_COMMENT_LENGTH,
    MAX_IDEMPOTENCY_KEY_LENGTH,
    check_text,
    invalid,
    record_status,
)
from gateway.services.idempotency import check_same_input, reused

# One submission is a few days picked in the app, not a season: longer lists are a client bug.
MAX_DAYS_PER_SUBMISSION = 31


@dataclass(frozen=True)
class Submission:
    comment: str
    expires_at: datetime | None
    idempotency_key: str | None
    # `idempotency.fingerprint` of the whole normalised input, stored with the key.
    fingerprint: str | None = None


def check_submission(
    now: datetime,
    day_count: int,
    *,
    comment: str | None,
    expires_at: datetime | None,
    idempotency_key: str | None,
    days_field: str = "days",
) -> Submission:
    if day_count == 0:
        raise invalid("Give at least one day.", ["input", days_field])
    if day_count > MAX_DAYS_PER_SUBMISSION:
        raise DomainError(
            ErrorCode.RANGE_TOO_LARGE,
            f"At most {MAX_DAYS_PER_SUBMISSION} days per submission.",
            ["input", days_field],
        )
    if expires_at is not None:
        if expires_at.utcoffset() is None:
            raise invalid("Give the expiry moment with its offset.", ["input", "expiresAt"])
        if expires_at <= now:
            raise invalid("The expiry moment must lie in the future.", ["input", "expiresAt"])
    key = check_text(idempotency_key, MAX_IDEMPOTENCY_KEY_LENGTH, ["input", "idempotencyKey"])
    return Submission(
        comment=check_text(comment, MAX_COMMENT_LENGTH, ["input", "comment"]),
        expires_at=expires_at,
        idempotency_key=key or None,
    )


def refuse_repeats(keys: Sequence[tuple[int | None, date]]) -> None:
    """One entry per child and day in a submission."""
    seen: set[tuple[int | None, date]] = set()
    for index, key in enumerate(keys):
        if key in seen:
            raise invalid("Each child can be named once per day.", ["input", "days", str(index)])
        seen.add(key)


async def replayed(
    session: AsyncSession, viewer: Viewer, submission: Submission, kind: RequestKind
) -> list[CareRequest] | None:
    """The requests an earlier submission with the same key created, if any.

    Call under `lock_children`: a retry racing its original then waits and finds it here.
    """
    if submission.idempotency_key is None:
        return None
    rows = list(
        await session.scalars(
            select(CareRequest)
            .where(
                CareRequest.created_by_account_id == viewer.account_id,
                CareRequest.idempotency_key == submission.idempotency_key,
            )
            .order_by(CareRequest.id)
        )
    )
    if not rows:
        return None
    if any(row.kind is not kind for row in rows):
        raise reused()
    if submission.fingerprint is not None:
        for row in rows:
            check_same_input(row.idempotency_fingerprint, submission.fingerprint)
    return rows


@dataclass
class PlannedDay:
    """A checked day of a submission, not stored yet."""

    index: int  # position in the input, for error paths
    child_id: int
    group_id: int
    day: date
    start: time
    end: time
    minutes: int
    slot_id: int | None = None
    placement_id: int | None = None
    credited_minutes: int = 0  # absences: swap hours earned ...
    credit_valid_until: date | None = None  # ... and their last valid day
    row: CareRequestDay | None = field(default=None, repr=False)


@dataclass
class NewRequest:
    request: CareRequest
    days: list[PlannedDay]


async def store_requests(
    session: AsyncSession,
    viewer: Viewer,
    now: datetime,
    submission: Submission,
    *,
    kind: RequestKind,
    status: RequestStatus,
    payment: PaymentMethod | None,
    days: Sequence[PlannedDay],
) -> list[NewRequest]:
    """One request per (child, group), in input order, each day linked to its stored row."""
    grouped: dict[tuple[int, int], list[PlannedDay]] = {}
    for planned in days:
        grouped.setdefault((planned.child_id, planned.group_id), []).append(planned)
    created = []
    for (child_id, group_id), members in grouped.items():
        request = CareRequest(
            organisation_id=viewer.organisation_id,
            child_id=child_id,
            group_id=group_id,
            kind=kind,
            status=status,
            payment=payment,
            comment=submission.comment,
            expires_at=submission.expires_at,
            idempotency_key=submission.idempotency_key,
            idempotency_fingerprint=submission.fingerprint if submission.idempotency_key else None,
            created_by_account_id=viewer.account_id,
            entered_by_staff=viewer.is_staff,
            created_at=now,
            status_changed_at=now,
            decided_at=now if status is not RequestStatus.PENDING else None,
        )
        session.add(request)
        created.append(NewRequest(request, sorted(members, key=lambda d: (d.day, d.start))))
    try:
        await session.flush()
    except IntegrityError:
        # Only the idempotency key is unique here, and `lock_children` makes retries of one
        # submission wait for each other: should two still meet, answer, do not crash.
        raise DomainError(
            ErrorCode.CONFLICT,
            "This idempotency key was used for another submission.",
            ["input", "idempotencyKey"],
        ) from None
    for new in created:
        for planned in new.days:
            planned.row = CareRequestDay(
                request_id=new.request.id,
                child_id=planned.child_id,
                group_id=planned.group_id,
                day=planned.day,
                start_time=planned.start,
                end_time=planned.end,
                minutes=planned.minutes,
                slot_id=planned.slot_id,
                placement_id=planned.placement_id,
                credited_minutes=planned.credited_minutes,
            )
            session.add(planned.row)
    await session.flush()
    return created


async def announce(
    session: AsyncSession,
    publisher: EventPublisher,
    created: Sequence[NewRequest],
    now: datetime,
    also: Sequence[Event] = (),
) -> None:
    """Record each new request's status, commit, then publish: events exist iff the rows do.

    `also`: events recorded earlier in the transaction (requests it expired on the way).
    """
    recorded: list[Event] = [*also] + [
        await record_status(session, new.request, None, now) for new in created
    ]
    await session.commit()
    await publisher.publish(recorded)
