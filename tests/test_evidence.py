"""Minh chứng: photos re-encoded without EXIF, size limits, bad files, who may add and remove, pages."""

from __future__ import annotations

import os
import re
import struct
import unicodedata
import zlib
from datetime import date
from io import BytesIO

import pytest
from PIL import ExifTags, Image, ImageDraw
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from danvan.evidence import images
from danvan.evidence.queries import STRIP_BYTES, new_evidence, subject_strip, unit_photos
from danvan.extensions import db
from danvan.orm import (
    Change,
    ChecklistItem,
    Evidence,
    EvidenceSubject,
    House,
    Initiative,
    Plan,
    Road,
    Task,
    Unit,
)
from tests.conftest import HX, csrf_token_from, make_app
from tests.factories import unit_by_name, user_by_name

HOUSES_ID, ROADS_ID = 2, 3
GPS = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (9.0, 56.0, 30.0),
       ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (106.0, 20.0, 15.0)}


def picture(size=(800, 600), noise: bool = False, mode: str = "RGB", grain: bool = False) -> Image.Image:
    """A photo-like picture: a gradient with a shape (and a camera's grain), or pure noise."""
    if noise:
        return Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    image = Image.linear_gradient("L").resize(size).convert(mode)
    draw = ImageDraw.Draw(image)
    draw.rectangle([size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2], fill="red" if mode != "L" else 90)
    if grain:
        image = Image.blend(image, Image.effect_noise(size, 60).convert(mode), 0.3)
    return image


def encoded(image: Image.Image, kind: str = "JPEG", **params) -> bytes:
    out = BytesIO()
    image.save(out, kind, **params)
    return out.getvalue()


def camera_jpeg(size=(1600, 1200), orientation: int = 1) -> bytes:
    """A JPEG as a phone saves it: make and model, the moment taken, GPS, an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = "Galaxy A12"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = GPS
    exif[ExifTags.IFD.Exif] = {ExifTags.Base.DateTimeOriginal: "2021:08:15 09:30:00"}
    return encoded(picture(size), exif=exif, quality=90)


def upload(client, url: str, data: bytes, note: str = "Bàn giao nhà", keep_place: bool = False,
           filename: str = "anh.jpg", headers=None, content_type: str = "image/jpeg"):
    """Post the upload form as a browser does (multipart, built in memory whatever its size)."""
    fields = {"note": note, "photo": FileStorage(BytesIO(data), filename=filename, content_type=content_type)}
    if keep_place:
        fields["keep_place"] = "y"
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers=headers)


def count(*where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Evidence).where(*where))


def newest() -> Evidence:
    return db.session.scalar(db.select(Evidence).order_by(Evidence.id.desc()))


def stored(evidence_id: int) -> tuple[bytes, bytes]:
    row = db.session.execute(db.select(Evidence.photo, Evidence.thumb).where(Evidence.id == evidence_id)).one()
    return row.photo, row.thumb


@pytest.fixture
def ids(app):
    with app.app_context():
        canglong, cauke = unit_by_name("Huyện đoàn Càng Long"), unit_by_name("Huyện đoàn Cầu Kè")
        own_plan = db.session.scalar(db.select(Plan).where(Plan.owner_unit_id == canglong.id,
                                                           Plan.parent_plan_id.is_not(None)))

        def first(query):
            return db.session.scalar(query.order_by(query.selected_columns[0]))

        return {
            "canglong": canglong.id, "cauke": cauke.id,
            "house": first(db.select(House.id).where(House.unit_id == canglong.id)),
            "cauke_house": first(db.select(House.id).where(House.unit_id == cauke.id)),
            "road": first(db.select(Road.id).where(Road.unit_id == canglong.id)),
            "cauke_road": first(db.select(Road.id).where(Road.unit_id == cauke.id)),
            "own_initiative": first(db.select(Initiative.id).where(Initiative.plan_id == own_plan.id)),
            "item": first(db.select(ChecklistItem.id).join(Task).where(
                Task.unit_id == canglong.id, ChecklistItem.removed_at.is_(None))),
            "cauke_item": first(db.select(ChecklistItem.id).join(Task).where(
                Task.unit_id == cauke.id, ChecklistItem.removed_at.is_(None))),
        }


# ---- what is stored ----

def test_exif_is_stripped_and_the_place_kept_only_when_asked(app, client, login_as, ids):
    login_as("canglong")
    url = f"/houses/{ids['house']}/evidence"
    assert upload(client, url, camera_jpeg()).status_code == 302
    with app.app_context():
        plain = newest()
        photo, thumb = stored(plain.id)
        assert plain.latitude is None and plain.longitude is None
        assert plain.taken_on == date(2021, 8, 15) and plain.source_format == "JPEG"
    assert upload(client, url, camera_jpeg(), keep_place=True).status_code == 302
    with app.app_context():
        placed = newest()
        placed_photo, _thumb = stored(placed.id)
        assert placed.latitude == pytest.approx(9 + 56 / 60 + 30 / 3600, abs=1e-6)
        assert placed.longitude == pytest.approx(106 + 20 / 60 + 15 / 3600, abs=1e-6)
    # Whatever was ticked, the stored images carry no EXIF at all: no camera, no GPS, no date.
    for data in (photo, thumb, placed_photo):
        reopened = Image.open(BytesIO(data))
        assert reopened.format == "JPEG" and reopened.mode == "RGB"
        assert dict(reopened.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(reopened.info)
        assert b"Samsung" not in data and b"Galaxy" not in data and b"2021:08:15" not in data


def test_a_big_photo_is_stored_small_and_its_thumbnail_under_15000_bytes(app, client, login_as, ids):
    login_as("canglong")
    big = encoded(picture((4000, 3000), grain=True), quality=92)
    assert len(big) > 1024 * 1024  # past the app's usual limit: this route takes 8 MB
    assert upload(client, f"/houses/{ids['house']}/evidence", big).status_code == 302
    with app.app_context():
        e = newest()
        photo, thumb = stored(e.id)
        assert (e.width, e.height) == Image.open(BytesIO(photo)).size == (1280, 960)
        assert max(Image.open(BytesIO(thumb)).size) <= images.THUMB_SIDE
        assert len(thumb) == e.thumb_bytes <= 15_000 and len(photo) == e.photo_bytes
        assert e.source_bytes == len(big)


@pytest.mark.parametrize("kind", ["PNG", "WEBP", "JPEG"])
def test_noise_the_hardest_picture_still_makes_a_thumbnail_under_15000_bytes(kind):
    photo = images.process(encoded(picture((1500, 1500), noise=True), kind, **({"quality": 95} if kind != "PNG"
                                                                              else {})))
    assert len(photo.thumb) <= images.THUMB_MAX_BYTES
    assert max(photo.width, photo.height) <= images.LONG_SIDE


def test_the_photo_is_turned_upright(app, client, login_as, ids):
    login_as("canglong")
    # Orientation 6: the camera was held upright, the sensor saved it on its side.
    assert upload(client, f"/houses/{ids['house']}/evidence", camera_jpeg((1600, 1200), orientation=6)
                  ).status_code == 302
    with app.app_context():
        e = newest()
        assert (e.width, e.height) == (960, 1280) and e.thumb_height > e.thumb_width


def test_png_with_transparency_and_webp_become_plain_jpeg(app, client, login_as, ids):
    login_as("canglong")
    clear = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(clear).ellipse([50, 50, 350, 250], fill=(200, 30, 30, 255))
    for data, name in ((encoded(clear, "PNG"), "logo.png"), (encoded(picture(), "WEBP"), "anh.webp"),
                       (encoded(picture(mode="L"), "PNG"), "xam.png")):
        assert upload(client, f"/houses/{ids['house']}/evidence", data, filename=name,
                      content_type="image/png").status_code == 302
        with app.app_context():
            e = newest()
            image = Image.open(BytesIO(stored(e.id)[0]))
            assert image.format == "JPEG" and image.mode == "RGB" and e.source_format == name[-4:].strip(".").upper()
            if name == "logo.png":  # the transparent corner became white, not black
                assert min(image.getpixel((2, 2))) > 240


# ---- bad files: a message beside the file field, nothing stored ----

def _bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A PNG whose header claims 400 megapixels (the pixels would decompress to gigabytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + chunk(
        b"IEND", b"")


BAD_FILES = {
    "text renamed .jpg": (b"Bao cao ket qua thang 8\n" * 40, "anh.jpg", "Tệp không phải ảnh"),
    "html renamed .jpg": (b"<html><script>alert(1)</script></html>", "anh.jpg", "Tệp không phải ảnh"),
    "svg with a script": ((b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                           b'<foreignObject><p>x</p></foreignObject></svg>'), "anh.svg", "Tệp không phải ảnh"),
    "gif (not accepted)": (encoded(picture(), "GIF"), "anh.gif", "Tệp không phải ảnh"),
    "gif/js polyglot": (b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1)//", "anh.jpg", "Tệp không phải ảnh"),
    "php in the name": (b"<?php system($_GET['c']); ?>", "shell.php.jpg", "Tệp không phải ảnh"),
    "empty file": (b"", "anh.jpg", "Tệp rỗng"),
    "truncated jpeg": (encoded(picture((1200, 900)), quality=90)[:3000], "anh.jpg", "Ảnh bị hỏng"),
    "heic from an iphone": (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 200, "IMG_0001.HEIC",
                            "HEIC chưa được hỗ trợ"),
    "decompression bomb": (_bomb_png(), "anh.png", "quá nhiều điểm ảnh"),
    "56 megapixels": (_bomb_png(8000, 7000), "anh.png", "quá nhiều điểm ảnh"),  # Pillow only warns here
    "path traversal name": (b"not an image", "../../etc/passwd", "Tệp không phải ảnh"),
    # As a browser sends it: quotes and line breaks of a name are %-escaped.
    "crlf in the name": (b"not an image", "a%22%0D%0AX-Injected: 1.jpg", "Tệp không phải ảnh"),
    "vietnamese nfd name": (b"not an image", unicodedata.normalize("NFD", "Đoàn Thanh niên.png"), "Tệp không phải ảnh"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_gets_a_message_beside_the_field_and_nothing_is_stored(app, client, login_as, ids, name):
    data, filename, message = BAD_FILES[name]
    login_as("canglong")
    with app.app_context():
        before = count()
    response = upload(client, f"/houses/{ids['house']}/evidence", data, filename=filename)
    assert response.status_code == 200, response.status_code
    # Beside the file field: after its input, before the note's label.
    form = response.text[response.text.index('type="file"'):response.text.index('for="note"')]
    assert re.search(r'<p class="error">[^<]*' + re.escape(message), form)
    assert "X-Injected" not in str(response.headers)
    with app.app_context():
        assert count() == before


def test_no_file_and_no_note_are_refused(app, client, login_as, ids):
    login_as("canglong")
    with app.app_context():
        before = count()
    response = client.post(f"/houses/{ids['house']}/evidence", data={"note": ""})
    assert response.status_code == 200
    assert "Vui lòng chọn một ảnh." in response.text and "Vui lòng nhập mục này." in response.text
    response = upload(client, f"/houses/{ids['house']}/evidence", camera_jpeg(), note="x" * 301)
    assert "Tối đa 300 ký tự." in response.text
    with app.app_context():
        assert count() == before


def test_an_upload_over_8_mb_gets_a_clear_message_and_nothing_is_stored(app, client, login_as, ids):
    login_as("canglong")
    with app.app_context():
        before = count()
    url = f"/houses/{ids['house']}/evidence"
    huge = b"\xff\xd8" + os.urandom(9 * 1024 * 1024)
    response = upload(client, url, huge)
    assert response.status_code == 413
    form = response.text[response.text.index('type="file"'):response.text.index('for="note"')]
    assert '<p class="error">Ảnh quá lớn: tối đa 8 MB.' in form and "<html" in response.text
    # htmx swaps no 4xx: it gets the form block, with the message, as 200.
    fragment = upload(client, url, huge, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text and "tối đa 8 MB" in fragment.text
    # Just over 8 MB of photo fits the body limit but not the photo's own.
    response = upload(client, url, b"\xff\xd8" + os.urandom(images.MAX_UPLOAD_BYTES))
    assert response.status_code == 200 and "tối đa 8 MB" in response.text
    with app.app_context():
        assert count() == before
    # Every other route keeps the app's 1 MB.
    assert client.post(f"/houses/{ids['house']}/edit", data={"note": "x" * (2 * 1024 * 1024)}).status_code == 413


def test_too_large_is_answered_the_same_with_csrf_on(db_url, ids):
    """In production the CSRF check reads the form first, before the view: the same answer."""
    app = make_app(db_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        before = count()
    page = client.get("/login").text
    client.post("/login", data={"username": "canglong", "password": "demo-danvan", "csrf_token": csrf_token_from(page)})
    url = f"/houses/{ids['house']}/evidence"
    token = csrf_token_from(client.get(url).text)
    fields = {"csrf_token": token, "note": "Ảnh", "photo": FileStorage(BytesIO(os.urandom(9 * 1024 * 1024)),
                                                                          filename="a.jpg")}
    boundary, body = encode_multipart(fields)
    response = client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413 and "Ảnh quá lớn: tối đa 8 MB." in response.text
    # A forged token on a normal upload is still refused.
    fields = {"csrf_token": "forged", "note": "Ảnh", "photo": FileStorage(BytesIO(camera_jpeg()), filename="a.jpg")}
    boundary, body = encode_multipart(fields)
    assert client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}").status_code == 400
    with app.app_context():
        assert count() == before


# ---- who may add ----

@pytest.mark.parametrize("username, target", [
    ("cauke", "house"), ("cauke", "road"), ("cauke", "item"), ("cauke", "own_initiative"),
    ("phongtrao", "house"), ("dhtravinh", "road"), ("btv", "item"), ("tckt", "own_initiative"),
    ("admin", "own_initiative"), ("canglong", "cauke_house"), ("canglong", "cauke_road"),
    ("canglong", "cauke_item"),
])
def test_another_units_object_is_refused_and_nothing_stored(app, client, login_as, ids, username, target):
    kind = {"own_initiative": "initiatives", "item": "items", "cauke_item": "items"}.get(
        target, "houses" if "house" in target else "roads")
    login_as(username)
    with app.app_context():
        before = count()
    assert upload(client, f"/{kind}/{ids[target]}/evidence", camera_jpeg()).status_code == 403
    # The page is read by everyone, without the form.
    page = client.get(f"/{kind}/{ids[target]}/evidence")
    assert page.status_code == 200 and 'type="file"' not in page.text
    with app.app_context():
        assert count() == before


def test_the_read_only_body_and_visitors_are_refused(app, client, login_as, ids):
    url = f"/houses/{ids['house']}/evidence"
    response = upload(client, url, camera_jpeg())
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    login_as("danvantu")
    assert upload(client, url, camera_jpeg()).status_code == 403
    assert 'type="file"' not in client.get(url).text
    with app.app_context():
        assert count(Evidence.created_by_id.is_not(None), Evidence.note == "Bàn giao nhà") == 0


def test_who_adds_to_a_mo_hinh_the_lead_and_the_units_with_a_share(app, client, login_as):
    url = f"/initiatives/{HOUSES_ID}/evidence"
    for username in ("phongtrao", "canglong"):
        login_as(username)
        assert upload(client, url, camera_jpeg(), note=f"Ảnh của {username}").status_code == 302
        with app.app_context():
            e = newest()
            assert (e.subject, e.initiative_id, e.unit_id) == (
                EvidenceSubject.INITIATIVE, HOUSES_ID, user_by_name(username).unit_id)
        client.post("/logout")
    for username in ("dhtravinh", "admin", "danvantu"):
        login_as(username)
        assert upload(client, url, camera_jpeg()).status_code == 403, username
        client.post("/logout")


def test_a_house_photo_carries_its_mo_hinh_and_the_houses_unit_even_from_admin(app, client, login_as, ids):
    login_as("admin")
    assert upload(client, f"/houses/{ids['house']}/evidence", camera_jpeg(), note="Từ quản trị").status_code == 302
    with app.app_context():
        e = newest()
        house = db.session.get(House, ids["house"])
        assert (e.subject, e.house_id, e.initiative_id, e.unit_id) == (
            EvidenceSubject.HOUSE, house.id, house.initiative_id, ids["canglong"])
        assert e.created_by_id == user_by_name("admin").id
        trace = db.session.scalar(db.select(Change).where(Change.object_type == "evidence",
                                                          Change.object_id == e.id))
        assert trace.action == "add" and trace.user_id == user_by_name("admin").id


def test_unit_photos_on_a_mo_hinh_is_one_query_over_its_own_houses_and_roads(app, client, login_as, ids):
    login_as("canglong")
    upload(client, f"/initiatives/{HOUSES_ID}/evidence", camera_jpeg(), note="Cả mô hình")
    upload(client, f"/houses/{ids['house']}/evidence", camera_jpeg(), note="Một nhà")
    client.post("/logout")
    login_as("cauke")
    upload(client, f"/houses/{ids['cauke_house']}/evidence", camera_jpeg(), note="Nhà của Cầu Kè")
    with app.test_request_context():
        strip = unit_photos(ids["canglong"], HOUSES_ID)
        notes = {p.note for p in strip.photos}
        assert {"Cả mô hình", "Một nhà"} <= notes and "Nhà của Cầu Kè" not in notes
        mine = db.session.scalars(db.select(Evidence).where(
            Evidence.unit_id == ids["canglong"], Evidence.initiative_id == HOUSES_ID,
            Evidence.removed_at.is_(None))).all()
        assert strip.total == len(mine) >= 3  # with the demo's two photos of Càng Long's houses
        assert strip.list_url == f"/initiatives/{HOUSES_ID}/evidence?unit={ids['canglong']}"
    page = client.get(strip.list_url).text
    assert "Một nhà" in page and "Nhà của Cầu Kè" not in page and "Xem ảnh của mọi đơn vị" in page


def test_a_photo_of_an_item_is_added_by_its_tasks_unit(app, client, login_as, ids):
    login_as("canglong")
    response = upload(client, f"/items/{ids['item']}/evidence", camera_jpeg(), note="Biên bản họp")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{ids['item']}")
    with app.app_context():
        e = newest()
        assert (e.subject, e.checklist_item_id, e.initiative_id, e.unit_id) == (
            EvidenceSubject.ITEM, ids["item"], None, ids["canglong"])


def test_the_database_refuses_a_photo_of_two_things(app):
    photo = images.process(camera_jpeg((200, 150)))
    with app.app_context():
        house = db.session.scalar(db.select(House).order_by(House.id))
        row = new_evidence(house, photo, "Hai thứ một lúc")
        row.road_id = db.session.scalar(db.select(Road.id).order_by(Road.id))
        db.session.add(row)
        with pytest.raises(Exception, match="(?i)check"):
            db.session.commit()
        db.session.rollback()


# ---- removal ----

def test_removing_hides_the_photo_keeps_the_row_and_records_the_trace(app, client, login_as, ids):
    login_as("canglong")
    upload(client, f"/houses/{ids['house']}/evidence", camera_jpeg(), note="Sẽ gỡ")
    with app.app_context():
        evidence_id = newest().id
    photo_url, thumb_url = f"/evidence/{evidence_id}/photo.jpg", f"/evidence/{evidence_id}/thumb.jpg"
    assert client.get(photo_url).status_code == 200 and client.get(thumb_url).status_code == 200
    client.post("/logout")
    login_as("cauke")
    assert client.post(f"/evidence/{evidence_id}/remove").status_code == 403
    client.post("/logout")
    login_as("canglong")
    response = client.post(f"/evidence/{evidence_id}/remove")
    assert response.status_code == 302 and response.headers["Location"] == f"/houses/{ids['house']}/evidence"
    with app.app_context():
        row = db.session.get(Evidence, evidence_id)
        assert row is not None and row.removed_at is not None
        assert row.removed_by_id == user_by_name("canglong").id
        trace = db.session.scalar(db.select(Change).where(Change.object_type == "evidence",
                                                          Change.object_id == evidence_id,
                                                          Change.action == "remove"))
        assert trace is not None and "Sẽ gỡ" in trace.detail
        assert stored(evidence_id)[0]  # the bytes are kept, only hidden
    assert client.get(photo_url).status_code == 404 and client.get(thumb_url).status_code == 404
    assert "Sẽ gỡ" not in client.get(f"/houses/{ids['house']}/evidence").text
    assert "Sẽ gỡ" not in client.get(f"/houses/{ids['house']}/edit").text
    assert client.post(f"/evidence/{evidence_id}/remove").status_code == 404


def test_admin_removes_and_htmx_is_sent_back_to_the_list(app, client, login_as, ids):
    login_as("canglong")
    upload(client, f"/roads/{ids['road']}/evidence", camera_jpeg(), note="Đường")
    client.post("/logout")
    login_as("admin")
    with app.app_context():
        evidence_id = newest().id
    response = client.post(f"/evidence/{evidence_id}/remove", headers=HX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == f"/roads/{ids['road']}/evidence"


# ---- the images ----

def test_images_are_cached_for_a_year_with_an_etag(app, client, login_as, ids):
    login_as("cauke")  # everyone logged in reads photos, of any unit
    with app.app_context():
        evidence_id = db.session.scalar(db.select(Evidence.id).where(Evidence.unit_id == ids["canglong"]))
    response = client.get(f"/evidence/{evidence_id}/thumb.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert response.data[:2] == b"\xff\xd8" and len(response.data) <= 15_000
    again = client.get(f"/evidence/{evidence_id}/thumb.jpg", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    photo = client.get(f"/evidence/{evidence_id}/photo.jpg")
    assert photo.headers["ETag"] != response.headers["ETag"] and max(Image.open(BytesIO(photo.data)).size) <= 1280
    assert client.get("/evidence/999999/photo.jpg").status_code == 404
    client.post("/logout")
    assert client.get(f"/evidence/{evidence_id}/thumb.jpg").status_code == 302  # to the login page


# ---- pages ----

def thumbnails(html: str) -> list[str]:
    return re.findall(r'<img src="/evidence/\d+/thumb\.jpg"[^>]*>', html)


def test_the_house_page_shows_at_most_four_thumbnails_and_a_link_to_all(app, client, login_as, ids):
    login_as("canglong")
    url = f"/houses/{ids['house']}/evidence"
    for n in range(6):
        assert upload(client, url, camera_jpeg((320, 240)), note=f"Ảnh số {n}").status_code == 302
    with app.app_context():
        total = count(Evidence.house_id == ids["house"], Evidence.removed_at.is_(None))
    page = client.get(f"/houses/{ids['house']}/edit").text
    shown = thumbnails(page)
    assert 1 <= len(shown) <= 4
    for tag in shown:
        assert 'loading="lazy"' in tag and re.search(r'width="\d+" height="\d+"', tag) and 'alt="Ảnh số' in tag
    assert f'<a href="{url}">Xem tất cả {total} ảnh</a>' in page
    assert f'href="{url}#them-anh">Thêm ảnh</a>' in page
    # The list page: the upload form and every photo, with its note.
    listing = client.get(url).text
    assert 'enctype="multipart/form-data"' in listing and 'accept="image/jpeg,image/png,image/webp"' in listing
    assert "capture" not in listing and 'hx-encoding="multipart/form-data"' in listing
    assert "Giữ vị trí chụp ảnh" in listing and len(thumbnails(listing)) == total


def test_the_strip_keeps_to_30_kb_of_thumbnails(app, client, login_as, ids):
    with app.test_request_context(method="POST"):  # photos are added by a write request
        house = db.session.get(House, ids["house"])
        photo = images.process(camera_jpeg((320, 240)))
        for n in range(4):
            row = new_evidence(house, photo, f"Ảnh lớn {n}")
            row.thumb_bytes = 14_000  # as if each were near the cap
            db.session.add(row)
        db.session.commit()
    with app.test_request_context():
        strip = subject_strip("house", ids["house"], may_add=False)
        assert len(strip.photos) == STRIP_BYTES // 14_000 == 2 and strip.add_url is None


def test_the_list_is_paginated_twelve_to_a_page(app, client, login_as, ids):
    with app.app_context():
        house = db.session.get(House, ids["cauke_house"])
        photo = images.process(camera_jpeg((320, 240)))
        db.session.add_all([new_evidence(house, photo, f"Ảnh {n:02d}") for n in range(13)])
        db.session.commit()
    login_as("danvantu")
    first = client.get(f"/houses/{ids['cauke_house']}/evidence").text
    assert len(thumbnails(first)) == 12 and "Trang 1/2" in first and "Ảnh 12" in first and "Ảnh 00" not in first
    second = client.get(f"/houses/{ids['cauke_house']}/evidence?page=2").text
    assert len(thumbnails(second)) == 1 and "Ảnh 00" in second
    assert client.get(f"/houses/{ids['cauke_house']}/evidence?page=abc").status_code == 200
    fragment = client.get(f"/houses/{ids['cauke_house']}/evidence?page=2", headers=HX).text
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="photos">')


def test_an_upload_shows_on_the_pages_that_were_kept(app, client, login_as, ids):
    """Kept pages (danvan/pagecache.py) are rebuilt after the upload's write transaction."""
    login_as("canglong")
    with app.app_context():
        item = db.session.get(ChecklistItem, ids["item"])
        checklist_url = f"/units/{item.task.unit_id}/checklist?year=2021"
    initiative = f"/initiatives/{HOUSES_ID}"
    before_checklist = client.get(checklist_url).text  # now kept
    assert f'/items/{ids["item"]}/evidence">1 ảnh</a>' not in before_checklist
    before_strip = client.get(initiative).text
    assert upload(client, f"/items/{ids['item']}/evidence", camera_jpeg(), note="Biên bản").status_code == 302
    after = client.get(checklist_url).text
    assert f'/items/{ids["item"]}/evidence">1 ảnh</a>' in after
    # The item's own row (a live refresh, a tick) shows it too.
    assert "1 ảnh" in client.get(f"/items/{ids['item']}", headers=HX).text
    assert "1 ảnh" in client.post(f"/items/{ids['item']}/toggle", data={"done": "1"}, headers=HX).text
    # A house photo: the mô hình page's strip and the house's row.
    assert upload(client, f"/houses/{ids['house']}/evidence", camera_jpeg(), note="Mới nhất").status_code == 302
    page = client.get(initiative).text
    assert page != before_strip and 'alt="Mới nhất"' in page
    assert re.search(rf'href="/houses/{ids["house"]}/evidence">\d+ ảnh</a>', page)
    assert 1 <= len(thumbnails(page)) <= 4


def test_the_mo_hinh_page_section_and_rows(client, login_as):
    login_as("danvantu")
    page = client.get(f"/initiatives/{HOUSES_ID}").text
    assert 'id="minh-chung"' in page and "Thêm ảnh</a>" not in page
    assert 1 <= len(thumbnails(page)) <= 4 and "Xem tất cả" in page
    client.post("/logout")
    login_as("canglong")
    assert f'href="/initiatives/{HOUSES_ID}/evidence#them-anh">Thêm ảnh</a>' in client.get(
        f"/initiatives/{HOUSES_ID}").text


def test_pages_with_photos_stay_small(client, login_as, ids):
    login_as("canglong")
    for url in (f"/houses/{ids['house']}/edit", f"/initiatives/{HOUSES_ID}", f"/houses/{ids['house']}/evidence"):
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200 and len(response.data) <= 8 * 1024, (url, len(response.data))
        images_bytes = sum(len(client.get(src).data) for src in re.findall(r'src="(/evidence/\d+/thumb\.jpg)"',
                                                                            client.get(url).text))
        if "/evidence" not in url:  # a page section: ≤ 30 KB of thumbnails
            assert images_bytes <= 30_000, (url, images_bytes)


def test_the_demo_has_photos_of_2021_houses_and_roads(app):
    with app.app_context():
        rows = db.session.scalars(db.select(Evidence).order_by(Evidence.id)).all()
        assert 3 <= len(rows) <= 5
        assert {r.subject for r in rows} == {EvidenceSubject.HOUSE, EvidenceSubject.ROAD}
        assert all(r.created_at.year == 2021 and r.thumb_bytes <= 15_000 and "dữ liệu mẫu" in r.note
                   for r in rows)
        canglong = db.session.scalar(db.select(Unit.id).where(Unit.name == "Huyện đoàn Càng Long"))
        house = db.session.get(House, next(r.house_id for r in rows if r.unit_id == canglong and r.house_id))
        assert house.handed_over_on == rows[0].created_at.date()
    from danvan.demo.evidence import load

    with app.app_context():
        load()  # a second time adds nothing
        assert db.session.scalar(db.select(db.func.count()).select_from(Evidence)) == len(rows)
