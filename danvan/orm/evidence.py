"""Minh chứng: photos with a short note that a unit attaches to its mô hình, houses, roads and items."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from danvan.extensions import db
from danvan.orm.checklist import ChecklistItem
from danvan.orm.org import Unit, User
from danvan.orm.plan import Initiative
from danvan.orm.progress import House, Road
from danvan.orm.util import enum_type, utcnow


class EvidenceSubject(enum.StrEnum):
    """What a photo shows: a mô hình as a whole, one of its houses or roads, or a checklist item."""

    INITIATIVE = "initiative"
    HOUSE = "house"
    ROAD = "road"
    ITEM = "item"


# Exactly one subject, and the mô hình beside a house or road: "unit U's photos on mô hình M" is then
# one indexed query (unit_id, initiative_id), whatever the photo shows. An item has no mô hình of
# its own (its task may serve several), so its photos are found through the item only.
ONE_SUBJECT = (
    "(subject = 'initiative' AND initiative_id IS NOT NULL AND house_id IS NULL AND road_id IS NULL"
    " AND checklist_item_id IS NULL)"
    " OR (subject = 'house' AND initiative_id IS NOT NULL AND house_id IS NOT NULL AND road_id IS NULL"
    " AND checklist_item_id IS NULL)"
    " OR (subject = 'road' AND initiative_id IS NOT NULL AND road_id IS NOT NULL AND house_id IS NULL"
    " AND checklist_item_id IS NULL)"
    " OR (subject = 'item' AND checklist_item_id IS NOT NULL AND initiative_id IS NULL AND house_id IS NULL"
    " AND road_id IS NULL)"
)


class Evidence(db.Model):
    """One photo (re-encoded JPEG and its thumbnail, never the uploaded file) of a unit's work.

    Removing one stamps removed_at; the row stays, with who removed it and when.
    """

    __table_args__ = (
        CheckConstraint(ONE_SUBJECT, name="ck_evidence_one_subject"),
        Index("ix_evidence_unit_id_initiative_id", "unit_id", "initiative_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unit whose work it shows: the house's or road's unit, the item's task's unit, or the
    # unit that added it to the mô hình; it (and admin) may remove it.
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    subject: Mapped[EvidenceSubject] = mapped_column(enum_type(EvidenceSubject))
    initiative_id: Mapped[int | None] = mapped_column(ForeignKey("initiative.id"), index=True)
    house_id: Mapped[int | None] = mapped_column(ForeignKey("house.id"), index=True)
    road_id: Mapped[int | None] = mapped_column(ForeignKey("road.id"), index=True)
    checklist_item_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_item.id"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # The bytes are read only by the two image URLs, never with a list of photos.
    photo: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumb: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # sha256 of the stored photo: the ETag of both images (the bytes of an id never change).
    digest: Mapped[str] = mapped_column(String(64))
    mimetype: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    photo_bytes: Mapped[int]
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    thumb_bytes: Mapped[int]
    # What was uploaded, for the record only: its format as Pillow read it and its size.
    source_format: Mapped[str] = mapped_column(String(8), default="")
    source_bytes: Mapped[int] = mapped_column(default=0)
    # Decimal degrees from the photo's GPS, kept only when the unit ticked "Giữ vị trí chụp ảnh".
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # The day the photo was taken (EXIF DateTimeOriginal), when the camera said so.
    taken_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    unit: Mapped[Unit] = relationship()
    initiative: Mapped[Initiative | None] = relationship()
    house: Mapped[House | None] = relationship()
    road: Mapped[Road | None] = relationship()
    checklist_item: Mapped[ChecklistItem | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])
