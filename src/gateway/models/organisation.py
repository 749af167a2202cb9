"""Organisations (tenants), their locations, groups and requestable time slots."""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import CheckConstraint, ForeignKey, String, Time, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base


class Organisation(Base):
    """A childcare provider, reached through its own portal domain."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    # Swap-hours and flex policy; defaults are SPEC's. Hours are kept in minutes.
    swap_cutoff_days_before: Mapped[int] = mapped_column(default=1)
    swap_cutoff_time: Mapped[time] = mapped_column(Time, default=time(9, 0))
    swap_validity_months: Mapped[int] = mapped_column(default=12)
    swap_yearly_cap_minutes: Mapped[int | None] = mapped_column(default=None)
    swap_max_balance_minutes: Mapped[int | None] = mapped_column(default=None)
    flex_min_booking_minutes: Mapped[int] = mapped_column(default=120)
    flex_months_ahead: Mapped[int] = mapped_column(default=1)
    # Knobs other providers need; the defaults keep the SPEC's rules (see `domain.policy`).
    # One request paid partly with swap hours, the rest invoiced:
    swap_mixed_payment: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A credit pays for care from this many days before the absent day on:
    swap_usable_days_before: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Guardians request or cancel extra and flex days at least this many days ahead:
    guardian_notice_days: Mapped[int] = mapped_column(default=0, server_default=text("0"))


class ClosingDay(Base):
    """A day an organisation closes on top of the national holidays."""

    __tablename__ = "closing_days"
    __table_args__ = (UniqueConstraint("organisation_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    day: Mapped[date]
    name: Mapped[str] = mapped_column(String(200))


class Location(Base):
    """One daycare site with its contact details."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    street: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")


class LocationOpeningHours(Base):
    """A weekday a location opens, with its hours; a location without rows opens as
    `domain.DEFAULT_OPENING_HOURS` (Monday to Friday, 07:00-19:00). Weekdays without a row
    are closed once a location has any."""

    __tablename__ = "location_opening_hours"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_in_range"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
    )

    location_id: Mapped[int] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    weekday: Mapped[int] = mapped_column(primary_key=True)  # 0 = Monday … 6 = Sunday
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)


class Group(Base):
    """A group of children at a location, with a capacity per day."""

    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]


class GroupSlot(Base):
    """A time slot of a group that guardians can request as an extra day."""

    __tablename__ = "group_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
