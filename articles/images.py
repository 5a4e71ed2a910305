"""Photos: upload checks, metadata stripping, and the renditions the public site serves.

The doors, used everywhere:

- ``clean_upload(file)`` refuses what is not a photo the newsroom accepts (``ImageForm`` uses it);
- ``process_image(image)`` re-encodes a saved Image's file without any metadata and stores its
  renditions (``ImageAdmin.save_model`` and ``load_demo`` call it after saving);
- ``rendition(image, width)``, ``rendition_url(image, width)`` and ``srcset(image, format)`` point
  templates at the result (the ``{% picture %}`` tag in ``articles.templatetags.images``).

Stored files are named after their content, per image, so that a replaced photo (say, blurred to
protect a child) never lives on behind a URL a browser or CDN has cached::

    originals/<image id>/<digest>.<jpg|png|webp>
    renditions/<image id>/<digest>-<width>.<jpg|webp>
"""

import hashlib
import io
from contextlib import contextmanager
from functools import partial

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

# What Pillow may even try to parse: every other decoder stays out of reach of uploads.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ORIGINAL_QUALITY = 90
# The public site serves each width in these formats: (Pillow format, name in renditions, quality).
RENDITION_FORMATS = (("WEBP", "webp", 80), ("JPEG", "jpeg", 82))
ENCODER_OPTIONS = {
    "JPEG": {"optimize": True, "progressive": True},
    "PNG": {},
    "WEBP": {"method": 4},
}
SRGB = ImageCms.createProfile("sRGB")

NOT_AN_IMAGE = _(
    "Upload a photo in JPEG, PNG or WebP format. This file is not one of them, or it is damaged."
)
TOO_MANY_PIXELS = _(
    "The image has too many pixels: at most %(limit)s are allowed. "
    "Make it smaller and upload it again."
)


def clean_upload(file):
    """Check an uploaded photo and return it, named with the extension of its real format.

    Raises ``ValidationError`` with a message an editor can act on when the file is larger than
    ``NEWSROOM_IMAGE_MAX_BYTES``; is not a complete JPEG, PNG or WebP picture (judged by its
    content, never its name: GIF, BMP, HTML or text called ``.jpg`` are refused); has more than
    ``NEWSROOM_IMAGE_MAX_PIXELS`` pixels (decompression bombs are refused before decoding); or has
    a side shorter than ``NEWSROOM_IMAGE_MIN_SIDE``. A picture whose extension lies (a PNG called
    ``.jpg``) is accepted and renamed. Whatever else the file carries (EXIF, bytes appended after
    the picture) is dropped later by ``process_image``, which keeps only the pixels.
    """
    if file.size > settings.NEWSROOM_IMAGE_MAX_BYTES:
        raise ValidationError(
            _(
                "The file is %(size)s; the limit is %(limit)s. "
                "Make the photo smaller and upload it again."
            ),
            code="file_too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.NEWSROOM_IMAGE_MAX_BYTES),
            },
        )
    image_format = _decode(file, min_side=settings.NEWSROOM_IMAGE_MIN_SIDE)[1]
    stem = file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "foto"
    file.name = f"{stem}.{EXTENSIONS[image_format]}"
    file.seek(0)
    return file


def process_image(image):
    """Make a saved Image safe to serve: metadata-free original plus renditions. Idempotent.

    Works for any saved Image (admin upload, ``load_demo``, a shell). The stored file is decoded,
    turned upright by its EXIF orientation, converted to sRGB, re-encoded in its own format with
    no EXIF (so no GPS), XMP or ICC data and nothing appended, and stored in place of the upload.
    Then every width of ``NEWSROOM_RENDITION_WIDTHS`` (capped at the original's width: never
    upscaled) is stored as WebP and JPEG. ``file``, ``width``, ``height`` and ``renditions`` are
    saved; the files replaced are deleted once the transaction commits. An image already processed
    is returned untouched; assign a new file to have it processed again. Raises
    ``ValidationError`` if the stored file is not an acceptable picture.
    """
    if image.renditions and image.file.name.startswith(_folder("originals", image)):
        return image
    previous = image.file.name
    with image.file.open("rb") as stored:
        picture, image_format = _decode(stored)
    picture = _for_web(picture)
    original = _encode(picture, image_format, ORIGINAL_QUALITY)
    digest = hashlib.sha256(original).hexdigest()[:12]
    image.file.name = _store(
        f"{_folder('originals', image)}{digest}.{EXTENSIONS[image_format]}", original
    )
    image.width, image.height = picture.size
    image.renditions = _store_renditions(image, picture, digest)
    image.save(update_fields=["file", "width", "height", "renditions"])
    keep = {image.file.name, *(entry["name"] for entry in image.renditions)}
    transaction.on_commit(partial(_delete_stale, image, previous, keep))
    return image


def rendition(image, width, image_format="jpeg"):
    """The file to serve for ``image`` at about ``width`` pixels, as ``{url, width, height}``.

    Picks the ``image_format`` ("jpeg" or "webp") rendition of the largest width not above
    ``width`` (the smallest one if all are larger), or the original file when the image has no
    renditions yet. Open Graph uses ``rendition(image, 1200)``; no query, no file access.
    """
    candidates = _renditions_in(image, image_format)
    if not candidates:
        return {"url": image.file.url, "width": image.width, "height": image.height}
    fitting = [entry for entry in candidates if entry["width"] <= width] or candidates[:1]
    chosen = fitting[-1]
    return {
        "url": default_storage.url(chosen["name"]),
        "width": chosen["width"],
        "height": chosen["height"],
    }


def rendition_url(image, width=1200, image_format="jpeg"):
    """URL of ``rendition(image, width, image_format)``; relative, like every media URL."""
    return rendition(image, width, image_format)["url"]


def srcset(image, image_format):
    """A ``srcset`` value listing ``image``'s ``image_format`` renditions ("" when none)."""
    return ", ".join(
        f"{default_storage.url(entry['name'])} {entry['width']}w"
        for entry in _renditions_in(image, image_format)
    )


def _renditions_in(image, image_format):
    return sorted(
        (entry for entry in image.renditions if entry["format"] == image_format),
        key=lambda entry: entry["width"],
    )


def _folder(kind, image):
    return f"{kind}/{image.pk}/"


def _too_many_pixels():
    return ValidationError(
        TOO_MANY_PIXELS,
        code="too_many_pixels",
        params={"limit": intcomma(settings.NEWSROOM_IMAGE_MAX_PIXELS)},
    )


@contextmanager
def _pillow_errors():
    """Turn what Pillow raises on hostile or broken files into form errors."""
    # Pillow's own bomb guard reads this module global at open time; keep it on our limit.
    PILImage.MAX_IMAGE_PIXELS = settings.NEWSROOM_IMAGE_MAX_PIXELS
    try:
        yield
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as error:
        # The warning arrives as an exception only where warnings are errors (the test suite);
        # elsewhere the explicit size check in _decode refuses the same files.
        raise _too_many_pixels() from error
    except ValidationError:
        raise
    except Exception as error:  # Pillow reports bad input as OSError, SyntaxError, struct.error…
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from error


def _decode(file, min_side=1):
    """Decode the picture in ``file`` within the limits; return it with its format name."""
    with _pillow_errors():
        file.seek(0)
        picture = PILImage.open(file, formats=ACCEPTED_FORMATS)
        width, height = picture.size
        if width * height > settings.NEWSROOM_IMAGE_MAX_PIXELS:
            raise _too_many_pixels()
        if min(width, height) < min_side:
            raise ValidationError(
                _(
                    "The image is too small (%(width)s × %(height)s pixels): "
                    "each side must be at least %(min_side)s pixels."
                ),
                code="too_small",
                params={"width": width, "height": height, "min_side": min_side},
            )
        # Phones save multi-picture JPEGs; Pillow calls them MPO. We keep the main picture.
        image_format = "JPEG" if picture.format == "MPO" else picture.format
        # verify() finds broken data cheaply but leaves the picture unusable: reopen to decode.
        picture.verify()
        file.seek(0)
        picture = PILImage.open(file, formats=ACCEPTED_FORMATS)
        picture.load()
    return picture, image_format


def _for_web(picture):
    """Upright 8-bit sRGB pixels (RGB, or RGBA when transparent) with no metadata attached."""
    picture = ImageOps.exif_transpose(picture)
    if picture.mode in ("I", "I;16", "I;16B", "I;16L"):
        # 16-bit greyscale: scale down, since a plain convert() would clip it to white.
        picture = picture.point(lambda value: value / 256).convert("L")
    mode = "RGBA" if picture.has_transparency_data else "RGB"
    if icc_profile := picture.info.get("icc_profile"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            picture = ImageCms.profileToProfile(picture, source, SRGB, outputMode=mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # A profile that does not fit the pixels: take them as sRGB, like browsers do.
    picture = picture.convert(mode)
    # Encoders copy some of these (ICC, comments, text chunks) into the output unless emptied.
    picture.info = {}
    return picture


def _encode(picture, image_format, quality):
    if image_format == "JPEG" and picture.mode == "RGBA":
        flattened = PILImage.new("RGB", picture.size, "white")
        flattened.paste(picture, mask=picture.getchannel("A"))
        picture = flattened
    buffer = io.BytesIO()
    picture.save(buffer, image_format, quality=quality, **ENCODER_OPTIONS[image_format])
    return buffer.getvalue()


def _store(name, content):
    # Names carry a digest of the content, so an existing file already holds these bytes.
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(content))


def _store_renditions(image, picture, digest):
    entries = []
    for width in sorted(
        {min(width, picture.width) for width in settings.NEWSROOM_RENDITION_WIDTHS}
    ):
        height = max(1, round(picture.height * width / picture.width))
        resized = picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        for image_format, format_name, quality in RENDITION_FORMATS:
            name = f"{_folder('renditions', image)}{digest}-{width}.{EXTENSIONS[image_format]}"
            entries.append(
                {
                    "width": width,
                    "height": height,
                    "format": format_name,
                    "name": _store(name, _encode(resized, image_format, quality)),
                }
            )
    return entries


def _delete_stale(image, previous, keep):
    """Delete the upload just replaced and any earlier version of this image's files."""
    stale = {previous} - keep
    for kind in ("originals", "renditions"):
        folder = _folder(kind, image)
        try:
            _, files = default_storage.listdir(folder)
        except FileNotFoundError:
            continue
        stale.update(f"{folder}{name}" for name in files if f"{folder}{name}" not in keep)
    for name in stale:
        default_storage.delete(name)
