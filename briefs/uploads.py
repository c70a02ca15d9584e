"""Creative-work uploads: checked by CONTENT and size, never by name alone.

An image must start with its format's magic bytes AND pass Pillow's verify();
a PDF must start with "%PDF-". Anything else (an .exe renamed .png, a script)
is refused. Files are stored under MEDIA_ROOT with a random name and served
only through the permission-checked download view, under a name whose
extension is the DETECTED type's (`stored_name`): a PNG called poly2.html is
offered as poly2.png. An image larger than MAX_IMAGE_PIXELS is refused.
"""

import re
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_TOO_BIG = _("“%(name)s” is larger than %(max)s MB.")
ERR_BAD_TYPE = _("“%(name)s” is not an image (PNG, JPEG, GIF, WebP) or a PDF.")
ERR_BROKEN_IMAGE = _("“%(name)s” is not a valid image.")
ERR_EMPTY = _("“%(name)s” is empty.")
ERR_TOO_MANY_PIXELS = _("“%(name)s” is larger than %(max)s megapixels.")

# Decompression bombs: a small file that unpacks into a huge bitmap.
MAX_IMAGE_PIXELS = 50_000_000

# The extension a stored/served file gets, by detected kind.
EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp", "pdf": "pdf"}

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


def sniff_any(head: bytes) -> str:
    """The kind of any upload (supporting materials): an image/PDF kind, a few
    media/archive formats, else "bin" (served as an opaque download)."""
    kind = sniff(head)
    if kind:
        return kind
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    return "bin"


def stored_name(name: str, kind: str) -> str:
    """`name` with its extension replaced by the detected kind's one; only
    letters, digits, CJK, '-', '_' and spaces kept in the stem."""
    stem = PurePath(str(name or "").replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^\w\- ]+", "", stem).strip()[:100] or "file"
    return f"{stem}.{EXTENSIONS.get(kind, kind)}"


def check_image(f, name: str) -> None:
    """A real image (Pillow's verify) of at most MAX_IMAGE_PIXELS pixels."""
    from PIL import Image

    too_many = ValidationError(
        ERR_TOO_MANY_PIXELS, params={"name": name, "max": MAX_IMAGE_PIXELS // 1_000_000}
    )
    f.seek(0)
    try:
        with Image.open(f) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise too_many
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise too_many from None
    except Exception:  # Pillow raises many types for broken data
        raise ValidationError(ERR_BROKEN_IMAGE, params={"name": name}) from None
    finally:
        f.seek(0)


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
        check_image(f, name)
    return kind
