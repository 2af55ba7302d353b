"""Each account opens on what it must do now, on a phone (360 px)."""

import re

import pytest

from danvan.extensions import db
from danvan.orm import User
from tests.conftest import PASSWORD, make_app
from tests.e2e.conftest import PHONE, log_in

pytestmark = pytest.mark.e2e

PERIOD = "Báo cáo tổng kết năm 2021"


def _todo(page) -> str:
    return page.locator("#can-lam-ngay").inner_text()


def test_a_returned_report_tops_the_units_home_with_its_comment(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "cauke")
    todo = _todo(page)
    assert todo.startswith("Cần làm ngay")
    assert f"Báo cáo “{PERIOD}” bị trả lại" in todo
    assert "Mục: Cách làm hay, mô hình hiệu quả" in todo and "Đề nghị nêu rõ cách làm hay" in todo
    box = page.locator("#can-lam-ngay").bounding_box()
    assert box["y"] < 250  # at the top, not 1.300 px down
    page.get_by_role("link", name=f"Báo cáo “{PERIOD}” bị trả lại: sửa và nộp lại").click()
    page.wait_for_url("**/reports/*")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_reminder_reaches_the_unit_and_goes_once_acted_on(browser, phone, live_server):
    board = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(board, live_server, "tckt")
    assert "đơn vị trễ hạn nộp" in _todo(board)
    board.get_by_role("link", name="Đôn đốc").first.click()
    board.wait_for_url("**/remind")
    boxes = board.locator('input[name="unit"]')
    assert boxes.count() >= 5 and all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    assert "Đề nghị đơn vị khẩn trương hoàn thành và nộp" in board.input_value("#text")
    board.get_by_role("button", name="Gửi đôn đốc").click()
    board.get_by_text("Đã đôn đốc").wait_for()

    unit = phone.new_page()  # one browser per person: each keeps its own session cookie
    log_in(unit, live_server, "tieucan")
    assert "Ban Tổ chức – Kiểm tra Tỉnh đoàn đôn đốc: Đề nghị đơn vị khẩn trương" in _todo(unit)
    assert unit.evaluate("document.documentElement.scrollWidth") <= 360
    board.goto(f"{live_server}/reminders/sent")
    board.get_by_text("Huyện đoàn Tiểu Cần").first.wait_for()
    # The unit acts: it submits the report the reminder is about, and the reminder is gone.
    unit.get_by_role("link", name=PERIOD, exact=True).first.click()
    unit.fill("#economy", "Đã hoàn thành các mô hình của đơn vị.")
    unit.get_by_role("button", name="Nộp báo cáo").click()
    unit.get_by_text("Đã nộp báo cáo.").wait_for()
    unit.goto(f"{live_server}/")
    assert "đôn đốc" not in _todo(unit)
    # Another unit dismisses its reminder from the home page.
    other = browser.new_context(viewport=PHONE, locale="vi-VN").new_page()
    log_in(other, live_server, "chauthanh")
    assert "đôn đốc" in _todo(other)
    other.get_by_role("button", name="Đã xem, cất đi").click()
    other.get_by_text("Đã cất lời đôn đốc.").wait_for()
    other.reload()
    assert "đôn đốc:" not in _todo(other)


def test_the_first_login_with_a_one_time_password_asks_for_an_own_password(phone, live_server, db_url):
    app = make_app(db_url)
    with app.app_context():
        db.session.execute(db.update(User).where(User.username == "tracu").values(must_change_password=True))
        db.session.commit()
    page = phone.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "tracu")
    page.fill("#password", PASSWORD)
    page.click("button")
    page.wait_for_url("**/account/password")
    assert page.get_by_text("mật khẩu cấp một lần").is_visible()
    page.goto(f"{live_server}/reports")
    page.wait_for_url("**/account/password")  # nothing else before
    page.fill("#current", PASSWORD)
    page.fill("#new", "câu mật khẩu riêng của Trà Cú")
    page.get_by_role("button", name="Đổi mật khẩu").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_text("Đã đổi mật khẩu.").is_visible()


def test_a_report_typed_while_the_session_ended_is_saved_after_logging_in(phone, live_server, db_url):
    from danvan.orm import LoginSession

    page = phone.new_page()
    log_in(page, live_server, "tieucan")
    page.get_by_role("link", name=PERIOD, exact=True).first.click()
    page.wait_for_url("**/reports/*")
    report_url = page.url
    typed = "Kết quả gõ lúc phiên đăng nhập đã hết hạn."
    page.fill("#economy", typed)
    app = make_app(db_url)
    with app.app_context():  # the session ends while the unit types (absolute lifetime, or elsewhere)
        db.session.execute(db.update(LoginSession).values(ended_at=db.func.now()))
        db.session.commit()
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    assert page.get_by_text("Phiên đăng nhập đã hết hạn").is_visible()
    page.fill("#username", "tieucan")
    page.fill("#password", PASSWORD)
    page.click("button")
    page.wait_for_url(report_url)
    assert page.get_by_text("Đã lưu bản nháp báo cáo bạn gõ trước khi phiên đăng nhập hết hạn.").is_visible()
    assert page.input_value("#economy") == typed
