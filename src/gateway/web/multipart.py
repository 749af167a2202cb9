"""File uploads: the GraphQL multipart request spec, behind a CORS-preflight header.

https://github.com/jaydenseric/graphql-multipart-request-spec, as apollo-upload-client and urql
send it: an `operations` field (the usual JSON body), a `map` field (`{"0": ["variables.files.0"]}`)
and one file part per map key. Each file replaces the `null` at its paths in the variables, and
reaches the resolver as a Starlette `UploadFile` (the `Upload` scalar passes it through).

A multipart form is a CORS "simple request": any web page can make a browser send one with the
user's cookies, without asking first. We authenticate with a bearer header, which such a page
cannot set, but like Apollo Server's CSRF prevention we refuse every multipart request that
lacks a header a simple request cannot carry, so the browser always sends a preflight first.
Clients send `GraphQL-Require-Preflight: 1` (`Apollo-Require-Preflight: true` and
`X-Apollo-Operation-Name` are accepted too, so Apollo clients work unchanged).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from gateway.web.negotiation import (
    GraphQLParams,
    RequestRejected,
    check_content_type,
    params_from_body,
)

MULTIPART = "multipart/form-data"
PREFLIGHT_HEADERS = (
    "graphql-require-preflight",
    "apollo-require-preflight",
    "x-apollo-operation-name",
)
MAX_FILES = 20
# Files beyond the per-photo limit are refused one by one by the image processing; this bounds
# what one request may make the server spool to disk.
MAX_UPLOAD_BYTES = 200_000_000


def is_multipart(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == MULTIPART


async def read_post(
    request: Request, read_body: Callable[[Request], Awaitable[bytes]]
) -> GraphQLParams:
    """A POST's parameters: a JSON body, or a multipart upload (files closed by `close_uploads`)."""
    content_type = request.headers.get("content-type")
    if not is_multipart(content_type):
        check_content_type(content_type)
        return params_from_body(await read_body(request))
    if not any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
        raise RequestRejected(
            400,
            "A multipart request needs a 'GraphQL-Require-Preflight: 1' header (CSRF protection).",
        )
    form = await _parse(request)
    request.state.uploads = form
    return _with_files(form)


async def close_uploads(request: Request) -> None:
    """Remove the spooled files of a multipart request, once its response is sent."""
    form: FormData | None = getattr(request.state, "uploads", None)
    if form is not None:
        await form.close()


async def _bounded(request: Request) -> AsyncGenerator[bytes, None]:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise RequestRejected(413, f"An upload has at most {MAX_UPLOAD_BYTES} bytes.")
        yield chunk


async def _parse(request: Request) -> FormData:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        raise RequestRejected(413, f"An upload has at most {MAX_UPLOAD_BYTES} bytes.")
    parser = MultiPartParser(request.headers, _bounded(request), max_files=MAX_FILES, max_fields=2)
    try:
        return await parser.parse()
    except MultiPartException as error:
        raise RequestRejected(400, f"The multipart body is malformed: {error.message}") from None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        raise RequestRejected(400, f"A multipart request needs an '{name}' field first.")
    return value


def _with_files(form: FormData) -> GraphQLParams:
    params = params_from_body(_text(form, "operations").encode())
    try:
        mapping = json.loads(_text(form, "map"))
    except ValueError:
        raise RequestRejected(400, "The 'map' field is not valid JSON.") from None
    if not isinstance(mapping, dict):
        raise RequestRejected(400, "The 'map' field must be a JSON object.")
    variables: dict[str, Any] = dict(params.variables or {})
    for key, paths in mapping.items():
        upload = form.get(key)
        if not isinstance(upload, UploadFile):
            raise RequestRejected(400, f"The map names a file '{key}' that was not sent.")
        if not isinstance(paths, list) or not paths:
            raise RequestRejected(400, f"The map entry '{key}' must be a list of paths.")
        for path in paths:
            _place(variables, path, upload)
    return GraphQLParams(
        params.query, params.operation_name, variables, params.extensions, params.document_id
    )


def _place(variables: dict[str, Any], path: object, upload: UploadFile) -> None:
    """Put the file where `path` ("variables.input.files.0") points; it must hold null there."""
    parts = path.split(".") if isinstance(path, str) else []
    if len(parts) < 2 or parts[0] != "variables":
        raise RequestRejected(400, f"A map path must start with 'variables.': {path!r}.")
    container: Any = variables
    for part in parts[1:-1]:
        container = _step(container, part, path)
    last = parts[-1]
    if isinstance(container, list) and last.isdigit() and int(last) < len(container):
        if container[int(last)] is None:
            container[int(last)] = upload
            return
    elif isinstance(container, dict) and container.get(last, 0) is None:
        container[last] = upload
        return
    raise RequestRejected(400, f"The map path {path!r} does not point at a null variable.")


def _step(container: Any, part: str, path: object) -> Any:
    if isinstance(container, dict) and part in container:
        return container[part]
    if isinstance(container, list) and part.isdigit() and int(part) < len(container):
        return container[int(part)]
    raise RequestRejected(400, f"The map path {path!r} does not exist in the variables.")
