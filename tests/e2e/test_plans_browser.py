"""On a phone: TCKT starts the 2022 plan from 2021's, edits two parts in a row, submits; BTV signs it."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_next_years_plan_from_copy_to_signature_on_a_phone(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "tckt")
    page.goto(f"{live_server}/plans/1")
    page.get_by_role("button", name="Tạo kế hoạch năm 2022 từ kế hoạch này").click()
    page.wait_for_url(f"{live_server}/plans/*/edit")
    assert "Đã tạo dự thảo kế hoạch năm 2022" in page.get_by_role("status").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    edit_url = page.url

    # Two saves in a row without reloading: the second must not be taken for a conflict,
    # because the first one hands every form of the page the new version.
    page.fill("#code", "415-KH/TĐTN-TCKT")
    page.get_by_role("button", name="Lưu phần đầu").click()
    page.locator("#header .flash").wait_for()
    page.locator("#recipients summary").click()
    page.fill("#rn-text", "Ban Tuyên giáo Tỉnh ủy;")
    page.locator("#recipients").get_by_role("button", name="Thêm").click()
    page.locator("#recipients .flash").wait_for()
    assert "vừa được người khác sửa" not in page.content()
    assert page.url == edit_url

    page.get_by_role("link", name="Xem văn bản, trình hoặc ban hành").click()
    assert "Số: 415-KH/TĐTN-TCKT" in page.content() and "Ban Tuyên giáo Tỉnh ủy;" in page.content()
    page.get_by_role("button", name="Trình Ban Thường vụ").click()
    page.locator("#plan-actions .flash").wait_for()
    assert "Chờ duyệt" in page.locator("#plan-actions").inner_text()
    page.get_by_role("button", name="Đăng xuất").click()

    log_in(page, live_server, "btv")
    page.goto(f"{live_server}/plans")
    page.get_by_role("link", name="Kế hoạch số 415-KH/TĐTN-TCKT").click()
    page.get_by_role("button", name="Ký ban hành").click()
    page.locator("#plan-actions .flash").wait_for()
    actions = page.locator("#plan-actions").inner_text()
    assert "Đã ban hành" in actions and "Lịch sử kế hoạch (3)" in actions
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
