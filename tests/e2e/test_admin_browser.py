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


def test_admin_merges_a_district_union_into_another_on_a_phone(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/units")
    page.get_by_role("link", name="Huyện đoàn Cầu Kè").click()
    page.wait_for_url(f"{live_server}/admin/units/*")
    # What the plan in force still asks of the unit is said before anything is closed.
    assert page.get_by_text("Kế hoạch đang thực hiện còn giao cho đơn vị này").is_visible()
    page.fill("#closed_on", "2021-12-01")
    page.select_option("#successors", label="\u00a0\u00a0Huyện đoàn Càng Long")
    page.select_option("#logins_to", label="\u00a0\u00a0Huyện đoàn Càng Long")
    page.select_option("#shares_to", label="\u00a0\u00a0Huyện đoàn Càng Long")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Cho ngừng hoạt động").click()
    status = page.get_by_role("status")
    status.wait_for()
    text = status.inner_text()
    assert "ngừng hoạt động từ 01/12/2021; kế thừa: Huyện đoàn Càng Long" in text
    assert "đã chuyển 1 tài khoản sang Huyện đoàn Càng Long" in text
    assert page.get_by_text("Kế thừa bởi:").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/merge-360.png", full_page=True)
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server}/login")
    # The merged union's login now works for its successor.
    log_in(page, live_server, "cauke")
    assert page.locator("h1").inner_text() == "Huyện đoàn Càng Long"
