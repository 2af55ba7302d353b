"""Minh chứng pages: a subject's photos (with the upload form for who may add), the images, removal.

An upload is read, checked and re-encoded before the write transaction begins (SQLite has one
write lock: Pillow's work must not hold it); inside, only the row and its trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, abort, request, url_for
from flask_login import current_user

from danvan.access import Access, Rule, access, can_add_evidence, can_remove_evidence
from danvan.checklist import queries as checklist_queries
from danvan.database import write_transaction
from danvan.evidence import bp, images
from danvan.evidence.forms import ACCEPT, NOTE_MAX, EvidenceForm
from danvan.evidence.queries import get_evidence, image_of, new_evidence, photos_page
from danvan.extensions import db
from danvan.models import queries as models_queries
from danvan.orm import Evidence, House, Initiative, Road, record_change, utcnow
from danvan.text import small_id
from danvan.web import accepts_body, after_write, body_too_large, form_error, render_page

PAGE = "evidence/photos.html"
# The photo, and room for the note, the checkbox, the token and the multipart boundaries.
BODY_LIMIT = images.MAX_UPLOAD_BYTES + 64 * 1024
# The bytes of an id never change (a new upload is a new id): a browser keeps them for a year.
IMAGE_CACHE = "private, max-age=31536000, immutable"
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Kind:
    """One kind of thing a photo shows: its getter (its blueprint's, with the rule), its page, its title."""

    load: Callable[[int, Rule | None], Any]
    page_url: Callable[[Any], str]
    title: Callable[[Any], str]


# The getters are looked up when called: the checklist and mô hình pages show photos, so their
# queries import this blueprint's, and whichever loads first finds the other half-loaded.
KINDS = {
    "house": Kind(lambda i, may: models_queries.get_works(House, i, may),
                  lambda h: url_for("models.house_edit", house_id=h.id, _anchor="minh-chung"),
                  lambda h: f"Nhà Nhân ái: {h.beneficiary}"),
    "road": Kind(lambda i, may: models_queries.get_works(Road, i, may),
                 lambda r: url_for("models.road_edit", road_id=r.id, _anchor="minh-chung"),
                 lambda r: f"Tuyến đường: {r.name}"),
    "initiative": Kind(lambda i, may: models_queries.get_initiative(i, may),
                       lambda i: url_for("models.initiative", initiative_id=i.id, _anchor="minh-chung"),
                       lambda i: i.title),
    # Only reading the item: the task's lock is for ticks and edits of the list.
    "item": Kind(lambda i, may: checklist_queries.get_item(i, may, lock=False),
                 lambda item: url_for("checklist.unit", unit_id=item.task.unit_id,
                                      year=item.task.assignment.plan.year, _anchor=f"item-{item.id}"),
                 lambda item: f"Việc cần làm: {item.text}"),
}


def may_add(user, subject) -> bool:
    """danvan.access.can_add_evidence, with the shares that a mô hình's rule needs."""
    shared = models_queries.shared_target_ids(user.unit_id) if isinstance(subject, Initiative) else ()
    return can_add_evidence(user, subject, shared)


def _page(kind: str, subject, form=None, refused: bool = False, status: int = 200):
    """The subject's photos, newest first, a page at a time, and the upload form for who may add."""
    unit_id = (small_id(request.args.get("unit")) or None) if kind == "initiative" else None
    # Any page number is a page (an empty one past the end), never an overflow of OFFSET.
    page = photos_page(kind, subject.id, min(small_id(request.args.get("page")) or 1, MAX_PAGE), unit_id)
    context = {
        "kind": kind, "subject": subject, "title": KINDS[kind].title(subject),
        "back_url": KINDS[kind].page_url(subject), "page": page, "unit_id": unit_id,
        "list_endpoint": f"evidence.{kind}_photos", "form": form or EvidenceForm(formdata=None),
        "add_url": (url_for(f"evidence.{kind}_add", subject_id=subject.id)
                    if may_add(current_user, subject) else None),
        "accept": ACCEPT, "note_max": NOTE_MAX, "can_remove": lambda e: can_remove_evidence(current_user, e),
    }
    if refused:
        return form_error(PAGE, "form", status=status, **context)
    return render_page(PAGE, "photos", **context)


def _photos(kind: str, subject_id: int):
    return _page(kind, KINDS[kind].load(subject_id, None))


def _add(kind: str, subject_id: int):
    """Store one photo of a subject the user's unit may add to; its form again with the reason if not."""
    subject = KINDS[kind].load(subject_id, may_add)
    if body_too_large():
        # Nothing of the body was read: say why beside the file field, and store nothing.
        form = EvidenceForm(formdata=None)
        form.photo.errors = [images.TOO_LARGE]
        return _page(kind, subject, form, refused=True, status=413)
    form = EvidenceForm()
    photo = None
    if form.validate():
        try:
            photo = images.process(form.photo.data.read(images.MAX_UPLOAD_BYTES + 1), form.keep_place.data)
        except images.Refused as refusal:
            form.photo.errors.append(str(refusal))
    if photo is None:
        return _page(kind, subject, form, refused=True)
    evidence = new_evidence(subject, photo, form.note.data, created_by_id=current_user.id)
    with write_transaction():
        db.session.add(evidence)
        db.session.flush()
        record_change(current_user, "add", "evidence", evidence.id, subject=kind, subject_id=subject.id,
                      unit_id=evidence.unit_id, note=evidence.note, bytes=len(photo.data),
                      place_kept=photo.latitude is not None)
    return after_write(KINDS[kind].page_url(subject), "Đã thêm ảnh minh chứng.")


@bp.get("/houses/<id:subject_id>/evidence")
@access(Access.MEMBER)
def house_photos(subject_id: int):
    """Return a charity house's photos (every login reads them), with the upload form for its unit."""
    return _photos("house", subject_id)


@bp.post("/houses/<id:subject_id>/evidence")
@access(Access.WRITER, reads_first=True)
@accepts_body(BODY_LIMIT)
def house_add(subject_id: int):
    """Add a photo of a charity house: its unit (and admin) only."""
    return _add("house", subject_id)


@bp.get("/roads/<id:subject_id>/evidence")
@access(Access.MEMBER)
def road_photos(subject_id: int):
    """Return a youth road's photos, with the upload form for its unit."""
    return _photos("road", subject_id)


@bp.post("/roads/<id:subject_id>/evidence")
@access(Access.WRITER, reads_first=True)
@accepts_body(BODY_LIMIT)
def road_add(subject_id: int):
    """Add a photo of a youth road: its unit (and admin) only."""
    return _add("road", subject_id)


@bp.get("/initiatives/<id:subject_id>/evidence")
@access(Access.MEMBER)
def initiative_photos(subject_id: int):
    """Return a mô hình's photos (its own, its houses', its roads'), of one unit with ?unit=."""
    return _photos("initiative", subject_id)


@bp.post("/initiatives/<id:subject_id>/evidence")
@access(Access.WRITER, reads_first=True)
@accepts_body(BODY_LIMIT)
def initiative_add(subject_id: int):
    """Add a photo of a mô hình: its lead unit or a unit with a share of one of its targets."""
    return _add("initiative", subject_id)


@bp.get("/items/<id:subject_id>/evidence")
@access(Access.MEMBER)
def item_photos(subject_id: int):
    """Return a checklist item's photos, with the upload form for its task's unit."""
    return _photos("item", subject_id)


@bp.post("/items/<id:subject_id>/evidence")
@access(Access.WRITER, reads_first=True)
@accepts_body(BODY_LIMIT)
def item_add(subject_id: int):
    """Add a photo of a checklist item: its task's unit (and admin) only."""
    return _add("item", subject_id)


def _image(evidence_id: int, column, part: str) -> Response:
    found = image_of(evidence_id, column)
    if found is None:
        abort(404)
    digest, data = found
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = IMAGE_CACHE
    response.headers["Content-Disposition"] = f'inline; filename="minh-chung-{evidence_id}-{part}.jpg"'
    response.set_etag(f"{digest[:32]}-{part}")
    return response.make_conditional(request)


@bp.get("/evidence/<id:evidence_id>/photo.jpg")
@access(Access.MEMBER)
def photo(evidence_id: int):
    """Return a photo (≤ 1.280 px, no EXIF); every login reads photos, a removed one is 404."""
    return _image(evidence_id, Evidence.photo, "anh")


@bp.get("/evidence/<id:evidence_id>/thumb.jpg")
@access(Access.MEMBER)
def thumb(evidence_id: int):
    """Return a photo's thumbnail (≤ 15.000 bytes); a removed one is 404."""
    return _image(evidence_id, Evidence.thumb, "nho")


@bp.post("/evidence/<id:evidence_id>/remove")
@access(Access.WRITER)
def remove(evidence_id: int):
    """Hide a photo; the row stays, with who removed it and when. The owning unit or admin only."""
    evidence = get_evidence(evidence_id, may=can_remove_evidence)
    evidence.removed_at, evidence.removed_by_id = utcnow(), current_user.id
    record_change(current_user, "remove", "evidence", evidence.id, subject=evidence.subject.value,
                  unit_id=evidence.unit_id, note=evidence.note)
    kind, subject_id = _subject_of(evidence)
    db.session.commit()
    return after_write(url_for(f"evidence.{kind}_photos", subject_id=subject_id), "Đã gỡ ảnh.")


def _subject_of(evidence: Evidence) -> tuple[str, int]:
    """The kind and id of what a photo shows (the page it is listed on)."""
    for kind, column in (("house", "house_id"), ("road", "road_id"), ("item", "checklist_item_id")):
        if getattr(evidence, column) is not None:
            return kind, getattr(evidence, column)
    return "initiative", evidence.initiative_id
