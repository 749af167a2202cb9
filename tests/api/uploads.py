"""Sending GraphQL multipart requests (the spec apollo-upload-client and urql speak)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.builders import World
from tests.support import RunningServer

UPLOAD = """
mutation($input: UploadPhotosInput!) {
  uploadPhotos(input: $input) {
    photos {
      id width height date
      thumbnail { url width height } display { url width height } download { url width height }
      downloadUrl children { name }
    }
    diaryEntry { id photos { id } }
    groupPost { id body group { name } photos { id } }
    errors { code message field }
  }
}
"""
PREFLIGHT = {"GraphQL-Require-Preflight": "1"}


async def post_upload(
    server: RunningServer,
    token: str,
    files: list[tuple[str, bytes]],
    headers: dict[str, str] | None = None,
    **target: Any,
) -> httpx.Response:
    """One multipart request: `operations`, `map`, then a part per file."""
    operations = {
        "query": UPLOAD,
        "variables": {"input": {"files": [None] * len(files), **target}},
    }
    mapping = {str(n): [f"variables.input.files.{n}"] for n in range(len(files))}
    async with httpx.AsyncClient(timeout=60) as http:
        return await http.post(
            server.graphql_url,
            headers={
                "Authorization": f"Bearer {token}",
                **(PREFLIGHT if headers is None else headers),
            },
            data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
            files=[(str(n), (name, data, "image/jpeg")) for n, (name, data) in enumerate(files)],
        )


async def upload(
    server: RunningServer, world: World, who: str, files: list[tuple[str, bytes]], **target: Any
) -> dict[str, Any]:
    response = await post_upload(server, world.token(who), files, **target)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["uploadPhotos"]
    return payload


def media_files(server: RunningServer) -> list[Path]:
    """Every file in the server's storage (shared by the tests of a run: compare before/after)."""
    root = Path(server.app.state.runtime.settings.storage_url.removeprefix("file://"))
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
