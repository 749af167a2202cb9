"""Media: storage (local folder, S3), photo processing, signed URLs, streamed ZIPs.

Nothing here touches the database: a signed URL is the whole authorisation for one object,
so the media route (`gateway.web.media`, `GET /media/...`) serves it without asking who the
client is. Hand out URLs only after the privacy check, in the resolver that exposes them.

How the parts fit (the `Runtime` has `storage`, `images` and `media`):

```python
processed = await runtime.images.process(upload_bytes)      # raises ImageRejected (DomainError)
async with pending_writes(runtime.storage) as writes:        # removed again unless committed
    for variant, image in processed.variants.items():
        await writes.put(variant_key(base, variant), image.data)
    session.add(photo)
    await session.commit()
    writes.commit()
url = runtime.media.url(base, variant=Variant.DISPLAY)      # "/media/<base>/display.jpg?exp=…"
download = runtime.media.url(base, variant=Variant.DOWNLOAD, filename="Emma 2026-03-10 1.jpg")
entry_zip = runtime.media.zip_url(
    [ZipEntry("entry.txt", text=entry.text), ZipEntry("1.jpg", key=variant_key(base, ...))],
    filename="Emma 2026-03-10.zip",
)                                                           # ZIP streamed from the URL alone
await runtime.storage.put("exports/<id>.zip", zip_stream(members))  # an export, streamed in
link = runtime.media.url("exports/<id>.zip", filename="Dagboek Emma.zip", ttl=timedelta(days=7))
```
Keys are chosen by the application (`validate_key`: safe segments joined by '/').
"""

from gateway.media.imaging import (
    ImageLimits,
    ImageProcessor,
    ImageRejected,
    ImageVariant,
    ProcessedImage,
    RejectCode,
    process_image,
)
from gateway.media.keys import InvalidKey, Variant, content_type_for, validate_key, variant_key
from gateway.media.photos import StoredPhoto, store_photo
from gateway.media.signing import (
    MediaGrant,
    MediaSigner,
    MediaUrlRejected,
    ZipEntry,
    ZipGrant,
    content_disposition,
    safe_filename,
    sign_media_url,
    sign_zip_url,
    verify_media_url,
    verify_zip_url,
)
from gateway.media.sniff import ImageFormat, sniff_image
from gateway.media.storage import ObjectInfo, ObjectNotFound, Storage, storage_from_url
from gateway.media.uploads import PendingWrites, pending_writes
from gateway.media.zipping import (
    ZipMember,
    bytes_member,
    entry_members,
    storage_member,
    zip_stream,
)

__all__ = [
    "ImageFormat",
    "ImageLimits",
    "ImageProcessor",
    "ImageRejected",
    "ImageVariant",
    "InvalidKey",
    "MediaGrant",
    "MediaSigner",
    "MediaUrlRejected",
    "ObjectInfo",
    "ObjectNotFound",
    "PendingWrites",
    "ProcessedImage",
    "RejectCode",
    "Storage",
    "StoredPhoto",
    "Variant",
    "ZipEntry",
    "ZipGrant",
    "ZipMember",
    "bytes_member",
    "content_disposition",
    "content_type_for",
    "entry_members",
    "pending_writes",
    "process_image",
    "safe_filename",
    "sign_media_url",
    "sign_zip_url",
    "sniff_image",
    "storage_from_url",
    "storage_member",
    "store_photo",
    "validate_key",
    "variant_key",
    "verify_media_url",
    "verify_zip_url",
    "zip_stream",
]
