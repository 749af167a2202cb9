"""Per-child consents and the history of every change to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class ConsentKind(enum.Enum):
    PHOTOS = "photos"
    DIARY = "diary"
    OUTINGS = "outings"


_kind = Enum(
    ConsentKind, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]
)


class Consent(Base):
    """The current answer for one kind; no row means the guardians have not answered yet."""

    __tablename__ = "consents"

    child_id: Mapped[int] = mapped_column(
        ForeignKey("children.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[ConsentKind] = mapped_column(_kind, primary_key=True)
    granted: Mapped[bool]
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))


class ConsentChange(Base):
    """An append-only record of who changed which consent to what, and when."""

    __tablename__ = "consent_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(_kind)
    granted: Mapped[bool]
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_by_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
