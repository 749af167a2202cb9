"""Inputs and payloads of the care mutations."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from resolvers.errors import UserError
from resolvers.types.care import CareRequest

IDEMPOTENCY = (
    "Client-chosen key (at most 100 characters): sending the same input with the same key "
    "again returns what the first submission created instead of creating it twice; the same "
    "key with other input is refused (IDEMPOTENCY_KEY_REUSED) and changes nothing."
)


@strawberry.input(
    description="Report children absent on dates, or on every care day of a range. Give "
    "`dates` (each must be a care day) or `from` and `to` (closed days and days without care "
    "inside are skipped)."
)
class ReportAbsenceInput:
    child_ids: list[strawberry.ID] = strawberry.field(
        description="The children's global IDs (at most 10)."
    )
    reason: str = strawberry.field(description="Why, e.g. 'Ziek' (at most 500 characters).")
    dates: list[dt.date] | None = strawberry.field(
        default=None, description="Separate days (at most 366)."
    )
    start: dt.date | None = strawberry.field(
        default=None, name="from", description="First day of a range."
    )
    end: dt.date | None = strawberry.field(
        default=None, name="to", description="Last day of a range (at most 366 days on)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="One extra day asked for: which child, which day, which slot.")
class ExtraDayInput:
    child_id: strawberry.ID = strawberry.field(description="The child's global ID.")
    day: dt.date = strawberry.field(name="date", description="The day.")
    slot_id: strawberry.ID = strawberry.field(description="A `slotId` from `availableSlots`.")


@strawberry.enum(description="How extra days are paid; one method per submission.")
class ExtraDayPayment(Enum):
    SWAP_HOURS = strawberry.enum_value(
        "swap_hours",
        description="With swap hours valid on each day (guardians only); held until decided.",
    )
    INVOICE = strawberry.enum_value("invoice", description="On the invoice once approved.")


@strawberry.input(description="Ask for care on one or more extra days.")
class RequestExtraDaysInput:
    days: list[ExtraDayInput] = strawberry.field(description="The days (at most 31).")
    payment: ExtraDayPayment = strawberry.field(
        description="How all of the days are paid. SWAP_HOURS pays whole days only, unless the "
        "organisation allows mixed payment: then swap hours first (the credit that expires "
        "first) and the rest of each day on invoice."
    )
    expires_at: dt.datetime | None = strawberry.field(
        default=None, description="Lapse if staff have not decided by then."
    )
    comment: str | None = strawberry.field(
        default=None, description="A note for staff (at most 1000 characters)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="One flex day asked for, with the times of care.")
class FlexDayInput:
    child_id: strawberry.ID = strawberry.field(description="The child's global ID.")
    day: dt.date = strawberry.field(name="date", description="The day.")
    start_time: dt.time = strawberry.field(description="Start, in the organisation's zone.")
    end_time: dt.time = strawberry.field(description="End, in the organisation's zone.")


@strawberry.input(
    description="Book flex days from the flex pot: before the 1st of the month before, "
    "at least the organisation's minimum hours (2 by default) per day."
)
class RequestFlexDaysInput:
    days: list[FlexDayInput] = strawberry.field(description="The days (at most 31).")
    expires_at: dt.datetime | None = strawberry.field(
        default=None, description="Lapse if staff have not decided by then."
    )
    comment: str | None = strawberry.field(
        default=None, description="A note for staff (at most 1000 characters)."
    )
    idempotency_key: str | None = strawberry.field(default=None, description=IDEMPOTENCY)


@strawberry.input(description="Withdraw a pending request.")
class CancelRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")


@strawberry.enum(description="A staff decision on a request.")
class Decision(Enum):
    APPROVE = strawberry.enum_value("approve", description="Approve: the care is booked.")
    REJECT = strawberry.enum_value("reject", description="Reject: held swap hours go back.")


@strawberry.input(description="Approve or reject a pending request (staff of the child's group).")
class DecideRequestInput:
    request_id: strawberry.ID = strawberry.field(description="The request's global ID.")
    decision: Decision = strawberry.field(description="Approve or reject.")
    note: str | None = strawberry.field(
        default=None, description="A note for the guardians (at most 1000 characters)."
    )


@strawberry.type(description="Result of reporting absence.")
class ReportAbsencePayload:
    requests: list[CareRequest] = strawberry.field(
        description="One absence report per child, with the days and swap hours credited."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Result of asking for extra days.")
class RequestExtraDaysPayload:
    requests: list[CareRequest] = strawberry.field(
        description="One pending request per child, in the order the children first appear."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Result of booking flex days.")
class RequestFlexDaysPayload:
    requests: list[CareRequest] = strawberry.field(
        description="One pending request per child, in the order the children first appear."
    )
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Result of withdrawing a request.")
class CancelRequestPayload:
    request: CareRequest | None = strawberry.field(description="The request, now cancelled.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")


@strawberry.type(description="Result of a staff decision.")
class DecideRequestPayload:
    request: CareRequest | None = strawberry.field(description="The request, now decided.")
    errors: list[UserError] = strawberry.field(description="Why nothing changed, if so.")
