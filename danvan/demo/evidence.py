"""Sample minh chứng photos (dữ liệu mẫu): pictures drawn with Pillow while seeding, no image files
in the repository, attached to houses handed over and roads opened in 2021, on those days.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, time
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from danvan.evidence.images import process
from danvan.evidence.queries import new_evidence
from danvan.extensions import db
from danvan.orm import Evidence, House, Road, User, WorkStatus

SAMPLE = "dữ liệu mẫu"
# A system font with Vietnamese letters, where there is one (Debian: fonts-dejavu-core).
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
         "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf")
SIZE = (1280, 960)
# (unit login, what, which of its handed-over houses or opened roads, caption)
PHOTOS = [
    ("canglong", "house", 0, "Lễ bàn giao Nhà Nhân ái"),
    ("canglong", "house", 1, "Nhà Nhân ái đã hoàn thành"),
    ("canglong", "road", 0, "Ra mắt tuyến đường thanh niên"),
    ("tptravinh", "house", 0, "Lễ bàn giao Nhà Nhân ái"),
    ("tieucan", "road", 0, "Tuyến đường Xanh – Sạch – Đẹp"),
]


def load() -> None:
    """Add the sample photos once (seed_demo runs this only while loading a fresh demo)."""
    if db.session.scalar(db.select(Evidence.id).limit(1)) is not None:
        return
    for username, what, index, caption in PHOTOS:
        user = db.session.scalar(db.select(User).where(User.username == username))
        model = House if what == "house" else Road
        subject = db.session.scalars(
            db.select(model).where(model.unit_id == user.unit_id, model.status == WorkStatus.DONE)
            .order_by(model.id)).all()[index]
        day = subject.handed_over_on if what == "house" else subject.completed_on
        place = subject.commune
        note = f"{caption} – {subject.beneficiary if what == 'house' else subject.name} ({SAMPLE})"
        picture = _house(caption, place, day) if what == "house" else _road(caption, place, day)
        photo = process(picture)
        # Added on the day it happened, in the morning (10:00 in Vietnam).
        at = datetime.combine(day, time(3))
        evidence = new_evidence(subject, photo, note, created_at=at, created_by_id=user.id)
        db.session.add(evidence)
    db.session.flush()


def _font(size: int):
    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size=size), False


def _plain(text: str) -> str:
    """Vietnamese without its marks, for Pillow's own font (it has no Vietnamese letters)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _caption(image: Image.Image, caption: str, place: str, day: date) -> bytes:
    draw = ImageDraw.Draw(image)
    big, vietnamese = _font(54)
    small, _ = _font(34)
    lines = [caption, f"{place} · {day:%d/%m/%Y} · {SAMPLE}"]
    if not vietnamese:
        lines = [_plain(line) for line in lines]
    draw.rectangle([0, SIZE[1] - 170, SIZE[0], SIZE[1]], fill=(12, 52, 94))
    draw.text((48, SIZE[1] - 150), lines[0], font=big, fill=(255, 255, 255))
    draw.text((48, SIZE[1] - 70), lines[1], font=small, fill=(214, 228, 242))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _sky_and_ground(horizon: int) -> Image.Image:
    image = Image.new("RGB", SIZE, (150, 200, 240))
    draw = ImageDraw.Draw(image)
    for y in range(horizon):
        shade = 170 + 60 * y // horizon
        draw.line([(0, y), (SIZE[0], y)], fill=(120 + y * 80 // horizon, shade, 245))
    draw.rectangle([0, horizon, SIZE[0], SIZE[1]], fill=(96, 160, 72))
    for x in range(60, SIZE[0], 170):
        draw.ellipse([x, horizon - 150, x + 120, horizon - 20], fill=(46, 120, 56))
        draw.rectangle([x + 52, horizon - 30, x + 68, horizon + 10], fill=(110, 78, 48))
    return image


def _house(caption: str, place: str, day: date) -> bytes:
    """A house handed over: walls, a red roof, a door, windows, a banner and two rows of people."""
    image = _sky_and_ground(560)
    draw = ImageDraw.Draw(image)
    draw.rectangle([380, 330, 900, 640], fill=(246, 232, 196), outline=(120, 90, 60), width=4)
    draw.polygon([(340, 340), (640, 150), (940, 340)], fill=(196, 58, 42), outline=(120, 30, 20))
    draw.rectangle([590, 460, 690, 640], fill=(120, 78, 40))
    for x in (430, 750):
        draw.rectangle([x, 420, x + 100, 510], fill=(170, 210, 235), outline=(90, 70, 50), width=4)
    draw.rectangle([470, 250, 810, 310], fill=(200, 20, 30))
    font, vietnamese = _font(36)
    draw.text((500, 258), "NHÀ NHÂN ÁI" if vietnamese else "NHA NHAN AI", font=font, fill=(255, 230, 0))
    for i, x in enumerate(range(250, 1050, 90)):
        colour = (30, 90, 170) if i % 2 else (40, 40, 40)
        draw.ellipse([x, 650, x + 40, 690], fill=(230, 190, 150))
        draw.rectangle([x - 5, 690, x + 45, 780], fill=colour)
    return _caption(image, caption, place, day)


def _road(caption: str, place: str, day: date) -> bytes:
    """A youth road: a lane into the distance, flowers along it, an arch with its name."""
    image = _sky_and_ground(420)
    draw = ImageDraw.Draw(image)
    draw.polygon([(560, 420), (720, 420), (1100, 790), (180, 790)], fill=(150, 150, 150))
    for step in range(8):
        y = 430 + step * 45
        half = 6 + step * 4
        draw.rectangle([640 - half // 2, y, 640 + half // 2, y + 20], fill=(250, 250, 250))
    for step in range(14):
        t = step / 13
        y = int(430 + t * 350)
        for x in (int(560 - t * 380) - 30, int(720 + t * 380) + 10):
            draw.ellipse([x, y, x + 14 + int(t * 24), y + 14 + int(t * 24)],
                         fill=(230, 60, 120) if step % 2 else (250, 200, 40))
    draw.rectangle([300, 180, 330, 440], fill=(30, 100, 200))
    draw.rectangle([950, 180, 980, 440], fill=(30, 100, 200))
    draw.rectangle([300, 160, 980, 250], fill=(30, 100, 200))
    font, vietnamese = _font(34)
    banner = "ĐƯỜNG THANH NIÊN XANH – SẠCH – ĐẸP"
    draw.text((330, 185), banner if vietnamese else _plain(banner), font=font, fill=(255, 255, 255))
    return _caption(image, caption, place, day)
