"""App-wide behaviour: health check, headers, static files, access levels, errors."""

import json
import re

import pytest

from danvan.access import Access
from danvan.extensions import db
from tests.conftest import HX
from tests.factories import user_by_name


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text.strip() == "ok"


def test_every_endpoint_has_an_access_level(app):
    unclassified = [
        rule.endpoint for rule in app.url_map.iter_rules()
        if not isinstance(getattr(app.view_functions[rule.endpoint], "access_level", None), Access)
    ]
    assert unclassified == []


def test_only_public_endpoints_answer_anonymous_visitors(app, client):
    for rule in app.url_map.iter_rules():
        level = app.view_functions[rule.endpoint].access_level
        if level is Access.PUBLIC or "GET" not in rule.methods:
            continue
        url = re.sub(r"<(?:\w+:)?[^>]+>", "1", rule.rule)
        response = client.get(url)
        assert response.status_code in (302, 404), (rule.endpoint, response.status_code)


def test_security_headers_on_pages_errors_and_fragments(client, login_as):
    login_as("canglong")
    for response in [client.get("/"), client.get("/nowhere"), client.get("/login")]:
        csp = response.headers["Content-Security-Policy"]
        for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'",
                          "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]:
            assert directive in csp
        assert "unsafe" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "HX-Request" in response.headers.get("Vary", "")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    # A fragment is never rendered on its own: a short deny-all policy, nothing to frame.
    fragment = client.get("/plans/1/cascade", headers=HX)
    assert fragment.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert fragment.headers["X-Content-Type-Options"] == "nosniff"
    assert "HX-Request" in fragment.headers["Vary"] and fragment.headers["Cache-Control"] == "no-store"


def test_the_answer_to_a_write_names_no_vary(app, client, login_as):
    """Nothing stores it (no-store, and a POST's answer besides): Vary would be 43 bytes of every
    tick's answer for nothing (B6). A page keeps its Vary."""
    from danvan.orm import ChecklistItem, Task

    login_as("canglong")
    with app.app_context():
        item = db.session.scalar(db.select(ChecklistItem.id).join(Task).where(
            Task.unit_id == user_by_name("canglong").unit_id, ChecklistItem.done_at.is_(None),
            ChecklistItem.removed_at.is_(None)).limit(1))
    tick = client.post(f"/items/{item}/toggle", data={"done": "1"}, headers={**HX, "Accept-Encoding": "br"})
    assert tick.status_code == 200 and tick.headers["Cache-Control"] == "no-store"
    assert tick.headers["Content-Encoding"] == "br" and "Vary" not in tick.headers
    page = client.get("/", headers={"Accept-Encoding": "br"})
    varies = set(page.headers["Vary"].replace(" ", "").split(","))
    assert {"HX-Request", "Accept-Encoding", "Cookie"} <= varies


def test_session_cookie_is_not_resent_on_every_response(app, client, login_as):
    import time

    login_as("canglong")
    assert "Set-Cookie" not in client.get("/").headers
    page = client.get("/")
    src = re.search(r'<script src="([^"]+)"', page.text).group(1)
    asset = client.get(src)
    assert "Set-Cookie" not in asset.headers
    # A year-long cached file must not vary with the cookie, or every re-issue refetches it.
    assert "Cookie" not in asset.headers.get("Vary", "")
    # Past the refresh interval an active session is re-issued, pushing the idle deadline on.
    with client.session_transaction() as session:
        session["_issued"] = int(time.time()) - 11 * 60
    assert "Set-Cookie" in client.get("/").headers
    assert "Set-Cookie" not in client.get("/").headers


def test_htmx_is_served_locally_fingerprinted_and_cached_for_a_year(client, login_as):
    login_as("canglong")
    page = client.get("/").text
    src = re.search(r'<script src="([^"]+)"', page).group(1)
    assert src.startswith("/a/htmx.") and src.endswith(".js")
    response = client.get(src, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(response.data) <= 16 * 1024
    css = re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1)
    assert len(client.get(css, headers={"Accept-Encoding": "br"}).data) <= 3 * 1024


def test_htmx_config_is_defensive(client, login_as):
    login_as("canglong")
    page = client.get("/").text
    raw = re.search(r'<meta name="htmx-config" content="([^"]+)"', page).group(1)
    config = json.loads(raw.replace("&#34;", '"'))
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    assert config["historyCacheSize"] == 0 and config["historyRestoreAsHxRequest"] is False
    assert config["includeIndicatorStyles"] is False and config["selfRequestsOnly"] is True


def test_home_page_fits_the_budget_compressed(client, login_as):
    login_as("canglong")
    response = client.get("/", headers={"Accept-Encoding": "br"})
    assert response.headers.get("Content-Encoding") == "br"
    assert len(response.data) <= 4 * 1024


def test_too_large_body_is_refused(client, login_as):
    response = client.post("/login", data={"username": "x", "password": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.text


def test_a_crash_shows_an_incident_id_and_no_internals(app, client):
    @app.get("/boom-test")
    def boom():
        raise RuntimeError("secret internals sqlalchemy")

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom-test")
    assert response.status_code == 500
    assert "Mã sự cố" in response.text
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text


@pytest.mark.parametrize("path", ["/console", "/.git/config"])
def test_no_debugger_or_repository_files(client, path):
    assert client.get(path).status_code == 404


def test_production_refuses_unsafe_settings(monkeypatch):
    from danvan import create_app

    monkeypatch.setenv("DANVAN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "dev")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


@pytest.mark.sqlite
def test_sqlite_pragmas(app):
    from danvan.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


@pytest.mark.sqlite
def test_a_write_request_releases_the_write_lock_before_rendering(app, client, login_as, db_path):
    """Another process can write while a tick's response is being rendered (no lock held)."""
    import sqlite3

    from jinja2_fragments.flask import before_render_template_blocks

    from danvan.extensions import db
    from danvan.orm import ChecklistItem, Task, Unit

    with app.app_context():
        item = db.session.scalar(
            db.select(ChecklistItem).join(Task).join(Unit).where(Unit.name == "Huyện đoàn Càng Long")
            .where(ChecklistItem.removed_at.is_(None)).order_by(ChecklistItem.id))
        item_id, done = item.id, item.done_at is not None
    seen = []

    def other_writer(_sender, **_extra):
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError:
            seen.append("locked")
        finally:
            other.close()

    before_render_template_blocks.connect(other_writer, app)
    try:
        login_as("canglong")
        response = client.post(f"/items/{item_id}/toggle", data={"done": "0" if done else "1"}, headers=HX)
    finally:
        before_render_template_blocks.disconnect(other_writer, app)
    assert response.status_code == 200
    assert seen and set(seen) == {"free"}


def test_a_page_never_writes(app):
    """A GET is a read, on both engines: on PostgreSQL it runs outside a transaction (danvan.database),
    so a write there would commit statement by statement. Any write from a GET is refused."""
    from sqlalchemy import update

    from danvan.extensions import db
    from danvan.orm import Unit

    with app.test_request_context("/"):
        with pytest.raises(RuntimeError, match="GET request must not write"):
            db.session.execute(update(Unit).values(position=Unit.position))
        db.session.rollback()
    with app.test_request_context("/", method="POST"):
        db.session.execute(update(Unit).where(Unit.id == -1).values(position=0))
        db.session.rollback()


@pytest.mark.postgresql
def test_on_postgresql_a_page_reads_without_a_transaction_and_a_write_has_one(app):
    """Two round trips fewer a page (BEGIN, ROLLBACK); a write request keeps its transaction."""
    from danvan.extensions import db

    with app.test_request_context("/"):
        db.session.execute(db.text("SELECT 1"))
        assert db.session.connection().connection.dbapi_connection.info.transaction_status.name == "IDLE"
        db.session.remove()
    with app.test_request_context("/", method="POST"):
        db.session.execute(db.text("SELECT 1"))
        assert db.session.connection().connection.dbapi_connection.info.transaction_status.name == "INTRANS"
        db.session.remove()
