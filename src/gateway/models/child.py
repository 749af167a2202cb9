"""Children, who their guardians are, and their placements with weekly schedules."""

from __future__ import annotations

import enum
from datetime import date, time

from sqlalchemy import Enum, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base


class Child(Base):
    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date]


class Guardianship(Base):
    """A guardian of a child; a child has one or two (enforced by `services.children`)."""

    __tablename__ = "guardianships"

    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class CareType(enum.Enum):
    DAYCARE = "daycare"
    AFTER_SCHOOL = "after_school"
    FLEX = "flex"


class Placement(Base):
    """A contract: this child in this group on this schedule between two dates."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id"), index=True)
    care_type: Mapped[CareType] = mapped_column(
        Enum(CareType, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    flex_pot_minutes: Mapped[int | None] = mapped_column(default=None)


class PlacementDay(Base):
    """One weekday of a placement's weekly schedule (0 = Monday)."""

    __tablename__ = "placement_days"
    __table_args__ = (UniqueConstraint("placement_id", "weekday"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int]
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)
