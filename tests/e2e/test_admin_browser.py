"""The administrator renames a district union on a phone; the union sees its new name."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_admin_renames_a_district_union_on_a_phone(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "admin")
    page.get_by_role("link", name="Quản trị").click()
    page.wait_for_url(f"{live_server}/admin/units")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="Huyện đoàn Cầu Kè").click()
    page.wait_for_url(f"{live_server}/admin/units/*")
    page.fill("#name", "Huyện đoàn Cầu Kè (đổi tên)")
    page.fill("#short_name", "Cầu Kè")
    page.get_by_role("button", name="Lưu").click()
    # htmx swaps the unit's section in place: same URL, new heading, a confirmation.
    status = page.get_by_role("status")
    status.wait_for()
    assert status.inner_text() == "Đã lưu đơn vị Huyện đoàn Cầu Kè (đổi tên)."
    assert page.locator("h1").inner_text() == "Huyện đoàn Cầu Kè (đổi tên)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server}/login")

    log_in(page, live_server, "cauke")
    assert page.locator("h1").inner_text() == "Huyện đoàn Cầu Kè (đổi tên)"
    assert page.locator("header .unit").inner_text() == "Cầu Kè"
    assert page.get_by_role("link", name="Quản trị").count() == 0


def test_admin_creates_a_login_and_sees_its_password_once(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/users")
    page.get_by_text("Thêm tài khoản").click()
    page.fill("#username", "nguoimoi")
    page.select_option("#unit_id", label="Huyện đoàn Trà Cú")
    page.get_by_role("button", name="Tạo tài khoản").click()
    password = page.locator(".secret code").inner_text()
    assert len(password) >= 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.reload()
    assert page.locator(".secret").count() == 0
