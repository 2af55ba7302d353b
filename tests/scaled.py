"""The scaled demo database as a session fixture (shared by the S3 and B8 tests)."""

from __future__ import annotations

import pytest

from danvan.demo.scale import seed_scale
from danvan.extensions import db
from tests.conftest import make_app
from tests.engines import ENGINE


@pytest.fixture(scope="session")
def scaled_db(seeded_db, tmp_path_factory):
    """The demo scaled ten times (≈ 200 units, 2021–2025), built once per test run (~5 s)."""
    url = ENGINE.clone(seeded_db, tmp_path_factory.mktemp("scaled"))
    app = make_app(url)
    with app.app_context():
        seed_scale(factor=10)
        db.engine.dispose()
    yield url
    ENGINE.drop(url)
