"""Arranging care: requests (extra days, flex days, absences), their days, swap hours, invoices.

Hours are stored as whole minutes: exact on every backend (SQLite has no exact decimal), and the
domain rules' quarter hours convert without loss.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime
from gateway.domain import AllocationStatus, RequestStatus


class RequestKind(enum.Enum):
    EXTRA_DAY = "extra_day"
    FLEX_DAY = "flex_day"
    ABSENCE = "absence"


class PaymentMethod(enum.Enum):
    SWAP_HOURS = "swap_hours"
    INVOICE = "invoice"
    FLEX_POT = "flex_pot"


def _enum(kind: type[enum.Enum], length: int = 16) -> Enum:
    return Enum(
        kind, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


class CareRequest(Base):
    """One submission for one child in one group: days asked for, or days reported absent.

    A submission that names several children becomes one request per child, so that each has
    one set of deciding staff and one audience for its status changes. Absences need no
    decision: they are stored approved the moment they are reported.
    """

    __tablename__ = "care_requests"
    __table_args__ = (
        # The same client key twice creates one request (per child and group of the submission).
        UniqueConstraint(
            "created_by_account_id",
            "idempotency_key",
            "child_id",
            "group_id",
            name="uq_care_requests_idempotency",
        ),
        Index("ix_care_requests_status_expires_at", "status", "expires_at"),
        Index("ix_care_requests_child_id_created_at", "child_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind))
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus))
    payment: Mapped[PaymentMethod | None] = mapped_column(_enum(PaymentMethod), default=None)
    comment: Mapped[str] = mapped_column(Text, default="")
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), default=None)
    # `services.idempotency.fingerprint` of the submission's input: a key reused with other
    # input is refused instead of answered with the first result.
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64), default=None)
    created_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    entered_by_staff: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    decision_note: Mapped[str | None] = mapped_column(Text, default=None)


class CareRequestDay(Base):
    """One day of a request, with the times it is about and the minutes they count for."""

    __tablename__ = "care_request_days"
    __table_args__ = (
        Index("ix_care_request_days_child_id_day", "child_id", "day"),
        Index("ix_care_request_days_group_id_day", "group_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("care_requests.id", ondelete="CASCADE"), index=True
    )
    # Copied from the request so the agenda and capacity read one table by child or group.
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"))
    day: Mapped[date]
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
    minutes: Mapped[int]
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("group_slots.id"), default=None)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), default=None)
    # Absences only: the swap-hour minutes the cancelled care earned.
    credited_minutes: Mapped[int] = mapped_column(default=0)


class SwapCredit(Base):
    """A ledger entry: swap hours earned by one absent day, valid through `valid_until`."""

    __tablename__ = "swap_credits"
    __table_args__ = (
        # The last line of defence for "the balance never goes below zero".
        CheckConstraint(
            "remaining_minutes >= 0 AND remaining_minutes <= minutes", name="remaining_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    source_day_id: Mapped[int | None] = mapped_column(
        ForeignKey("care_request_days.id"), default=None
    )
    minutes: Mapped[int]
    earned_on: Mapped[date]
    valid_until: Mapped[date]
    remaining_minutes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SwapAllocation(Base):
    """Minutes of one credit set aside for one request day: held, then spent or released."""

    __tablename__ = "swap_allocations"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_id: Mapped[int] = mapped_column(ForeignKey("swap_credits.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("care_requests.id"), index=True)
    request_day_id: Mapped[int] = mapped_column(ForeignKey("care_request_days.id"))
    minutes: Mapped[int]
    status: Mapped[AllocationStatus] = mapped_column(_enum(AllocationStatus))


class InvoiceLine(Base):
    """Care to be invoiced: written when staff approve a day paid on invoice."""

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("care_requests.id"), index=True)
    request_day_id: Mapped[int] = mapped_column(ForeignKey("care_request_days.id"), unique=True)
    day: Mapped[date]
    minutes: Mapped[int]
    description: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Set by the invoice import once the billing system has invoiced the day; until then the
    # line shows as "to be invoiced".
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), default=None, index=True
    )
