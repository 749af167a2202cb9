"""Apollo's automatic persisted queries (APQ): a client sends a document's SHA-256 instead of it.

The protocol (https://www.apollographql.com/docs/apollo-server/performance/apq): a request
carries `extensions.persistedQuery = {version: 1, sha256Hash}`. A hash the server does not know,
sent without the document, is answered with the error `PersistedQueryNotFound` (HTTP 200, as
Apollo Server answers it), upon which apollo-client sends the document with its hash again; the
server checks that the hash is the document's, keeps it, and later runs the hash alone.

The store is a bounded LRU per process, by entries and by the total length of the texts, so
hashes cannot fill memory; a miss costs a client one round trip. Documents are kept only once
they have been prepared without errors (`documents.prepare`), and a document found by its hash
goes through the same bounds as any other.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
BAD_REQUEST = "BAD_REQUEST"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class PersistedQueryError(Exception):
    """The persisted-query part of a request cannot be served; nothing ran.

    `status` is the HTTP status to answer whatever the media type (None: the usual one for
    request errors): a miss answers 200, because apollo-client retries only on a 200 answer.
    """

    def __init__(self, error: GraphQLError, status: int | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.status = status


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def not_found() -> PersistedQueryError:
    return PersistedQueryError(_error("PersistedQueryNotFound", NOT_FOUND), status=200)


def not_allowed() -> PersistedQueryError:
    message = "Only registered operations run on this server; this document is not one of them."
    return PersistedQueryError(_error(message, NOT_ALLOWED))


@dataclass(frozen=True)
class PersistedRequest:
    """What a request says about persisting: the hash it names, if any."""

    sha256: str


def persisted_request(extensions: Mapping[str, Any] | None) -> PersistedRequest | None:
    """The `extensions.persistedQuery` of a request, checked; None when it has none."""
    if extensions is None or extensions.get("persistedQuery") is None:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, dict):
        raise PersistedQueryError(_error("'persistedQuery' must be an object.", BAD_REQUEST))
    if persisted.get("version") != 1:
        raise PersistedQueryError(_error("Unsupported persisted query version", BAD_REQUEST))
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha.lower()):
        message = "'persistedQuery.sha256Hash' must be 64 hexadecimal digits."
        raise PersistedQueryError(_error(message, BAD_REQUEST))
    return PersistedRequest(sha.lower())


def check_hash(request: PersistedRequest, query: str) -> None:
    """Refuse a document sent with a hash that is not its own (Apollo's wording)."""
    if sha256_hex(query) != request.sha256:
        raise PersistedQueryError(_error("provided sha does not match query", HASH_MISMATCH))


class PersistedQueries:
    """A bounded LRU of documents by their SHA-256, by entries and total length of text."""

    def __init__(self, max_entries: int = 2_000, max_text: int = 4_000_000) -> None:
        self.max_entries = max_entries
        self.max_text = max_text
        self._entries: OrderedDict[str, str] = OrderedDict()
        self._text = 0

    def get(self, sha256: str) -> str | None:
        text = self._entries.get(sha256)
        if text is not None:
            self._entries.move_to_end(sha256)
        return text

    def put(self, sha256: str, text: str) -> None:
        if sha256 in self._entries or len(text) > self.max_text:
            return
        self._entries[sha256] = text
        self._text += len(text)
        while len(self._entries) > self.max_entries or self._text > self.max_text:
            _, old = self._entries.popitem(last=False)
            self._text -= len(old)
