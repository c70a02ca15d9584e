"""Creative-work uploads: checked by CONTENT and size, never by name alone.

An image must start with its format's magic bytes AND pass Pillow's verify();
a PDF must start with "%PDF-". Anything else (an .exe renamed .png, a script)
is refused. Files are stored under MEDIA_ROOT with a random name and served
only through the permission-checked download view.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_TOO_BIG = _("“%(name)s” is larger than %(max)s MB.")
ERR_BAD_TYPE = _("“%(name)s” is not an image (PNG, JPEG, GIF, WebP) or a PDF.")
ERR_BROKEN_IMAGE = _("“%(name)s” is not a valid image.")
ERR_EMPTY = _("“%(name)s” is empty.")

MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"%PDF-", "pdf"),
)


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def sniff(head: bytes) -> str | None:
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def validate_upload(f) -> str:
    """Return the file's kind ("png", "jpeg", "gif", "webp", "pdf") or raise ValidationError."""
    name = getattr(f, "name", "") or "?"
    size = getattr(f, "size", None)
    if size is not None and size > max_upload_bytes():
        raise ValidationError(ERR_TOO_BIG, params={"name": name, "max": settings.MAX_UPLOAD_MB})
    if not size:
        raise ValidationError(ERR_EMPTY, params={"name": name})
    f.seek(0)
    head = f.read(16)
    f.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(ERR_BAD_TYPE, params={"name": name})
    if kind != "pdf":
        from PIL import Image

        try:
            with Image.open(f) as image:
                image.verify()
        except Exception:  # Pillow raises many types for broken data
            raise ValidationError(ERR_BROKEN_IMAGE, params={"name": name}) from None
        finally:
            f.seek(0)
    return kind
