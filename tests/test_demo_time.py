"""The demo lives in its own time: plan 382's 2021, today pinned to 03/12/2021, shown in a banner."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from urllib.parse import urldefrag, urlparse

import pytest
from docx import Document
from sqlalchemy import Date, DateTime, select

from danvan.clock import VN_TZ, real_utcnow
from danvan.demo.plan382 import DEMO_TODAY
from danvan.extensions import db
from danvan.orm import ChecklistItem, LoginSession, Task, Unit
from tests.conftest import make_app

DAY = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")
# Not about the plan: the accounts' own records (logins run on real time) and leaving the app.
NOT_CRAWLED = ("/admin", "/logout", "/static", "/live")


def test_every_page_says_the_day_is_pinned(client, login_as):
    # The login page too: a newcomer knows before logging in that the data is a sample.
    assert "Dữ liệu mẫu · hôm nay là 03/12/2021" in client.get("/login").text
    login_as("canglong")
    for url in ("/", "/reports", "/province", "/account/password"):
        assert "Dữ liệu mẫu · hôm nay là 03/12/2021" in client.get(url).text, url


def test_a_real_deployment_has_no_banner_and_the_real_date(db_url):
    app = make_app(db_url, TODAY=None)
    client = app.test_client()
    assert "Dữ liệu mẫu" not in client.get("/login").text
    with app.app_context():
        from danvan import clock

        assert clock.today() >= date(2026, 1, 1)


def test_production_refuses_a_pinned_day(monkeypatch):
    from danvan import create_app

    monkeypatch.setenv("DANVAN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DANVAN_TODAY", "2021-12-03")
    with pytest.raises(RuntimeError, match="DANVAN_TODAY"):
        create_app()


def test_a_pinned_day_that_is_not_a_date_stops_the_start(monkeypatch):
    from danvan import create_app

    monkeypatch.setenv("DANVAN_TODAY", "3/12/2021")
    with pytest.raises(RuntimeError, match="2021-12-03"):
        create_app()


def test_a_tick_falls_on_the_pinned_day_but_a_login_lasts_in_real_time(app, client, login_as):
    login_as("canglong")
    with app.app_context():
        session = db.session.scalar(select(LoginSession).order_by(LoginSession.id.desc()))
        # A pinned clock steps back a day at midnight: a login must not last a day longer for it.
        assert abs(session.created_at - real_utcnow()) < timedelta(minutes=5)
        item = db.session.scalar(select(ChecklistItem).join(Task).join(Unit)
                                 .where(Unit.name == "Huyện đoàn Càng Long", ChecklistItem.done_at.is_(None),
                                        ChecklistItem.removed_at.is_(None)).order_by(ChecklistItem.id))
        item_id = item.id
    # Without htmx the tick answers with a redirect back to the checklist.
    assert client.post(f"/items/{item_id}/toggle", data={"done": "1"}).status_code == 302
    with app.app_context():
        done_at = db.session.get(ChecklistItem, item_id).done_at  # UTC; the day is Vietnam's
        assert done_at.replace(tzinfo=UTC).astimezone(VN_TZ).date() == DEMO_TODAY


def test_the_demo_data_has_no_date_outside_2021_and_nothing_stamped_after_today(app):
    """Every date column of every demo row (logins excepted: real time) falls in 2021; stamps ≤ today."""
    end_of_today = datetime.combine(DEMO_TODAY + timedelta(days=1), datetime.min.time())
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name in ("login_session", "login_failure"):
                continue
            for column in table.columns:
                if not isinstance(column.type, (Date, DateTime)):
                    continue
                for value in db.session.scalars(select(column).where(column.isnot(None)).distinct()):
                    stamped = isinstance(value, datetime)
                    if value.year != 2021 or (stamped and value >= end_of_today):
                        found.append(f"{table.name}.{column.name} = {value}")
    assert not found, found[:20]


def _dates_in(text: str) -> set[date]:
    days = set()
    for day, month, year in DAY.findall(text):
        try:
            days.add(date(int(year), int(month), int(day)))
        except ValueError:  # a fraction like 12/20/2021 is no date; none should be there
            days.add(date(int(year), 1, 1))
    return days


def _crawl(client, start: str, limit: int = 160) -> dict[str, set[date]]:
    """GET every page the account can reach from `start` (GET changes nothing), with the dates each shows."""
    seen: dict[str, set[date]] = {}
    queue = [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        if response.status_code != 200:
            seen[url] = set()
            continue
        kind = response.mimetype
        if kind == "text/html":
            text = response.text
            for href in re.findall(r'href="(/[^"]*)"', text):
                link = urldefrag(href.replace("&amp;", "&"))[0]
                if not link.startswith(NOT_CRAWLED) and link not in seen:
                    queue.append(link)
        elif url.endswith(".docx") or urlparse(url).path.endswith("docx"):
            document = Document(BytesIO(response.data))
            text = "\n".join(p.text for p in document.paragraphs)
            text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
        else:
            text = ""
        seen[url] = _dates_in(text)
    return seen


@pytest.mark.parametrize("username", ["canglong", "tckt", "btv"])
def test_the_demo_pages_show_no_date_outside_2021(client, login_as, username):
    """A newcomer, opening the demo fresh, finds plan 382's world in 2021 on every page and file."""
    login_as(username)
    pages = _crawl(client, "/")
    assert len(pages) > 20
    outside = {url: sorted(d.strftime("%d/%m/%Y") for d in days if d.year != 2021)
               for url, days in pages.items()}
    assert not {url: days for url, days in outside.items() if days}
    # Late reports are days late, never years.
    assert not re.search(r"trễ [\d.]{3,} ngày", client.get("/").text)
