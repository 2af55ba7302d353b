"""Backups are consistent copies that the app can run on."""

import os
import signal
import sqlite3
import threading
import time

import pytest

from danvan import maintenance
from danvan.extensions import db
from danvan.orm import ChecklistItem, Task, Unit, User
from tests.conftest import make_app
from tests.engines import ENGINE
from tests.servers import Browser, app_servers

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


def _items(url: str) -> int:
    app = make_app(url)
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(ChecklistItem))


def test_restore_after_a_crash_brings_back_exactly_the_backup(db_url, tmp_path):
    """SIGKILL a server mid-writes, restore an earlier backup: its rows, nothing of the crash."""
    app = make_app(db_url)
    runner = app.test_cli_runner()
    with app.app_context():
        task = db.session.scalar(db.select(Task.id).join(Unit).where(Unit.name == "Huyện đoàn Càng Long"))
    backup = tmp_path / "before.db"
    with app_servers(db_url, 1) as (base,):
        user = Browser(base).log_in("canglong")
        for n in range(3):
            assert user.post(f"/tasks/{task}/items", {f"add{task}-text": f"Trước sao lưu {n}"}).status == 302
        assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
        in_backup = _items(f"sqlite:///{backup}")
        refused = runner.invoke(args=["restore", str(backup)])
        assert refused.exit_code != 0 and "hãy dừng ứng dụng trước" in refused.output

        stop = threading.Event()

        def keep_writing():
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    user.post(f"/tasks/{task}/items", {f"add{task}-text": f"Sau sao lưu {n}"}, timeout=2)
                except OSError:
                    return  # the server is gone

        writer = threading.Thread(target=keep_writing, daemon=True)
        writer.start()
        time.sleep(1.0)
        server_pid = next(pid for pid in maintenance.holders(ENGINE.path(db_url)))
        os.kill(server_pid, signal.SIGKILL)  # mid-writes: the WAL and its index stay behind
        stop.set()
        writer.join(5)
    assert _items(db_url) > in_backup
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    restored = make_app(db_url)
    with restored.app_context():
        texts = db.session.scalars(db.select(ChecklistItem.text).where(ChecklistItem.text.like("%sao lưu%"))).all()
        verdict = db.session.execute(db.text("PRAGMA integrity_check")).scalar()
    assert verdict == "ok" and sorted(texts) == [f"Trước sao lưu {n}" for n in range(3)]
    assert _items(db_url) == in_backup
    assert list(tmp_path.glob("**/danvan.db.replaced-*"))  # the crashed files are kept aside
