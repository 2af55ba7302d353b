"""A write the report's state no longer allows is refused where the user is looking (htmx swaps no 409).

Three cases, each with a page that went stale in another tab: saving a report already handed in,
reviewing a report someone else already returned, reviewing after the compiled report was sent.
"""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PERIOD = "Báo cáo tổng kết năm 2021"


def _open_report(context, base_url: str, username: str, unit: str | None = None):
    """Log in and open the unit's report of the demo period (as the board: the unit's row)."""
    page = context.new_page()
    log_in(page, base_url, username)
    page.get_by_role("link", name=PERIOD, exact=True).first.click()
    if unit:
        page.get_by_role("link", name=unit).click()
    return page


def test_saving_a_report_already_handed_in_says_so_and_keeps_the_text(browser, phone, live_server):
    stale = _open_report(phone, live_server, "canglong")
    other = phone.new_page()
    other.goto(stale.url)
    other.fill("#economy", "Bản nộp từ máy khác.")
    other.get_by_role("button", name="Nộp báo cáo").click()
    other.get_by_text("Đã nộp báo cáo.").wait_for()

    stale.fill("#economy", "Bản sửa trên trang cũ.")
    stale.get_by_role("button", name="Lưu nháp").click()
    alert = stale.get_by_role("alert").filter(has_text="đơn vị không sửa được nữa")
    alert.wait_for()
    assert "Báo cáo đang ở trạng thái “Đã nộp”" in alert.inner_text()
    assert stale.get_by_text("Bản sửa trên trang cũ.").is_visible()  # what was typed is not lost
    assert stale.evaluate("document.documentElement.scrollWidth") <= 360


def test_reviewing_a_report_someone_returned_meanwhile_says_so(browser, live_server):
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    stale = _open_report(desk, live_server, "tckt", "Thị đoàn Duyên Hải")
    other = desk.new_page()
    other.goto(stale.url)
    other.fill("#comment", "Bổ sung số liệu.")
    other.get_by_role("button", name="Trả lại kèm góp ý").click()
    other.get_by_text("Đã trả lại báo cáo cho đơn vị.").wait_for()

    stale.get_by_role("button", name="Tiếp nhận").click()
    alert = stale.get_by_role("alert").filter(has_text="Chỉ tiếp nhận hoặc trả lại báo cáo đã nộp")
    alert.wait_for()
    assert "“Bị trả lại”" in alert.inner_text()
    desk.close()


def test_reviewing_after_the_compiled_report_was_sent_says_so(browser, live_server):
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    stale = _open_report(desk, live_server, "tckt", "Thị đoàn Duyên Hải")
    other = desk.new_page()
    other.goto(stale.url)
    other.get_by_role("link", name=PERIOD, exact=True).click()
    other.get_by_role("button", name="Tổng hợp báo cáo").click()
    other.get_by_role("button", name="Vẫn tổng hợp").click()
    other.wait_for_url("**/compiled")
    other.get_by_role("button", name="Gửi Ban Dân vận Tỉnh ủy").click()
    other.get_by_role("button", name="Vẫn gửi").click()
    other.get_by_text("Đã gửi báo cáo tổng hợp đến Ban Dân vận Tỉnh ủy.").wait_for()

    stale.get_by_role("button", name="Tiếp nhận").click()
    stale.get_by_role("alert").filter(has_text="Báo cáo tổng hợp của kỳ này đã gửi").wait_for()
    desk.close()
