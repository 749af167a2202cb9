"""Operations registered for trusted-documents mode (`ouderportaal register-operations`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db import Base, UtcDateTime


class RegisteredOperation(Base):
    """A document a client may run by its id when only registered operations run.

    `id` is the manifest's (Apollo: the SHA-256 of the body; Relay: whatever its compiler
    wrote); `sha256` is always the body's own, so `extensions.persistedQuery` and a full text
    that matches a registered body find it too. Rows are only ever added: a process may keep
    what it has looked up.
    """

    __tablename__ = "registered_operations"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
