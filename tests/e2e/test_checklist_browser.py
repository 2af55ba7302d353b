"""Two people, two browsers: a tick on a phone shows on the leadership's open province view."""

from __future__ import annotations

import threading
import time

import pytest
from werkzeug.serving import make_server

from danvan.extensions import db
from danvan.orm import Assignment, ChecklistItem, Task
from tests.conftest import make_app
from tests.e2e.conftest import PHONE, log_in, slow_link

pytestmark = pytest.mark.e2e

HOUSES = "Nhà Nhân ái và tuyến đường thanh niên"


@pytest.fixture
def live_app(db_url):
    """The app on a real port; streams end after 20 s so the browser's reconnect is exercised too."""
    app = make_app(db_url, WTF_CSRF_ENABLED=True, LIVE_STREAM_SECONDS=20, LIVE_POLL_SECONDS=0.5)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def open_items(app) -> tuple[int, list[int]]:
    with app.app_context():
        task_id = db.session.scalar(
            db.select(Task.id).join(Task.assignment).where(Assignment.short_title == HOUSES))
        ids = db.session.scalars(
            db.select(ChecklistItem.id)
            .where(ChecklistItem.task_id == task_id, ChecklistItem.done_at.is_(None))
            .order_by(ChecklistItem.position)
        ).all()
    return task_id, list(ids)


def test_a_tick_on_the_phone_shows_on_the_open_province_view(browser, live_app):
    app, base = live_app
    task_id, (first, second, *_rest) = open_items(app)
    leaders = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        province = leaders.new_page()
        log_in(province, base, "btv")
        province.goto(f"{base}/province")
        row = province.locator(f"#row-{task_id}")
        before = row.locator("b").inner_text()
        done, total = map(int, before.split("/"))

        page = phone.new_page()
        log_in(page, base, "phongtrao")
        page.goto(f"{base}/checklist")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # A second page of the same unit, where someone is typing a new item.
        typing = phone.new_page()
        typing.goto(f"{base}/checklist")
        typing.locator(f"#task-{task_id} summary", has_text="Thêm việc cần làm").click()
        typing.fill(f"#add{task_id}-text", "Mời doanh nghiệp tài trợ đợt 2")
        typing.wait_for_timeout(500)  # let its stream connect
        # Each open page is named by its stream, and its writes send the name along.
        named = "() => document.querySelector('#page-id') && document.querySelector('#page-id').value"
        page.wait_for_function(named, timeout=5000)
        typing.wait_for_function(named, timeout=5000)
        assert page.evaluate(named) != typing.evaluate(named)
        fetched = {"page": [], "typing": []}
        page.on("request", lambda r: fetched["page"].append(r.url) if r.method == "GET" else None)
        typing.on("request", lambda r: fetched["typing"].append(r.url) if r.method == "GET" else None)

        button = page.locator(f"#item-{first} button.tick")
        started = time.monotonic()
        button.click()
        page.wait_for_selector(f'#item-{first} button.tick[aria-pressed="true"]')
        province.wait_for_function(
            "([id, text]) => document.querySelector('#row-' + id + ' b').textContent === text",
            arg=[task_id, f"{done + 1}/{total}"], timeout=5000,
        )
        delay = time.monotonic() - started
        assert delay < 5
        assert "Ban Phong trào" in row.inner_text()

        # The other page refreshed the ticked row live, and kept what was being typed; the page
        # that ticked had it already and fetched nothing.
        typing.wait_for_selector(f'#item-{first}.done', timeout=5000)
        assert f"{base}/items/{first}" in fetched["typing"]
        assert not any(f"/items/{first}" in url for url in fetched["page"]), fetched["page"]
        assert typing.locator(f"#count-{task_id} b").inner_text() == f"{done + 1}/{total}"
        assert typing.input_value(f"#add{task_id}-text") == "Mời doanh nghiệp tài trợ đợt 2"

        # Unticking travels the same way.
        page.locator(f"#item-{first} button.tick").click()
        province.wait_for_function(
            "([id, text]) => document.querySelector('#row-' + id + ' b').textContent === text",
            arg=[task_id, f"{done}/{total}"], timeout=5000,
        )
        # The phone adds an item: the typing page's list is re-fetched, the typed text stays.
        page.locator(f"#task-{task_id} summary", has_text="Thêm việc cần làm").click()
        page.fill(f"#add{task_id}-text", "Họp rút kinh nghiệm đợt 1")
        page.locator(f"#add-{task_id} button").click()
        typing.wait_for_selector(f"#items-{task_id} >> text=Họp rút kinh nghiệm đợt 1", timeout=5000)
        assert typing.input_value(f"#add{task_id}-text") == "Mời doanh nghiệp tài trợ đợt 2"
        # Adding an item on the typing page: the list grows on the other page too.
        typing.locator(f"#add-{task_id} button").click()
        page.wait_for_selector(f"#items-{task_id} >> text=Mời doanh nghiệp tài trợ đợt 2", timeout=5000)
        assert typing.input_value(f"#add{task_id}-text") == ""
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        print(f"\nobserved delay tick -> province view: {delay:.2f} s")
    finally:
        leaders.close()
        phone.close()


def test_tick_control_is_disabled_while_in_flight_and_a_double_tap_ticks_once(browser, live_app):
    app, base = live_app
    task_id, (first, *_rest) = open_items(app)
    phone = browser.new_context(viewport=PHONE, locale="vi-VN")
    try:
        page = phone.new_page()
        log_in(page, base, "phongtrao")
        page.goto(f"{base}/checklist")
        slow_link(phone, page)
        button = page.locator(f"#item-{first} button.tick")
        button.click()
        assert page.locator(f"#item-{first} button.tick[disabled]").count() == 1
        button.dblclick(force=True)  # taps on the disabled control do nothing
        page.wait_for_selector(f'#item-{first} button.tick[aria-pressed="true"]')
        page.wait_for_timeout(1500)
        assert page.locator(f'#item-{first} button.tick[aria-pressed="true"]').count() == 1
    finally:
        phone.close()
    with app.app_context():
        item = db.session.get(ChecklistItem, first)
        assert item.done_at is not None
        from danvan.orm import Change

        assert db.session.scalar(db.select(db.func.count()).select_from(Change).where(
            Change.object_type == "checklist_item", Change.object_id == first)) == 1


def test_ticking_works_without_javascript(browser, live_app):
    app, base = live_app
    task_id, (first, *_rest) = open_items(app)
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page, base, "phongtrao")
        page.goto(f"{base}/checklist")
        page.locator(f"#item-{first} button.tick").click()
        page.wait_for_load_state()
        assert page.locator(f'#item-{first}.done').count() == 1
    finally:
        context.close()
