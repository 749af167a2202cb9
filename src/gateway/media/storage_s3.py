"""Storage in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage…) through aiobotocore.

aiobotocore rather than boto3 in threads: a download streams for as long as the client
reads, and a thread per download in flight would soon be the limit. An object appears in S3
only when its single PUT or its multipart upload completes, so writes are atomic by nature.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

from aiobotocore.session import get_session
from botocore.config import Config
from botocore.exceptions import ClientError

from gateway.media.keys import content_type_for, validate_key
from gateway.media.signing import content_disposition, safe_filename
from gateway.media.storage import CHUNK_SIZE, Content, ObjectInfo, ObjectNotFound, StorageBase

# S3's minimum part size is 5 MiB; content up to one part goes up in a single PUT.
PART_SIZE = 8 * 1024 * 1024
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage(StorageBase):
    """A bucket (optionally a `prefix` inside it) as storage; one client, opened on first use."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self._options: dict[str, Any] = {
            "endpoint_url": endpoint_url,
            "region_name": region,
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
            "config": Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        }
        self._stack: AsyncExitStack | None = None
        self._client: Any = None
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    stack = AsyncExitStack()
                    self._client = await stack.enter_async_context(
                        get_session().create_client("s3", **self._options)
                    )
                    self._stack = stack
        return self._client

    def _name(self, key: str) -> str:
        return f"{self.prefix}{validate_key(key)}"

    async def create_bucket_if_missing(self) -> None:
        """For development and tests; production buckets are made by whoever runs them."""
        s3 = await self._s3()
        try:
            await s3.head_bucket(Bucket=self.bucket)
        except ClientError:
            await s3.create_bucket(Bucket=self.bucket)

    async def put(self, key: str, content: Content) -> ObjectInfo:
        s3 = await self._s3()
        name = self._name(key)
        content_type = content_type_for(key)
        if isinstance(content, bytes):
            await s3.put_object(
                Bucket=self.bucket, Key=name, Body=content, ContentType=content_type
            )
            return await self.stat(key)
        parts = _parts(content)
        first = await anext(parts, b"")
        second = await anext(parts, None)
        if second is None:
            await s3.put_object(Bucket=self.bucket, Key=name, Body=first, ContentType=content_type)
            return await self.stat(key)
        upload = await s3.create_multipart_upload(
            Bucket=self.bucket, Key=name, ContentType=content_type
        )
        upload_id = upload["UploadId"]
        try:
            done = []
            number = 0
            pending: bytes | None = first
            while pending is not None:
                number += 1
                answer = await s3.upload_part(
                    Bucket=self.bucket,
                    Key=name,
                    UploadId=upload_id,
                    PartNumber=number,
                    Body=pending,
                )
                done.append({"PartNumber": number, "ETag": answer["ETag"]})
                pending = second if number == 1 else await anext(parts, None)
            await s3.complete_multipart_upload(
                Bucket=self.bucket, Key=name, UploadId=upload_id, MultipartUpload={"Parts": done}
            )
        except BaseException:
            # Not completed, so nothing is visible; aborting frees the parts already sent.
            with contextlib.suppress(Exception):
                await asyncio.shield(
                    s3.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
                )
            raise
        return await self.stat(key)

    async def stat(self, key: str) -> ObjectInfo:
        s3 = await self._s3()
        try:
            head = await s3.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if _missing(exc):
                raise ObjectNotFound(key) from None
            raise
        return ObjectInfo(
            key=key,
            size=int(head["ContentLength"]),
            etag=str(head["ETag"]).strip('"'),
            content_type=content_type_for(key),
        )

    async def stream(
        self, key: str, *, start: int = 0, stop: int | None = None
    ) -> AsyncIterator[bytes]:
        s3 = await self._s3()
        options: dict[str, Any] = {"Bucket": self.bucket, "Key": self._name(key)}
        if stop is not None and stop <= start:
            await self.stat(key)  # still a missing object is an error
            return
        if start or stop is not None:
            options["Range"] = f"bytes={start}-{'' if stop is None else stop - 1}"
        try:
            answer = await s3.get_object(**options)
        except ClientError as exc:
            if _missing(exc):
                raise ObjectNotFound(key) from None
            raise
        async with answer["Body"] as body:
            while chunk := await body.read(CHUNK_SIZE):
                yield chunk

    async def delete(self, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=self.bucket, Key=self._name(key))

    async def presigned_url(self, key: str, *, ttl: timedelta, filename: str | None = None) -> str:
        """The store's own signed GET URL, so big downloads need not pass through the gateway.

        An alternative to the gateway's `/media` URLs for S3 deployments: the same expiry
        (S3 allows at most 7 days) and, with `filename`, the same download name.
        """
        s3 = await self._s3()
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": self._name(key)}
        if filename is not None:
            params["ResponseContentDisposition"] = content_disposition(safe_filename(filename))
        url: str = await s3.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=int(ttl.total_seconds())
        )
        return url

    async def list_keys(self, prefix: str = "") -> AsyncIterator[str]:
        s3 = await self._s3()
        paginator = s3.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield str(item["Key"])[len(self.prefix) :]

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
            self._client = None


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code")) in _MISSING


async def _parts(content: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """The content regrouped into parts of `PART_SIZE` (the last one shorter)."""
    buffer = bytearray()
    async for chunk in content:
        buffer += chunk
        while len(buffer) >= PART_SIZE:
            yield bytes(buffer[:PART_SIZE])
            del buffer[:PART_SIZE]
    if buffer:
        yield bytes(buffer)
