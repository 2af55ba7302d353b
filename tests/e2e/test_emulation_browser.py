"""The thi đua year on phones: a district photographs a handed-over house over a slow link, the
organisation board opens a review, two boards score, the standing committee approves, and the
Tờ trình names the recognised mô hình."""

from __future__ import annotations

import re

import pytest
from docx import Document
from PIL import Image, ImageDraw

from danvan.extensions import db
from danvan.orm import House, Initiative, Unit
from tests.conftest import make_app
from tests.e2e.conftest import PHONE, log_in, slow_link

pytestmark = pytest.mark.e2e
HOUSES = "Mô hình vận động kinh phí xây dựng Nhà Nhân ái"


def _photo(path) -> str:
    """A 2.400 × 1.800 phone photo (about 100 KB): what a district secretary sends from the field."""
    image = Image.new("RGB", (2400, 1800), (120, 170, 90))
    draw = ImageDraw.Draw(image)
    for n in range(0, 2400, 60):
        draw.line([(n, 0), (2400 - n, 1800)], fill=(200, 120 + n % 100, 60), width=9)
    draw.polygon([(700, 900), (1200, 450), (1700, 900)], fill=(180, 40, 40))
    draw.rectangle([800, 900, 1600, 1500], fill=(240, 230, 200))
    image.save(path, "JPEG", quality=85)
    return str(path)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _score(browser, base: str, username: str, points: list[str]) -> None:
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = context.new_page()
        log_in(page, base, username)
        page.get_by_role("link", name="Thi đua", exact=True).click()
        page.get_by_role("link", name=re.compile("Sơ kết 6 tháng")).click()
        page.get_by_role("link", name=f"{HOUSES} – Huyện đoàn Càng Long").click()
        # The district's photo (the newest first) beside the form.
        assert page.locator("#minh-chung img").first.get_attribute("alt").startswith("Bàn giao nhà cho")
        for field, value in zip(page.locator("#score-form input[inputmode=numeric]").all(), points, strict=True):
            field.fill(value)
        page.fill("#comment", "Nhà bàn giao đúng hẹn, có ảnh minh chứng.")
        _no_sideways_scroll(page)
        page.get_by_role("button", name="Lưu phiếu chấm").click()
        page.wait_for_url(re.compile(r"/reviews/\d+$"))
        assert page.get_by_text("Đã lưu phiếu chấm").is_visible()
    finally:
        context.close()


def test_a_year_of_thi_dua_from_a_photo_to_the_approved_proposal(browser, live_server, db_url, tmp_path):
    base = live_server
    app = make_app(db_url)
    with app.app_context():
        house = db.session.scalar(db.select(House).join(Unit, House.unit_id == Unit.id).join(
            Initiative, House.initiative_id == Initiative.id).where(
            Unit.name == "Huyện đoàn Càng Long", Initiative.title == HOUSES).order_by(House.id))
        house_id, beneficiary = house.id, house.beneficiary
        db.engine.dispose()

    # 1. Càng Long attaches a photo to its house, on a phone over a slow link (400 ms, 400 kbit/s).
    district = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = district.new_page()
        log_in(page, base, "canglong")
        page.goto(f"{base}/houses/{house_id}/edit")
        slow_link(district, page)
        page.get_by_role("link", name="Thêm ảnh").click()
        page.set_input_files("#photo", _photo(tmp_path / "ban-giao.jpg"))
        page.fill("#note", f"Bàn giao nhà cho {beneficiary}")
        _no_sideways_scroll(page)
        page.get_by_role("button", name="Tải ảnh lên").click()
        page.wait_for_selector("text=Đã thêm ảnh minh chứng.", timeout=60_000)
        thumb = page.locator("#minh-chung img").first
        thumb.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
        _no_sideways_scroll(page)
        page.screenshot(path=str(tmp_path / "house-photo-360.png"), full_page=True)
    finally:
        district.close()

    # 2. The organisation board opens the review; Ban Phong trào and Ban Tuyên giáo will score.
    desk = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        board = desk.new_page()
        log_in(board, base, "tckt")
        board.get_by_role("link", name="Thi đua", exact=True).click()
        board.get_by_role("link", name="Mở đợt đánh giá").click()
        board.fill("#title", "Sơ kết 6 tháng phong trào thi đua “Dân vận khéo” năm 2021")
        board.select_option("#kind", "half_year")
        board.get_by_label("Ban Phong trào Tỉnh đoàn").check()
        board.get_by_label("Ban Tuyên giáo Tỉnh đoàn").check()
        _no_sideways_scroll(board)
        board.get_by_role("button", name="Mở đợt đánh giá").click()
        board.wait_for_url(re.compile(r"/reviews/\d+$"))
        review_url = board.url
        assert board.get_by_text("phiếu chấm đã giao cho người chấm").is_visible()

        # 3. Two evaluators score Càng Long's houses on their phones.
        _score(browser, base, "phongtrao", ["28", "18", "19", "18", "10"])
        _score(browser, base, "tuyengiao", ["26", "17", "18", "19", "9"])

        # 4. The board closes the scoring, picks the mô hình tiêu biểu and submits the tờ trình.
        board.goto(review_url)
        board.get_by_role("button", name="Khóa điểm và công bố kết quả").click()
        board.wait_for_selector("text=Đã khóa điểm.")
        assert board.get_by_role("cell", name="91,0/100").is_visible()  # (93 + 89) / 2
        board.get_by_label(f"{HOUSES} – Huyện đoàn Càng Long").check()
        board.get_by_role("button", name="Lưu mô hình tiêu biểu").click()
        board.wait_for_selector("text=Đã chọn 1 mô hình tiêu biểu.")
        board.fill("#number", "53")
        board.fill("#signer_name", "Lâm Thị Mỹ Linh")
        board.get_by_role("button", name="Trình Ban Thường vụ duyệt").click()
        board.wait_for_selector("text=Đã trình Ban Thường vụ duyệt khen thưởng.")
    finally:
        desk.close()

    # 5. The standing committee approves, and the Tờ trình names the recognised mô hình.
    committee = browser.new_context(viewport=PHONE, locale="vi-VN", accept_downloads=True)
    try:
        page = committee.new_page()
        log_in(page, base, "btv")
        page.goto(review_url)
        page.get_by_role("button", name="Duyệt khen thưởng").click()
        page.wait_for_selector("text=Đã duyệt")
        _no_sideways_scroll(page)
        page.screenshot(path=str(tmp_path / "review-approved-360.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("link", name="Tờ trình (.docx)").click()
        document = Document(str(download.value.path()))
    finally:
        committee.close()
    text = "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for row in t.rows for c in row.cells])
    assert "TỜ TRÌNH" in text and "Số: 53-TTr/TĐTN-TCKT" in text
    assert HOUSES in text and "Huyện đoàn Càng Long" in text
