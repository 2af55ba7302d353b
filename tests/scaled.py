"""The scaled demo database as a session fixture (shared by the S3 and B8 tests)."""

from __future__ import annotations

import pytest

from danvan.extensions import db


@pytest.fixture(scope="session")
def scaled_db(seeded_db, tmp_path_factory):
    """The demo scaled ten times (≈ 200 units, 2021–2025), built once per test run (~5 s)."""
    import shutil

    from tests.conftest import make_app

    from danvan.demo.scale import seed_scale

    path = tmp_path_factory.mktemp("scaled") / "danvan.db"
    shutil.copy(seeded_db, path)
    app = make_app(path)
    with app.app_context():
        seed_scale(factor=10)
        db.engine.dispose()
    return path
