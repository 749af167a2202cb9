"""Storing an accepted photo: every size under one base key, all of them or (on rollback) none."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway.media.imaging import ProcessedImage
from gateway.media.keys import Variant, validate_key, variant_key
from gateway.media.storage import ObjectInfo
from gateway.media.uploads import PendingWrites


@dataclass(frozen=True)
class StoredPhoto:
    """Where a photo's sizes are (`variant_key(base, variant)`) and how big the upright one is."""

    base: str
    width: int
    height: int
    sizes: Mapping[Variant, ObjectInfo]


async def store_photo(writes: PendingWrites, base: str, processed: ProcessedImage) -> StoredPhoto:
    """Put every size of `processed` under `base`; removed with the rest if `writes` rolls back."""
    validate_key(base)
    sizes = {}
    for variant, image in processed.variants.items():
        sizes[variant] = await writes.put(variant_key(base, variant), image.data)
    return StoredPhoto(base=base, width=processed.width, height=processed.height, sizes=sizes)
