"""A district union adds a photo of a handed-over house from a phone; the page stays small."""

import os
from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from danvan.extensions import db
from danvan.orm import House, Unit
from tests.e2e.budget import watch
from tests.e2e.conftest import log_in, make_app

pytestmark = pytest.mark.e2e


def house_of_canglong(db_url: str) -> int:
    app = make_app(db_url)
    with app.app_context():
        return db.session.scalar(db.select(House.id).join(Unit).where(Unit.name == "Huyện đoàn Càng Long")
                                 .order_by(House.id))


def phone_photo() -> bytes:
    """A 4000×3000 photo with a camera's grain, as a phone saves it (a few MB)."""
    image = Image.linear_gradient("L").resize((4000, 3000)).convert("RGB")
    ImageDraw.Draw(image).polygon([(1000, 1500), (2000, 700), (3000, 1500)], fill=(190, 50, 40))
    image = Image.blend(image, Image.effect_noise((4000, 3000), 60).convert("RGB"), 0.3)
    out = BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_a_district_adds_a_photo_of_its_house_and_sees_it(browser, phone, live_server, db_url):
    house = house_of_canglong(db_url)
    page = phone.new_page()
    log_in(page, live_server, "canglong")
    page.goto(f"{live_server}/houses/{house}/edit")
    page.get_by_role("link", name="Thêm ảnh").click()
    page.set_input_files("#photo", files=[{"name": "IMG_2021.jpg", "mimeType": "image/jpeg",
                                           "buffer": phone_photo()}])
    page.fill("#note", "Bàn giao nhà cho gia đình ông Thử")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Tải ảnh lên").click()
    page.wait_for_url(f"**/houses/{house}/edit#minh-chung")
    assert page.get_by_text("Đã thêm ảnh minh chứng.").is_visible()
    thumb = page.get_by_alt_text("Bàn giao nhà cho gia đình ông Thử")
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # A cold load, as BUDGETS.md counts it: the page, and its thumbnails (≤ 30 KB).
    cold = browser.new_context(viewport={"width": 360, "height": 760}, locale="vi-VN")
    fresh = cold.new_page()
    log_in(fresh, live_server, "canglong")
    wire = watch(fresh)
    fresh.goto(f"{live_server}/houses/{house}/edit")
    fresh.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    fresh.wait_for_load_state("networkidle")
    if os.environ.get("DANVAN_SHOTS"):
        fresh.screenshot(path=os.path.join(os.environ["DANVAN_SHOTS"], "house-360.png"), full_page=True)
        print(f"\nhouse page {wire.bytes_of('/edit')} B, thumbnails {wire.bytes_of('thumb.jpg')} B")
    try:
        assert 0 < wire.bytes_of("thumb.jpg") <= 30_000
        assert wire.bytes_of(f"/houses/{house}/edit") <= 8 * 1024
    finally:
        cold.close()


def test_a_photo_over_8_mb_is_refused_with_its_message(phone, live_server, db_url):
    house = house_of_canglong(db_url)
    page = phone.new_page()
    log_in(page, live_server, "canglong")
    page.goto(f"{live_server}/houses/{house}/evidence")
    page.set_input_files("#photo", files=[{"name": "lon.jpg", "mimeType": "image/jpeg",
                                           "buffer": b"\xff\xd8" + os.urandom(9 * 1024 * 1024)}])
    page.fill("#note", "Quá lớn")
    page.get_by_role("button", name="Tải ảnh lên").click()
    page.get_by_text("Ảnh quá lớn: tối đa 8 MB.").wait_for()
    assert page.get_by_alt_text("Quá lớn").count() == 0
