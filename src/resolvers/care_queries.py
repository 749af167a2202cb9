"""Root query fields for arranging care: the agenda, requestable slots, the requests overview."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gateway.domain import RequestStatus as DomainStatus
from gateway.errors import DomainError, PublicError
from gateway.ids import pk_of
from gateway.models import RequestKind as ModelKind
from gateway.services import agenda as agenda_service
from gateway.services import slots
from loaders.care import RequestFilter, requests_page
from resolvers.context import Info
from resolvers.types.care import (
    Agenda,
    AgendaDay,
    AvailableSlot,
    CareRequest,
    ClosedDay,
    DayClosure,
    RequestKind,
    RequestStatus,
)
from resolvers.types.children import Child
from resolvers.types.node import After, Connection, First, page_arguments

ChildId = Annotated[strawberry.ID, strawberry.argument(description="The child's global ID.")]


def _public(error: DomainError) -> PublicError:
    return PublicError(error.code, error.message)


@strawberry.type(description="The agenda, requestable slots and the requests overview.")
class CareQuery:
    @strawberry.field(
        description="A child's care days with times, absences, closed days and pending "
        "requests, from `from` to `to` (at most 366 days); null when the child is not yours. "
        "Ask for one day for that day's details."
    )
    async def agenda(
        self,
        info: Info,
        child_id: ChildId,
        start: Annotated[
            dt.date, strawberry.argument(name="from", description="First day, inclusive.")
        ],
        end: Annotated[dt.date, strawberry.argument(name="to", description="Last day, inclusive.")],
    ) -> Agenda | None:
        viewer = info.context.require_viewer()
        try:
            agenda_service.check_range(start, end)
            pk = pk_of(str(child_id), "Child")
            found = pk is not None and await agenda_service.read_agenda(
                info.context.loaders.reader, viewer, info.context.now, pk, start, end
            )
        except DomainError as error:
            raise _public(error) from None
        if not found:
            return None
        return Agenda(
            child=Child.from_model(found.child),
            start=found.start,
            end=found.end,
            days=[AgendaDay.from_entry(e) for e in found.entries],
            closed_days=[
                ClosedDay(date=c.day, closure=DayClosure(c.closure.value), name=c.name)
                for c in found.closed_days
            ],
        )

    @strawberry.field(
        description="The slots of the child's group with room left on a day, to request as "
        "an extra day, within the location's opening hours; empty when nothing can be asked "
        "for then (past, a holiday or closing day, a weekday the location does not open, the "
        "child already comes); null when the child is not yours."
    )
    async def available_slots(
        self,
        info: Info,
        child_id: ChildId,
        date: Annotated[dt.date, strawberry.argument(description="The day to ask for.")],
    ) -> list[AvailableSlot] | None:
        viewer = info.context.require_viewer()
        pk = pk_of(str(child_id), "Child")
        if pk is None:
            return None
        offers = await slots.available_slots(
            info.context.loaders.reader, viewer, info.context.now, pk, date
        )
        return None if offers is None else [AvailableSlot.from_offer(o) for o in offers]

    @strawberry.field(
        description="The requests overview: extra days, flex days and absences of your "
        "children (staff: of your groups' children), newest first."
    )
    async def requests(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        child_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this child's requests.")
        ] = None,
        status: Annotated[
            RequestStatus | None,
            strawberry.argument(description="Only requests with this status (as it reads now)."),
        ] = None,
        kind: Annotated[
            RequestKind | None, strawberry.argument(description="Only this kind of request.")
        ] = None,
    ) -> Connection[CareRequest]:
        info.context.require_viewer()
        page_request = page_arguments(first, after, (int,))
        narrow = RequestFilter(
            status=DomainStatus[status.name] if status else None,
            kind=ModelKind[kind.name] if kind else None,
        )
        if child_id is not None:
            pk = pk_of(str(child_id), "Child")
            # An ID that is no child ID matches nothing, like a child that is not yours.
            narrow = RequestFilter(pk if pk is not None else -1, narrow.status, narrow.kind)
        reader = info.context.loaders.reader
        page = await requests_page(reader, page_request, info.context.now, narrow)
        return Connection[CareRequest].build(page.map(CareRequest.from_model))
