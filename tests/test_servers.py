"""Several app servers on one database (a proxy in front, PostgreSQL or one machine's SQLite).

Nothing a user relies on may live in one process's memory: a tick made through one server reaches
a page streamed by another, a logout on one ends the session on the other, and failed logins are
counted across both.
"""

from __future__ import annotations

import threading
import time
import urllib.request

from danvan.extensions import db
from danvan.orm import ChecklistItem, LiveEvent, Task, Unit
from tests.conftest import make_app
from tests.servers import Browser, app_servers


def _canglong_item(db_url: str) -> tuple[int, int, int]:
    """Return (unit id, an open item of its checklist, the newest LiveEvent id)."""
    app = make_app(db_url)
    with app.app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.name == "Huyện đoàn Càng Long"))
        item = db.session.scalar(db.select(ChecklistItem).join(Task).where(
            Task.unit_id == unit.id, ChecklistItem.done_at.is_(None), ChecklistItem.removed_at.is_(None)))
        since = db.session.scalar(db.select(db.func.max(LiveEvent.id))) or 0
        return unit.id, item.id, since


def test_a_tick_through_one_server_reaches_a_page_streamed_by_the_other(db_url):
    unit_id, item_id, since = _canglong_item(db_url)
    with app_servers(db_url, 2) as (one, other):
        ticker = Browser(one).log_in("canglong")
        watcher = Browser(other).log_in("cauke")
        heard: list[str] = []
        opened = threading.Event()

        def listen():
            request = urllib.request.Request(f"{other}/live?unit={unit_id}&since={since}")
            with watcher.opener.open(request, timeout=15) as stream:
                opened.set()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    line = stream.readline().decode()
                    heard.append(line.strip())
                    if line.startswith(f"event: item-{item_id}"):
                        return

        listener = threading.Thread(target=listen)
        listener.start()
        assert opened.wait(10)
        started = time.monotonic()
        assert ticker.post(f"/items/{item_id}/toggle", {"done": "1"}).status == 302
        listener.join(15)
    assert f"event: item-{item_id}" in heard, heard
    assert time.monotonic() - started < 5


def test_logout_on_one_server_ends_the_session_on_the_other(db_url):
    with app_servers(db_url, 2) as (one, other):
        user = Browser(one).log_in("canglong")
        assert user.move_to(other).get("/").status == 200
        assert user.move_to(one).post("/logout").status == 302
        # The cookie still names the ended session: the other server must refuse it too.
        answer = user.move_to(other).get("/")
        assert answer.status == 302 and answer.location.startswith("/login")


def test_failed_logins_are_counted_across_servers(db_url):
    """Five wrong passwords for one account from one address, spread over two servers, slow both."""
    with app_servers(db_url, 2) as servers:
        for n in range(5):  # LOGIN_FAILURE_LIMIT: the free tries of one account from one address
            answer = Browser(servers[n % 2]).post("/login", {"username": "tracu", "password": f"sai {n}"})
            assert answer.status == 200 and "không đúng" in answer.text
        for base in servers:
            answer = Browser(base).post("/login", {"username": "tracu", "password": "demo-danvan"})
            assert answer.status == 200 and "Đăng nhập sai quá nhiều lần" in answer.text
