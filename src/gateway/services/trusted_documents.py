"""Trusted documents: registering operations, and finding them again by id, hash or text.

In trusted-documents mode (`TRUSTED_DOCUMENTS=true`) only registered operations run, so a
stolen token cannot run documents the apps never send. Registration writes to the database,
so every process sees it; rows are only added, so what a process has found it keeps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.domain.manifests import ManifestError, ManifestOperation
from gateway.models import RegisteredOperation
from gateway.persisted import (
    PersistedRequest,
    check_hash,
    not_allowed,
    sha256_hex,
)


async def register_operations(
    session: AsyncSession, operations: Sequence[ManifestOperation], now: datetime
) -> tuple[int, int]:
    """Add the operations not registered yet, all or nothing: (added, already there).

    An id registered before with another body is refused: clients hold that id for the old one.
    """
    ids = [operation.id for operation in operations]
    known = {
        row.id: row.body
        for row in await session.scalars(
            select(RegisteredOperation).where(RegisteredOperation.id.in_(ids))
        )
    }
    added = 0
    for operation in {o.id: o for o in operations}.values():
        if operation.id in known:
            if known[operation.id] != operation.body:
                raise ManifestError(f"The id '{operation.id}' is registered with another body.")
            continue
        session.add(
            RegisteredOperation(
                id=operation.id,
                sha256=sha256_hex(operation.body),
                name=operation.name,
                body=operation.body,
                registered_at=now,
            )
        )
        added += 1
    await session.commit()
    return added, len(operations) - added


class TrustedDocuments:
    """Looks registered operations up, keeping every one found (rows are never changed)."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        self._by_id: dict[str, str] = {}
        self._by_sha256: dict[str, str] = {}

    async def by_id(self, id_: str) -> str | None:
        """The body registered under a manifest id (Relay's `documentId`)."""
        if id_ not in self._by_id and len(id_) <= 128:
            await self._load(RegisteredOperation.id == id_)
        return self._by_id.get(id_)

    async def by_sha256(self, sha256: str) -> str | None:
        """The registered body with this SHA-256 (`extensions.persistedQuery`, or a full text)."""
        if sha256 not in self._by_sha256:
            await self._load(RegisteredOperation.sha256 == sha256)
        return self._by_sha256.get(sha256)

    async def _load(self, where: ColumnElement[bool]) -> None:
        async with self._sessionmaker() as session:
            rows = await session.execute(
                select(RegisteredOperation.id, RegisteredOperation.sha256, RegisteredOperation.body)
                .where(where)
                .limit(1)
            )
            for id_, sha256, body in rows:
                self._by_id[id_] = body
                self._by_sha256[sha256] = body


async def registered_text(
    trusted: TrustedDocuments,
    query: str | None,
    document_id: str | None,
    persisted: PersistedRequest | None,
) -> str:
    """The registered document a request names, by id, by hash or by its full text.

    Anything else is refused with `PERSISTED_QUERY_NOT_ALLOWED`, as is a text sent beside an id
    or hash that registered another one.
    """
    if persisted is not None and query is not None:
        check_hash(persisted, query)
    if document_id is not None:
        text = await trusted.by_id(document_id)
    elif persisted is not None:
        text = await trusted.by_sha256(persisted.sha256)
    elif query is not None:
        text = await trusted.by_sha256(sha256_hex(query))
    else:
        text = None
    if text is None or (query is not None and query != text):
        raise not_allowed()
    return text
