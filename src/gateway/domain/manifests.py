"""Reading the operation manifests that Apollo's and Relay's tooling write.

- Apollo (`generate-persisted-query-manifest`):
  `{"format": "apollo-persisted-query-manifest", "version": 1,
    "operations": [{"id", "name", "type", "body"}]}`, each id the SHA-256 of its body.
- Relay (`persistConfig` with a local file): `{"<id>": "<text>", ...}`, the id an MD5, SHA-1
  or SHA-256 of the text by the compiler's `algorithm`; an id of one of those lengths in hex is
  checked against that digest, any other id is taken as given (a custom persister's).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

APOLLO_FORMAT = "apollo-persisted-query-manifest"
_HEX = re.compile(r"[0-9a-f]+")
_DIGESTS = {32: "md5", 40: "sha1", 64: "sha256"}


class ManifestError(ValueError):
    """The manifest cannot be registered; nothing of it was."""


@dataclass(frozen=True)
class ManifestOperation:
    id: str
    name: str | None
    body: str


def _digest(algorithm: str, body: str) -> str:
    return hashlib.new(algorithm, body.encode("utf-8")).hexdigest()


def parse_manifest(data: Any) -> list[ManifestOperation]:
    """The operations of a decoded manifest, their ids checked; `ManifestError` otherwise."""
    if isinstance(data, dict) and data.get("format") == APOLLO_FORMAT:
        return _apollo(data)
    if isinstance(data, dict) and all(isinstance(v, str) for v in data.values()) and data:
        return [_relay(key, body) for key, body in data.items()]
    raise ManifestError(
        f"Not a manifest: expected {{'format': '{APOLLO_FORMAT}', ...}} (Apollo) "
        "or an object mapping ids to document texts (Relay)."
    )


def _apollo(data: dict[str, Any]) -> list[ManifestOperation]:
    if data.get("version") != 1:
        raise ManifestError(f"Only version 1 of {APOLLO_FORMAT} is known.")
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError("An Apollo manifest needs an 'operations' list.")
    found = []
    for index, entry in enumerate(operations):
        if not isinstance(entry, dict):
            raise ManifestError(f"Operation {index} is not an object.")
        id_, name, body = entry.get("id"), entry.get("name"), entry.get("body")
        if not isinstance(id_, str) or not isinstance(body, str):
            raise ManifestError(f"Operation {index} needs a string 'id' and 'body'.")
        if name is not None and (not isinstance(name, str) or len(name) > 200):
            raise ManifestError(f"Operation {index} has a 'name' that is not a short string.")
        if id_.lower() != _digest("sha256", body):
            raise ManifestError(f"Operation {index} ('{id_}'): the id is not the body's SHA-256.")
        found.append(ManifestOperation(id_.lower(), name, body))
    return found


def _relay(id_: str, body: str) -> ManifestOperation:
    if not id_ or len(id_) > 128:
        raise ManifestError(f"The id '{id_[:40]}' must have 1 to 128 characters.")
    algorithm = _DIGESTS.get(len(id_))
    hashed = algorithm is not None and _HEX.fullmatch(id_.lower()) is not None
    if algorithm is not None and hashed and id_.lower() != _digest(algorithm, body):
        raise ManifestError(f"The id '{id_}' is not the {algorithm.upper()} of its text.")
    return ManifestOperation(id_, None, body)
