"""Loading minh chứng: one photo, the few thumbnails of a page section, a page of photos, and
counts for the rows of a list. What a photo shows is loaded by its own blueprint's getter (routes).

"Unit U's photos on mô hình M" is `unit_photos(U, M)`: the photos of the mô hình itself and of its
houses and roads (their rows carry the mô hình too), one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from danvan.access import Rule, require
from danvan.evidence.images import Photo
from danvan.extensions import db
from danvan.orm import ChecklistItem, Evidence, EvidenceSubject, House, Road

# A page section shows at most this many thumbnails, and no more bytes of them than this
# (BUDGETS.md: a page stays small on a slow link; the rest is one tap away).
STRIP_SIZE = 4
STRIP_BYTES = 30_000
PER_PAGE = 12


# The column that lists a subject's photos; a mô hình lists its own and its houses' and roads'.
COLUMNS = {
    "house": Evidence.house_id,
    "road": Evidence.road_id,
    "initiative": Evidence.initiative_id,
    "item": Evidence.checklist_item_id,
}


def ties(subject) -> dict:
    """The columns that tie a new photo to `subject`, with the unit whose work it shows."""
    if isinstance(subject, (House, Road)):
        column = "house_id" if isinstance(subject, House) else "road_id"
        kind = EvidenceSubject.HOUSE if isinstance(subject, House) else EvidenceSubject.ROAD
        return {"subject": kind, column: subject.id, "initiative_id": subject.initiative_id,
                "unit_id": subject.unit_id}
    if isinstance(subject, ChecklistItem):
        return {"subject": EvidenceSubject.ITEM, "checklist_item_id": subject.id,
                "unit_id": subject.task.unit_id}
    # A photo of the mô hình as a whole belongs to the unit that adds it (its lead or a sharing unit).
    return {"subject": EvidenceSubject.INITIATIVE, "initiative_id": subject.id,
            "unit_id": current_user.unit_id}


def new_evidence(subject, photo: Photo, note: str, **stamps) -> Evidence:
    """A new row for a processed photo of `subject` (stamps: created_by_id, created_at)."""
    return Evidence(
        **ties(subject), note=note, photo=photo.data, thumb=photo.thumb, digest=photo.digest,
        width=photo.width, height=photo.height, photo_bytes=len(photo.data), thumb_width=photo.thumb_width,
        thumb_height=photo.thumb_height, thumb_bytes=len(photo.thumb), source_format=photo.source_format,
        source_bytes=photo.source_bytes, latitude=photo.latitude, longitude=photo.longitude,
        taken_on=photo.taken_on, **stamps)


def get_evidence(evidence_id: int, may: Rule | None = None) -> Evidence:
    """Return a photo that is not removed (every login reads photos); 403 when `may` refuses."""
    evidence = db.first_or_404(db.select(Evidence).where(Evidence.id == evidence_id,
                                                         Evidence.removed_at.is_(None)))
    require(may, evidence)
    return evidence


def image_of(evidence_id: int, column) -> tuple[str, bytes] | None:
    """Return (digest, bytes) of a photo or its thumbnail, or None once it is removed."""
    row = db.session.execute(db.select(Evidence.digest, column).where(
        Evidence.id == evidence_id, Evidence.removed_at.is_(None))).first()
    return (row[0], row[1]) if row else None


def live_photos():
    return db.select(Evidence).where(Evidence.removed_at.is_(None))


@dataclass(frozen=True)
class Strip:
    """A page section's photos: the newest few, how many there are, where to see all, to add one."""

    photos: list[Evidence]
    total: int
    list_url: str
    add_url: str | None = None


def _strip(where: Iterable, list_url: str, add_url: str | None = None) -> Strip:
    rows = db.session.execute(
        db.select(Evidence, func.count().over()).where(Evidence.removed_at.is_(None), *where)
        .order_by(Evidence.id.desc()).limit(STRIP_SIZE)).all()
    photos: list[Evidence] = []
    spent = 0
    for evidence, _total in rows:
        spent += evidence.thumb_bytes
        if photos and spent > STRIP_BYTES:
            break
        photos.append(evidence)
    return Strip(photos, rows[0][1] if rows else 0, list_url, add_url)


def subject_strip(kind: str, subject_id: int, may_add: bool) -> Strip:
    """The photo section of a house, road, mô hình or item page; `may_add`: the page's own rule said so."""
    url = url_for(f"evidence.{kind}_photos", subject_id=subject_id)
    return _strip([COLUMNS[kind] == subject_id], url, f"{url}#them-anh" if may_add else None)


def unit_photos(unit_id: int, initiative_id: int) -> Strip:
    """Unit U's photos on mô hình M (the mô hình's own, its houses' and its roads'), for a page section.

    `.photos` are the newest few (photo_strip in templates/evidence/_photos.html shows them),
    `.total` all of them, `.list_url` their page.
    """
    return _strip([Evidence.unit_id == unit_id, Evidence.initiative_id == initiative_id],
                  url_for("evidence.initiative_photos", subject_id=initiative_id, unit=unit_id))


def photos_page(kind: str, subject_id: int, page: int, unit_id: int | None = None):
    """One page of a subject's photos, newest first (db.paginate: .items, .total, .pages)."""
    query = live_photos().where(COLUMNS[kind] == subject_id)
    if unit_id:
        query = query.where(Evidence.unit_id == unit_id)
    query = query.order_by(Evidence.id.desc()).options(
        selectinload(Evidence.unit), selectinload(Evidence.house), selectinload(Evidence.road),
        selectinload(Evidence.created_by))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def works_photo_counts(initiative_id: int) -> tuple[dict[int, int], dict[int, int]]:
    """({house id: photos}, {road id: photos}) of a mô hình's houses and roads, in one query."""
    houses: dict[int, int] = {}
    roads: dict[int, int] = {}
    for house_id, road_id, n in db.session.execute(
            db.select(Evidence.house_id, Evidence.road_id, func.count())
            .where(Evidence.initiative_id == initiative_id, Evidence.removed_at.is_(None),
                   Evidence.subject.in_([EvidenceSubject.HOUSE, EvidenceSubject.ROAD]))
            .group_by(Evidence.house_id, Evidence.road_id)):
        if house_id is not None:
            houses[house_id] = n
        else:
            roads[road_id] = n
    return houses, roads


class LazyCounts(dict):
    """{id: photos}, read at the first look-up: a fragment that shows no row costs no query, a
    page (or a tick's row) one for all; an id without photos is 0."""

    def __init__(self, load: Callable[[], dict[int, int]]):
        super().__init__()
        self._load: Callable[[], dict[int, int]] | None = load

    def __missing__(self, key: int) -> int:
        if self._load is not None:
            self.fill(self._load())
            if key in self:
                return self[key]
        return 0

    def fill(self, counts: dict[int, int]) -> None:
        """Take counts read along with something else: no query of their own then."""
        self.update(counts)
        self._load = None


def item_photo_count():
    """The photos of the checklist item of the row, as a column of a query of items."""
    return (db.select(func.count()).where(Evidence.checklist_item_id == ChecklistItem.id,
                                          Evidence.removed_at.is_(None))
            .correlate(ChecklistItem).scalar_subquery())


def item_photo_counts(task_ids: list[int]) -> LazyCounts:
    """{checklist item id: photos} of these tasks' items, read when a row first asks."""

    def load() -> dict[int, int]:
        if not task_ids:
            return {}
        return dict(db.session.execute(
            db.select(Evidence.checklist_item_id, func.count())
            .join(ChecklistItem, ChecklistItem.id == Evidence.checklist_item_id)
            .where(ChecklistItem.task_id.in_(task_ids), Evidence.removed_at.is_(None))
            .group_by(Evidence.checklist_item_id)).all())

    return LazyCounts(load)
