"""A district union submits on a phone; the organisation board returns, then accepts and compiles."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PERIOD = "Báo cáo tổng kết năm 2021"


def test_submit_return_fix_resubmit_accept_and_compile(browser, phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "canglong")
    page.get_by_role("link", name=PERIOD, exact=True).first.click()
    page.fill("#economy", "Hỗ trợ 5 hộ thanh niên vay vốn phát triển kinh tế.")
    page.fill("#lines-0-item", "Buổi tuyên truyền")
    page.fill("#lines-0-amount", "12")
    page.get_by_role("button", name="Nộp báo cáo").click()
    page.get_by_text("Đã nộp báo cáo.").wait_for()
    assert page.locator(".tag").first.inner_text() == "Đã nộp"
    assert page.locator("#economy").count() == 0  # locked for the unit
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    report_url = page.url

    board = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
    log_in(board, live_server, "tckt")
    board.get_by_role("link", name="Báo cáo", exact=True).click()
    board.get_by_role("link", name=PERIOD, exact=True).click()
    board.get_by_role("link", name="Huyện đoàn Càng Long").click()
    board.select_option("#section", "good_practices")
    board.fill("#comment", "Bổ sung phần cách làm hay.")
    board.get_by_role("button", name="Trả lại kèm góp ý").click()
    board.get_by_text("Đã trả lại báo cáo cho đơn vị.").wait_for()

    page.goto(report_url)
    assert page.get_by_text("Ban Tổ chức – Kiểm tra đã trả lại báo cáo").is_visible()
    assert page.locator(".pin").inner_text() == "Góp ý: Bổ sung phần cách làm hay."
    page.fill("#good_practices", "Mỗi chi đoàn nhận đỡ đầu một em thiếu nhi.")
    page.get_by_role("button", name="Nộp báo cáo").click()
    page.get_by_text("Đã nộp báo cáo.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    board.reload()
    board.get_by_role("button", name="Tiếp nhận").click()
    board.get_by_text("Đã tiếp nhận báo cáo.").wait_for()
    board.get_by_role("link", name=PERIOD, exact=True).click()
    board.get_by_role("button", name="Tổng hợp báo cáo").click()
    # Only 2 of 12 accepted: the board is asked first, and told which reports are missing.
    board.get_by_text("Mới tiếp nhận 2/12 báo cáo").wait_for()
    board.get_by_role("button", name="Vẫn tổng hợp").click()
    board.wait_for_url("**/compiled")
    assert board.get_by_text("Tổng hợp từ 2/12 báo cáo đã tiếp nhận", exact=False).is_visible()
    assert "Huyện đoàn Càng Long: Hỗ trợ 5 hộ thanh niên vay vốn" in board.input_value("#economy")
    with board.expect_download() as download:
        board.get_by_role("link", name="Tải báo cáo (Word)").click()
    assert download.value.suggested_filename == f"Báo cáo tổng hợp – {PERIOD}.docx"
