"""Fixtures: an app on a fresh copy of the seeded demo database, a client, login_as()."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from danvan import create_app
from danvan.auth import passwords
from danvan.extensions import db

HX = {"HX-Request": "true"}
PASSWORD = "demo-danvan"
# Production hashes cost ~0,25 s each, and tests log in hundreds of times: hash cheaply here.
# tests/test_auth.py checks the production parameters with the production hasher.
passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def make_app(db_path: Path, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory) -> Path:
    """Build the schema with the migrations and load the demo data once per test run."""
    from flask_migrate import upgrade

    from danvan.demo import seed_demo

    path = tmp_path_factory.mktemp("template") / "danvan.db"
    app = make_app(path)
    with app.app_context():
        upgrade()
        seed_demo()
        db.engine.dispose()
    return path


@pytest.fixture
def db_path(seeded_db, tmp_path) -> Path:
    path = tmp_path / "danvan.db"
    shutil.copy(seeded_db, path)
    return path


@pytest.fixture
def app(db_path):
    app = make_app(db_path)
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
