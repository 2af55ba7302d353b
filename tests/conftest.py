"""Fixtures: an app on a fresh copy of the seeded demo database, a client, login_as().

The database is SQLite unless TEST_DATABASE_URL (or DATABASE_URL) names a PostgreSQL server
(tests/engines.py); a test that holds for one engine only is marked `sqlite` or `postgresql`.
"""

from __future__ import annotations

import os
import re

import pytest
from argon2 import PasswordHasher

from danvan import create_app
from danvan.auth import passwords
from danvan.demo.plan382 import DEMO_TODAY
from danvan.extensions import db
from tests.engines import ENGINE

HX = {"HX-Request": "true"}
PASSWORD = "demo-danvan"
# Production hashes cost ~0,25 s each, and tests log in hundreds of times: hash cheaply here.
# tests/test_auth.py checks the production parameters with the production hasher.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


# Apps made during the current test; their connections are closed when it ends (below).
_APPS: list = []


def make_app(db_url: str, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": db_url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        # The demo lives in its own time (`make run` pins the same day); a test of real time unpins.
        "TODAY": DEMO_TODAY,
    }
    config.update(overrides)
    app = create_app(config)
    _APPS.append(app)
    return app


@pytest.fixture(autouse=True)
def _close_connections():
    """Close every pooled connection a test's apps opened: a database is dropped after its test."""
    yield
    while _APPS:
        with _APPS.pop().app_context():
            db.session.remove()
            db.engine.dispose()


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite: holds for the SQLite engine only (pragmas, files, locks)")
    config.addinivalue_line("markers", "postgresql: holds for the PostgreSQL engine only")


def pytest_sessionstart(session):
    """The PostgreSQL run needs its server: without one it is skipped, saying so, but never in CI."""
    if ENGINE.name == "postgresql" and (problem := ENGINE.available()):
        if os.environ.get("CI") == "true":
            pytest.exit(f"PostgreSQL is not reachable in CI ({problem})", returncode=3)
        pytest.exit(f"PostgreSQL run skipped: no server at {ENGINE.url.host}:{ENGINE.url.port or 5432} "
                    f"({problem}). Start one, or set TEST_DATABASE_URL.", returncode=0)


def pytest_report_header(config):
    return f"database engine: {ENGINE.name}"


def pytest_collection_modifyitems(config, items):
    """Engine-specific tests run on their engine; on the other one they are skipped, saying why."""
    for item in items:
        for engine in ("sqlite", "postgresql"):
            if item.get_closest_marker(engine) and ENGINE.name != engine:
                item.add_marker(pytest.mark.skip(reason=f"{engine} only; this run is on {ENGINE.name}"))


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> str:
    """Build the schema with the migrations and load the demo data once per test run."""
    from flask_migrate import upgrade

    from danvan.demo import seed_demo

    url = ENGINE.create(tmp_path_factory.mktemp("template"))
    app = make_app(url)
    with app.app_context():
        upgrade()
        seed_demo()
        db.engine.dispose()
    yield url
    ENGINE.drop(url)


@pytest.fixture
def db_url(seeded_db, tmp_path) -> str:
    """A database of its own for one test, with the demo data."""
    url = ENGINE.clone(seeded_db, tmp_path)
    yield url
    ENGINE.drop(url)


@pytest.fixture
def empty_db_url(seeded_db, tmp_path) -> str:
    """A database with nothing in it, not even the schema: a real deployment's first day."""
    url = ENGINE.create(tmp_path / "empty")
    yield url
    ENGINE.drop(url)


@pytest.fixture
def db_path(db_url):
    """The SQLite file of the test's database (tests marked `sqlite` only)."""
    return ENGINE.path(db_url)


@pytest.fixture
def app(db_url):
    app = make_app(db_url)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def login_as(client):
    """Log the test client in as a demo account and return the client."""

    def login(username: str, password: str = PASSWORD, test_client=None):
        c = test_client or client
        response = c.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, f"login as {username} failed"
        return c

    return login
