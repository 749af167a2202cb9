"""Arranging care as clients see it: requests, the agenda, slots and swap hours."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry

from gateway import models
from gateway.domain import BalanceSplit, effective_status, hours_between, split_balance
from gateway.ids import to_global_id
from gateway.services.agenda import AgendaEntry
from gateway.services.care_common import to_minutes
from gateway.services.slots import SlotOffer
from loaders.care import CreditView
from resolvers.context import Info
from resolvers.types.children import Child
from resolvers.types.node import Node
from resolvers.types.organisation import Group


def hours(minutes: int) -> float:
    return minutes / 60


@strawberry.enum(description="What a request asks for.")
class RequestKind(Enum):
    EXTRA_DAY = strawberry.enum_value("extra_day", description="Care on an extra day.")
    FLEX_DAY = strawberry.enum_value("flex_day", description="A flex day from the flex pot.")
    ABSENCE = strawberry.enum_value("absence", description="Scheduled care reported absent.")


@strawberry.enum(description="Where a request stands. Only PENDING ever changes.")
class RequestStatus(Enum):
    PENDING = strawberry.enum_value("pending", description="Waiting for staff to decide.")
    APPROVED = strawberry.enum_value(
        "approved", description="Approved by staff; absences are approved when reported."
    )
    REJECTED = strawberry.enum_value("rejected", description="Rejected by staff.")
    EXPIRED = strawberry.enum_value(
        "expired", description="Not decided before its expiry moment; it lapsed."
    )
    CANCELLED = strawberry.enum_value("cancelled", description="Withdrawn while pending.")


@strawberry.enum(description="How requested care is paid.")
class PaymentMethod(Enum):
    SWAP_HOURS = strawberry.enum_value("swap_hours", description="With swap hours.")
    INVOICE = strawberry.enum_value("invoice", description="On the next invoice.")
    FLEX_POT = strawberry.enum_value("flex_pot", description="From the flex contract's pot.")


@strawberry.enum(description="What happens on an agenda day.")
class AgendaDayState(Enum):
    CARE = strawberry.enum_value("care", description="The child comes.")
    ABSENT = strawberry.enum_value("absent", description="Scheduled care reported absent.")
    CLOSED = strawberry.enum_value(
        "closed", description="Scheduled, but the location is closed (holiday, closing day)."
    )
    PENDING = strawberry.enum_value(
        "pending", description="Asked for (extra or flex day); waiting for a staff decision."
    )


@strawberry.enum(description="Why a location is closed on a day, so a calendar can grey it out.")
class DayClosure(Enum):
    NOT_OPEN_ON_WEEKDAY = strawberry.enum_value(
        "weekday",
        description="The location does not open on this day of the week (by default: "
        "Saturdays and Sundays); see `Location.openingHours`.",
    )
    NATIONAL_HOLIDAY = strawberry.enum_value(
        "national_holiday", description="A national holiday on which locations close."
    )
    ORGANISATION_CLOSING_DAY = strawberry.enum_value(
        "organisation_closing_day", description="A closing day of the organisation's own."
    )


@strawberry.type(description="A day on which the child's location is closed.")
class ClosedDay:
    date: dt.date = strawberry.field(description="The day.")
    closure: DayClosure = strawberry.field(description="Why it is closed.")
    name: str = strawberry.field(
        description="The holiday or closing day (e.g. 'Koningsdag'), or the weekday ('zondag')."
    )


@strawberry.enum(description="Where care on a day comes from.")
class CareKind(Enum):
    REGULAR = strawberry.enum_value("regular", description="The placement's weekly schedule.")
    EXTRA = strawberry.enum_value("extra", description="An extra day requested.")
    FLEX = strawberry.enum_value("flex", description="A flex day booked from the pot.")


@strawberry.type(description="One day of a request.")
class CareRequestDay:
    model: strawberry.Private[models.CareRequestDay]
    date: dt.date = strawberry.field(description="The day.")
    start_time: dt.time = strawberry.field(description="Start, in the organisation's zone.")
    end_time: dt.time = strawberry.field(description="End, in the organisation's zone.")

    @strawberry.field(description="Hours of care this day counts for (whole quarters).")
    def hours(self) -> float:
        return hours(self.model.minutes)

    @strawberry.field(description="Absences: swap hours credited for this day (0 if none).")
    def credited_swap_hours(self) -> float:
        return hours(self.model.credited_minutes)

    @strawberry.field(description="Extra days: the name of the slot asked for.")
    async def slot_name(self, info: Info) -> str | None:
        if self.model.slot_id is None:
            return None
        slot = await info.context.loaders.group_slots_by_id.load(self.model.slot_id)
        return slot.name if slot else None


@strawberry.type(description="A request for extra or flex days, or an absence report.")
class CareRequest(Node):
    model: strawberry.Private[models.CareRequest]
    kind: RequestKind = strawberry.field(description="What is asked for.")
    payment: PaymentMethod | None = strawberry.field(
        description="How the care is paid; null for absences."
    )
    comment: str = strawberry.field(
        description="The note for staff; for absences, the reason given."
    )
    expires_at: dt.datetime | None = strawberry.field(
        description="If staff have not decided by then, the request lapses; null: never."
    )
    created_at: dt.datetime = strawberry.field(description="When it was submitted.")
    entered_by_staff: bool = strawberry.field(
        description="Whether staff entered it (such requests are always invoiced)."
    )
    decided_at: dt.datetime | None = strawberry.field(
        description="When it was approved or rejected (absences: when reported)."
    )
    decision_note: str | None = strawberry.field(description="Staff's note with the decision.")

    @classmethod
    def from_model(cls, m: models.CareRequest) -> CareRequest:
        return cls(
            id=strawberry.ID(to_global_id("CareRequest", m.id)),
            model=m,
            kind=RequestKind(m.kind.value),
            payment=PaymentMethod(m.payment.value) if m.payment else None,
            comment=m.comment,
            expires_at=m.expires_at,
            created_at=m.created_at,
            entered_by_staff=m.entered_by_staff,
            decided_at=m.decided_at,
            decision_note=m.decision_note,
        )

    @strawberry.field(description="The status now: pending turns expired at the expiry moment.")
    def status(self, info: Info) -> RequestStatus:
        status = effective_status(self.model.status, self.model.expires_at, info.context.now)
        return RequestStatus(status.value)

    @strawberry.field(description="When the status last changed.")
    def status_changed_at(self, info: Info) -> dt.datetime:
        m = self.model
        if effective_status(m.status, m.expires_at, info.context.now) is not m.status:
            return m.expires_at or m.status_changed_at  # lapsed before the expiry task ran
        return m.status_changed_at

    @strawberry.field(description="The child it is for.")
    async def child(self, info: Info) -> Child | None:
        row = await info.context.loaders.children_by_id.load(self.model.child_id)
        return Child.from_model(row) if row else None

    @strawberry.field(description="The group that takes the child on these days.")
    async def group(self, info: Info) -> Group | None:
        row = await info.context.loaders.groups_by_id.load(self.model.group_id)
        return Group.from_model(row) if row else None

    @strawberry.field(description="The days, earliest first.")
    async def days(self, info: Info) -> list[CareRequestDay]:
        rows = await info.context.loaders.request_days_by_request.load(self.model.id)
        return [
            CareRequestDay(model=d, date=d.day, start_time=d.start_time, end_time=d.end_time)
            for d in rows
        ]

    @strawberry.field(description="Hours of care over all days.")
    async def hours(self, info: Info) -> float:
        rows = await info.context.loaders.request_days_by_request.load(self.model.id)
        return hours(sum(d.minutes for d in rows))

    @strawberry.field(description="Who submitted it.")
    async def created_by(self, info: Info) -> str | None:
        loader = info.context.loaders.display_names_by_account
        return await loader.load(self.model.created_by_account_id)

    @strawberry.field(description="Who approved or rejected it; null while undecided.")
    async def decided_by(self, info: Info) -> str | None:
        if self.model.decided_by_account_id is None:
            return None
        loader = info.context.loaders.display_names_by_account
        return await loader.load(self.model.decided_by_account_id)


@strawberry.type(description="One stretch of care on an agenda day, or why there is none.")
class AgendaDay:
    entry: strawberry.Private[AgendaEntry]
    date: dt.date = strawberry.field(description="The day.")
    state: AgendaDayState = strawberry.field(description="Care, absent, closed or pending.")
    kind: CareKind = strawberry.field(description="Regular schedule, extra day or flex day.")
    start_time: dt.time = strawberry.field(description="Start, in the organisation's zone.")
    end_time: dt.time = strawberry.field(description="End, in the organisation's zone.")
    absence_reason: str | None = strawberry.field(description="ABSENT: the reason given.")
    closed_reason: str | None = strawberry.field(
        description="CLOSED: the holiday or closing day, e.g. 'Koningsdag'."
    )
    closure: DayClosure | None = strawberry.field(
        description="CLOSED: whether a national holiday or the organisation's own closing day."
    )

    @classmethod
    def from_entry(cls, e: AgendaEntry) -> AgendaDay:
        return cls(
            entry=e,
            date=e.day,
            state=AgendaDayState(e.state.value),
            kind=CareKind(e.kind.value),
            start_time=e.start,
            end_time=e.end,
            absence_reason=e.absence_reason,
            closed_reason=e.closed_name,
            closure=DayClosure(e.closure.value) if e.closure is not None else None,
        )

    @strawberry.field(description="Hours of care (CARE, PENDING) or cancelled (ABSENT).")
    def hours(self) -> float:
        return hours(self.entry.minutes)

    @strawberry.field(description="ABSENT: swap hours the absence earned.")
    def credited_swap_hours(self) -> float:
        return hours(self.entry.credited_minutes)

    @strawberry.field(description="The group the child is in on this day.")
    async def group(self, info: Info) -> Group | None:
        row = await info.context.loaders.groups_by_id.load(self.entry.group_id)
        return Group.from_model(row) if row else None

    @strawberry.field(
        description="The extra/flex request behind this day, or the absence report; else null."
    )
    async def request(self, info: Info) -> CareRequest | None:
        if self.entry.request_id is None:
            return None
        row = await info.context.loaders.care_requests_by_id.load(self.entry.request_id)
        return CareRequest.from_model(row) if row else None


@strawberry.type(description="A child's care days in a date range.")
class Agenda:
    child: Child = strawberry.field(description="Whose agenda it is.")
    start: dt.date = strawberry.field(name="from", description="First day of the range.")
    end: dt.date = strawberry.field(name="to", description="Last day of the range.")
    days: list[AgendaDay] = strawberry.field(
        description="Days with care or a reason why not, by date and time; others are left out."
    )
    closed_days: list[ClosedDay] = strawberry.field(
        description="Every day of the range on which the location is closed, with why: "
        "weekdays it does not open, national holidays, the organisation's closing days. "
        "Nothing can be requested on them."
    )


@strawberry.type(description="A time slot a child can ask for on a day, with room left.")
class AvailableSlot:
    offer: strawberry.Private[SlotOffer]
    slot_id: strawberry.ID = strawberry.field(description="Pass as `slotId` in `requestExtraDays`.")
    name: str = strawberry.field(description="Label, e.g. 'Hele dag'.")
    start_time: dt.time = strawberry.field(description="Start, in the organisation's zone.")
    end_time: dt.time = strawberry.field(description="End, in the organisation's zone.")
    free_places: int = strawberry.field(description="Places left in the group that day.")

    @classmethod
    def from_offer(cls, offer: SlotOffer) -> AvailableSlot:
        return cls(
            offer=offer,
            slot_id=strawberry.ID(to_global_id("GroupSlot", offer.slot.id)),
            name=offer.slot.name,
            start_time=offer.slot.start_time,
            end_time=offer.slot.end_time,
            free_places=offer.free_places,
        )

    @strawberry.field(description="Hours the slot counts for (whole quarters).")
    def hours(self) -> float:
        slot = self.offer.slot
        return hours(to_minutes(hours_between(slot.start_time, slot.end_time)))

    @strawberry.field(description="The group the slot belongs to.")
    def group(self) -> Group:
        return Group.from_model(self.offer.group)


@strawberry.type(description="Swap hours credited for one absent day.")
class SwapCredit:
    view: strawberry.Private[CreditView]
    earned_on: dt.date = strawberry.field(description="The absent day that earned the hours.")
    usable_from: dt.date = strawberry.field(
        description="First day the hours can pay for care: the absent day, or earlier where "
        "the organisation allows swapping with a day before the absence."
    )
    valid_until: dt.date = strawberry.field(description="Last day the hours can be used.")

    @classmethod
    def from_view(cls, view: CreditView) -> SwapCredit:
        credit = view.credit
        return cls(
            view=view,
            earned_on=credit.earned_on,
            usable_from=credit.first_usable_day,
            valid_until=credit.valid_until,
        )

    @strawberry.field(description="Hours credited.")
    def hours(self) -> float:
        return hours(self.view.row.minutes)

    @strawberry.field(description="Hours not yet held or spent.")
    def remaining(self) -> float:
        return float(self.view.credit.remaining)


@strawberry.type(
    description="A child's swap hours (ruil- en inhaaluren). Hours are decimals (10.5 is ten "
    "and a half hours). A request past its expiry moment holds nothing from that moment on."
)
class SwapHours:
    child_id: strawberry.Private[int]

    async def _split(self, info: Info) -> BalanceSplit:
        views = await info.context.loaders.swap_credits_by_child.load(self.child_id)
        return split_balance([v.credit for v in views], info.context.today)

    @strawberry.field(
        description="Hours left on credits that have not expired: `usableToday` plus "
        "`notYetValid`. Held hours are not in it."
    )
    async def balance(self, info: Info) -> float:
        views = await info.context.loaders.swap_credits_by_child.load(self.child_id)
        return float(sum(v.credit.remaining for v in views))

    @strawberry.field(description="Hours that can pay for care today.")
    async def usable_today(self, info: Info) -> float:
        return float((await self._split(info)).usable)

    @strawberry.field(
        description="Hours credited for an absence still to come: usable only from its "
        "`usableFrom` day, for care on or after it."
    )
    async def not_yet_valid(self, info: Info) -> float:
        return float((await self._split(info)).not_yet_valid)

    @strawberry.field(description="Hours held for pending requests; spent if approved.")
    async def held(self, info: Info) -> float:
        return hours(await info.context.loaders.held_swap_minutes_by_child.load(self.child_id))

    @strawberry.field(description="Credits with hours left, the first to expire first.")
    async def credits(self, info: Info) -> list[SwapCredit]:
        views = await info.context.loaders.swap_credits_by_child.load(self.child_id)
        return [SwapCredit.from_view(v) for v in views]
