"""Uploaded photos made safe and small: opened by Pillow (never by name or browser type), turned
upright, re-encoded as a plain JPEG with no EXIF at all, and a thumbnail sized for a slow link.

GPS in a photo of a beneficiary's home is personal data: it is read only when the unit asks to
keep the place, and even then stored as two numbers beside the photo, never inside it.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# 50 megapixels: every phone camera but the 108/200 MP modes, which phones save binned anyway.
MAX_PIXELS = 50_000_000
# Pillow's own guard refuses twice this before decoding; ours refuses anything above it (below).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
FORMATS = ("JPEG", "PNG", "WEBP")
LONG_SIDE = 1280
PHOTO_QUALITY = 80
THUMB_SIDE = 320
# Four thumbnails of a page section should stay within 30 KB: aim at 7.500 bytes, and never
# send more than 15.000, whatever the picture.
THUMB_AIM_BYTES = 7_500
THUMB_MAX_BYTES = 15_000
# HEIF brands (iPhone photos): Pillow cannot read them without a plugin we do not ship.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}

NO_FILE = "Vui lòng chọn một ảnh."
EMPTY = "Tệp rỗng. Vui lòng chọn một ảnh JPEG, PNG hoặc WebP."
NOT_AN_IMAGE = "Tệp không phải ảnh JPEG, PNG hoặc WebP. Vui lòng chọn một ảnh."
TOO_LARGE = "Ảnh quá lớn: tối đa 8 MB. Vui lòng chọn ảnh nhỏ hơn."
TOO_MANY_PIXELS = "Ảnh có quá nhiều điểm ảnh (tối đa 50 megapixel). Vui lòng chọn ảnh nhỏ hơn."
BROKEN = "Ảnh bị hỏng hoặc chưa tải lên hết. Vui lòng chọn lại ảnh."
HEIC = ("Ảnh HEIC chưa được hỗ trợ. Vui lòng chọn ảnh JPEG (trên iPhone: Cài đặt › Camera › "
        "Định dạng › Tương thích nhất).")

_SRGB = ImageCms.createProfile("sRGB")


class Refused(ValueError):
    """The upload is not a photo we keep; the message, in Vietnamese, goes beside the file field."""


@dataclass(frozen=True)
class Photo:
    """A photo as stored: the re-encoded JPEG, its thumbnail, and what was read from the upload."""

    data: bytes
    width: int
    height: int
    thumb: bytes
    thumb_width: int
    thumb_height: int
    digest: str
    source_format: str
    source_bytes: int
    taken_on: date | None
    latitude: float | None
    longitude: float | None


def process(upload: bytes, keep_place: bool = False) -> Photo:
    """Return the stored form of an uploaded photo; raise Refused with the reason otherwise."""
    if not upload:
        raise Refused(EMPTY)
    if len(upload) > MAX_UPLOAD_BYTES:
        raise Refused(TOO_LARGE)
    if upload[4:8] == b"ftyp" and upload[8:12] in HEIF_BRANDS:
        raise Refused(HEIC)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(upload), formats=FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise Refused(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Refused(NOT_AN_IMAGE) from None
    source_format = image.format or ""
    # Checked on the header's size, before a single pixel is decoded.
    if image.width * image.height > MAX_PIXELS:
        raise Refused(TOO_MANY_PIXELS)
    try:
        if source_format in ("JPEG", "MPO"):  # MPO: a camera's JPEG with a second picture in it
            # libjpeg decodes at 1/2, 1/4 or 1/8 scale: a 12 MP photo never fills 36 MB of memory.
            image.draft("RGB", (LONG_SIDE, LONG_SIDE))
        image.load()
        exif = image.getexif()
        taken_on = _taken_on(exif)
        latitude, longitude = _place(exif) if keep_place else (None, None)
        upright = ImageOps.exif_transpose(image)
        rgb = _as_srgb(upright)
    except (OSError, SyntaxError, ValueError, TypeError, ZeroDivisionError, ImageCms.PyCMSError):
        raise Refused(BROKEN) from None
    rgb.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    data = _jpeg(rgb, PHOTO_QUALITY)
    thumb, thumb_size = _thumbnail(rgb)
    return Photo(
        data=data, width=rgb.width, height=rgb.height, thumb=thumb, thumb_width=thumb_size[0],
        thumb_height=thumb_size[1], digest=hashlib.sha256(data).hexdigest(), source_format=source_format,
        source_bytes=len(upload), taken_on=taken_on, latitude=latitude, longitude=longitude,
    )


def _as_srgb(image: Image.Image) -> Image.Image:
    """A new RGB image in sRGB, transparency on white, carrying none of the upload's metadata."""
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image).convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale PNG: Pillow has no direct way to RGB.
        image = image.point(lambda v: v / 256).convert("L")
    if icc:
        try:
            # A phone's wide-gamut photo (Display P3) looks washed out once its profile is gone;
            # a CMYK one (a scan) needs its profile to become RGB at all.
            image = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(BytesIO(icc)), _SRGB,
                                              outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    image = image.convert("RGB")
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _jpeg(image: Image.Image, quality: int) -> bytes:
    """A baseline-compatible progressive JPEG with no EXIF, ICC, XMP or comment."""
    out = BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    """A thumbnail near THUMB_AIM_BYTES, lowering quality first and size last, never over the cap."""
    side = THUMB_SIDE
    while True:
        small = image.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        for quality, cap in ((70, THUMB_AIM_BYTES), (60, THUMB_AIM_BYTES), (50, THUMB_AIM_BYTES),
                             (40, THUMB_MAX_BYTES), (30, THUMB_MAX_BYTES)):
            data = _jpeg(small, quality)
            if len(data) <= cap:
                return data, small.size
        if side <= 80:
            return data, small.size  # 80 px at quality 30 is a few hundred bytes, whatever it shows
        side = side * 3 // 4


def _taken_on(exif: Image.Exif) -> date | None:
    """The day of EXIF DateTimeOriginal ("2021:08:15 09:30:00"), or None when absent or absurd."""
    value = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal)
    if not isinstance(value, str):
        return None
    try:
        day = datetime.strptime(value.strip()[:10], "%Y:%m:%d").date()
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _place(exif: Image.Exif) -> tuple[float | None, float | None]:
    """(latitude, longitude) in decimal degrees from the GPS tags, or (None, None)."""
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), 90)
    longitude = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), 180)
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def _degrees(value, ref, limit: int) -> float | None:
    """Degrees, minutes, seconds (and a hemisphere letter) as signed decimal degrees, to 6 places."""
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    degrees = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if str(ref).strip().upper() in ("S", "W"):
        degrees = -degrees
    if not math.isfinite(degrees) or abs(degrees) > limit:
        return None
    return round(degrees, 6)
