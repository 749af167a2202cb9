"""Mutations for arranging care: absences, extra and flex days, cancelling, staff decisions."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway import models
from gateway.ids import pk_of
from gateway.services import absences, decisions, extra_days, flex_days
from resolvers.context import Info
from resolvers.mutations.base import attempt, signed_in
from resolvers.mutations.care_inputs import (
    CancelRequestInput,
    CancelRequestPayload,
    DecideRequestInput,
    DecideRequestPayload,
    Decision,
    ReportAbsenceInput,
    ReportAbsencePayload,
    RequestExtraDaysInput,
    RequestExtraDaysPayload,
    RequestFlexDaysInput,
    RequestFlexDaysPayload,
)
from resolvers.types.care import CareRequest


def _requests(rows: list[models.CareRequest] | None) -> list[CareRequest]:
    return [CareRequest.from_model(row) for row in rows or []]


async def report_absence(
    info: Info,
    input: Annotated[ReportAbsenceInput, strawberry.argument(description="Children, days.")],
) -> ReportAbsencePayload:
    ctx = info.context

    async def run() -> list[models.CareRequest]:
        return await absences.report_absence(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            ctx.runtime.mailer,
            child_ids=[pk_of(str(c), "Child") for c in input.child_ids],
            reason=input.reason,
            dates=input.dates,
            start=input.start,
            end=input.end,
            idempotency_key=input.idempotency_key,
        )

    outcome = await attempt(info, run())
    return ReportAbsencePayload(requests=_requests(outcome.value), errors=outcome.errors)


async def request_extra_days(
    info: Info,
    input: Annotated[RequestExtraDaysInput, strawberry.argument(description="Days and payment.")],
) -> RequestExtraDaysPayload:
    ctx = info.context

    async def run() -> list[models.CareRequest]:
        return await extra_days.request_extra_days(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            days=[
                extra_days.ExtraDayWish(
                    child_id=pk_of(str(d.child_id), "Child"),
                    day=d.day,
                    slot_id=pk_of(str(d.slot_id), "GroupSlot"),
                )
                for d in input.days
            ],
            payment=models.PaymentMethod[input.payment.name],
            expires_at=input.expires_at,
            comment=input.comment,
            idempotency_key=input.idempotency_key,
        )

    outcome = await attempt(info, run())
    return RequestExtraDaysPayload(requests=_requests(outcome.value), errors=outcome.errors)


async def request_flex_days(
    info: Info,
    input: Annotated[RequestFlexDaysInput, strawberry.argument(description="Days and times.")],
) -> RequestFlexDaysPayload:
    ctx = info.context

    async def run() -> list[models.CareRequest]:
        return await flex_days.request_flex_days(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            days=[
                flex_days.FlexDayWish(
                    child_id=pk_of(str(d.child_id), "Child"),
                    day=d.day,
                    start=d.start_time,
                    end=d.end_time,
                )
                for d in input.days
            ],
            expires_at=input.expires_at,
            comment=input.comment,
            idempotency_key=input.idempotency_key,
        )

    outcome = await attempt(info, run())
    return RequestFlexDaysPayload(requests=_requests(outcome.value), errors=outcome.errors)


async def cancel_request(
    info: Info,
    input: Annotated[CancelRequestInput, strawberry.argument(description="The request.")],
) -> CancelRequestPayload:
    ctx = info.context

    async def run() -> models.CareRequest:
        return await decisions.cancel_request(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            request_id=pk_of(str(input.request_id), "CareRequest"),
        )

    outcome = await attempt(info, run())
    request = CareRequest.from_model(outcome.value) if outcome.value else None
    return CancelRequestPayload(request=request, errors=outcome.errors)


async def decide_request(
    info: Info,
    input: Annotated[DecideRequestInput, strawberry.argument(description="Request and decision.")],
) -> DecideRequestPayload:
    ctx = info.context

    async def run() -> models.CareRequest:
        return await decisions.decide_request(
            ctx.session,
            signed_in(info),
            ctx.now,
            ctx.runtime.events,
            request_id=pk_of(str(input.request_id), "CareRequest"),
            approve=input.decision is Decision.APPROVE,
            note=input.note,
        )

    outcome = await attempt(info, run())
    request = CareRequest.from_model(outcome.value) if outcome.value else None
    return DecideRequestPayload(request=request, errors=outcome.errors)


@strawberry.type(description="Absences, extra and flex days, and staff decisions on them.")
class CareMutation:
    report_absence = strawberry.mutation(
        resolver=report_absence,
        description="Report children absent; swap hours are credited per the organisation's "
        "terms and a confirmation is mailed.",
    )
    request_extra_days = strawberry.mutation(
        resolver=request_extra_days,
        description="Ask for care on extra days, paid with swap hours or on invoice.",
    )
    request_flex_days = strawberry.mutation(
        resolver=request_flex_days,
        description="Book flex days from the flex pot, for staff to approve.",
    )
    cancel_request = strawberry.mutation(
        resolver=cancel_request,
        description="Withdraw a pending request; held swap hours go back.",
    )
    decide_request = strawberry.mutation(
        resolver=decide_request,
        description="Approve or reject a pending request (staff of the child's group).",
    )
