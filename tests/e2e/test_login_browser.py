"""A district union logs in on a phone and sees its home page."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_district_union_logs_in_on_a_phone(phone, live_server):
    page = phone.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    log_in(page, live_server, "canglong")
    assert page.locator("h1").inner_text() == "Huyện đoàn Càng Long"
    assert page.get_by_text("Xây dựng kế hoạch, mô hình của đơn vị").is_visible()
    assert page.get_by_text("Báo cáo kết quả trong báo cáo năm", exact=True).is_visible()
    # The demo lives on 03/12/2021: the annual report is days late, not years.
    assert page.get_by_text("Nộp báo cáo “Báo cáo tổng kết năm 2021”: trễ 3 ngày").is_visible()
    assert page.get_by_text("Dữ liệu mẫu · hôm nay là 03/12/2021").is_visible()
    # Nothing is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Everything came from the app itself.
    assert all(url.startswith(live_server) for url in requests)
    page.get_by_role("link", name="Kế hoạch số 382-KH/TĐTN-TCKT").click()
    assert page.get_by_text("Võ Minh Nhựt").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_wrong_password_keeps_the_name_and_says_why(phone, live_server):
    page = phone.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "canglong")
    page.fill("#password", "sai mật khẩu")
    page.click("button")
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert page.input_value("#username") == "canglong"


def test_logout_from_the_phone(phone, live_server):
    page = phone.new_page()
    log_in(page, live_server, "tracu")
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{live_server}/login")
    page.goto(f"{live_server}/")
    assert "/login" in page.url
