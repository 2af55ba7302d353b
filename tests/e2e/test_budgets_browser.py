"""The byte and request budgets of BUDGETS.md that are deterministic, gated in a real browser."""

import pytest

from tests.conftest import PASSWORD
from tests.e2e.budget import watch

pytestmark = pytest.mark.e2e


def test_b1_login_page_cold_is_one_small_request(browser, live_server):
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    wire = watch(page)
    page.goto(f"{live_server}/login", wait_until="load")
    page.wait_for_timeout(300)  # a favicon request would show up here
    assert wire.requests == 1, wire.urls
    assert wire.total <= 2048, wire.total
    context.close()


def test_b3_home_page_cold_cache_and_b5_warm(browser, live_server):
    context = browser.new_context(viewport={"width": 412, "height": 823})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("#username", "canglong")
    page.fill("#password", PASSWORD)
    page.click("button")
    page.wait_for_url(f"{live_server}/")
    # Cold cache: a fresh context with the same login cookie.
    cookies = context.cookies()
    cold = browser.new_context(viewport={"width": 412, "height": 823})
    cold.add_cookies(cookies)
    page = cold.new_page()
    wire = watch(page)
    page.goto(f"{live_server}/", wait_until="load")
    page.wait_for_timeout(300)
    assert wire.requests <= 3, wire.urls
    assert wire.bytes_of("/a/htmx.") <= 16 * 1024
    assert wire.bytes_of("/a/site.") <= 3 * 1024
    assert wire.total <= 22 * 1024, wire.total
    # Warm cache: only the page itself travels.
    warm = watch(page)
    page.goto(f"{live_server}/", wait_until="load")
    page.wait_for_timeout(300)
    assert warm.requests == 1, warm.urls
    assert warm.total <= 4 * 1024
    context.close()
    cold.close()
