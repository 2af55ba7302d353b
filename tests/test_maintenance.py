"""Backups are consistent copies that the app can run on."""

import sqlite3

import pytest

from danvan.extensions import db
from danvan.orm import Unit, User
from tests.conftest import make_app

pytestmark = pytest.mark.sqlite  # the backup command copies the SQLite file; PostgreSQL: pg_dump


def test_backup_is_a_consistent_copy_the_app_boots_on(app, runner, tmp_path):
    target = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(target)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM user").fetchone()[0] == 19
    copy.close()
    restored = make_app(f"sqlite:///{target}")
    with restored.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Unit)) > 20
        assert db.session.scalar(db.select(User.username).where(User.username == "canglong"))
        db.engine.dispose()


def test_backup_refuses_to_overwrite(runner, tmp_path):
    target = tmp_path / "exists.db"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert target.read_text() == "keep me"
