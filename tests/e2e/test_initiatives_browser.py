"""A district union records a handed-over charity house on a phone; the province page counts it."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_district_records_a_handed_over_house_and_the_province_sees_it(browser, phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "canglong")
    # The unit's shares come first on its home page; "Thêm nhà" opens the form in one tap.
    page.get_by_role("link", name="Thêm nhà").first.click()
    page.fill("#beneficiary", "Gia đình ông Thạch Văn Thử")
    page.fill("#commune", "xã Tân An")
    page.select_option("#status", "done")
    page.fill("#handed_over_on", "2021-11-20")
    page.fill("#cost", "40 triệu")
    page.fill("#funds_mobilised", "40.000.000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/initiatives/*")
    assert page.get_by_text("Đã thêm Nhà Nhân ái cho Gia đình ông Thạch Văn Thử.").is_visible()
    assert page.get_by_text("Gia đình ông Thạch Văn Thử").nth(1).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    try:
        btv = desk.new_page()
        log_in(btv, live_server, "btv")
        btv.get_by_role("link", name="Mô hình", exact=True).click()
        assert btv.get_by_text("26 căn / 90 căn · 29%").is_visible()
    finally:
        desk.close()


def test_district_records_children_progress_in_two_taps(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "cauke")
    page.get_by_role("link", name="Ghi nhận kết quả").first.click()
    page.fill("input[inputmode=decimal]", "25")
    page.get_by_role("button", name="Ghi nhận").click()
    # The demo's today (03/12/2021) is the default date, after the cut-off (15/11/2021) of the
    # annual report Cầu Kè still owes, and the form says so before saving anything.
    page.get_by_text("kết quả sẽ không có trong báo cáo đó").wait_for()
    page.get_by_label("Vẫn ghi nhận: kết quả tính vào kỳ báo cáo sau").check()
    page.get_by_role("button", name="Ghi nhận").click()
    assert page.get_by_role("status").inner_text() == "Đã ghi nhận 25 em."
    assert page.get_by_text("105 em / 300 em").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
