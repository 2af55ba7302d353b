"""Operations commands: a consistent online backup of the SQLite database, and its restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import click
from flask import Flask

from danvan.extensions import db


def backup_sqlite(target: Path) -> int:
    """Copy the live database to `target` with SQLite's online backup API; return its page count.

    A plain file copy taken during a write can be corrupt (sqlite.org/howtocorrupt.html §1.2);
    the backup API copies a consistent snapshot while the app keeps serving.
    """
    live = _sqlite_file()
    if target.exists():
        raise click.ClickException(f"{target} đã tồn tại; chọn một tệp mới.")
    source = sqlite3.connect(live)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        if destination.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise click.ClickException("Bản sao lưu không qua được kiểm tra toàn vẹn.")
        return destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
        source.close()


def _sqlite_file() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("Lệnh này chỉ dành cho SQLite; với PostgreSQL hãy dùng pg_dump và pg_restore.")
    return Path(url.database)


def _integrity(path: Path, *, immutable: bool = False) -> str:
    """Return SQLite's integrity_check verdict of a file ("ok" when sound)."""
    uri = f"file:{path}?immutable=1" if immutable else f"file:{path}"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as error:
        return str(error)


def holders(database: Path) -> list[int]:
    """Return the ids of other processes that have the database (or its WAL) open (Linux /proc)."""
    names = {str(database.resolve()), f"{database.resolve()}-wal"}
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        if int(entry.name) == os.getpid():
            continue
        try:
            if any(os.readlink(fd) in names for fd in (entry / "fd").iterdir()):
                found.append(int(entry.name))
        except OSError:
            continue  # a process that ended, or one we may not look into
    return found


def restore_sqlite(backup: Path) -> Path:
    """Put a backup in place of the database; return where the replaced files were kept.

    The app must be stopped: a running server would keep writing to the replaced file. After a
    crash the old -wal and -shm files are still beside the database, and SQLite would replay that
    WAL onto the restored copy (a malformed image, or the crash state back): they go aside too.
    """
    live = _sqlite_file()
    if not backup.is_file():
        raise click.ClickException(f"Không tìm thấy bản sao lưu {backup}.")
    if (verdict := _integrity(backup, immutable=True)) != "ok":
        raise click.ClickException(f"Bản sao lưu {backup} bị hỏng ({verdict}); không khôi phục.")
    db.engine.dispose()
    if pids := holders(live):
        raise click.ClickException(
            f"Ứng dụng đang mở cơ sở dữ liệu (tiến trình {', '.join(map(str, pids))}): hãy dừng ứng dụng trước.")
    aside = live.with_name(f"{live.name}.replaced-{datetime.now():%Y%m%d-%H%M%S}")
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{live}{suffix}").exists():
            shutil.move(f"{live}{suffix}", f"{aside}{suffix}")
    shutil.copyfile(backup, live)
    if (verdict := _integrity(live)) != "ok":
        raise click.ClickException(f"Cơ sở dữ liệu sau khi khôi phục không qua kiểm tra ({verdict}); "
                                   f"tệp cũ vẫn còn ở {aside}.")
    return aside


def register_cli(app: Flask) -> None:
    """Add `backup` and `restore` to the flask command."""

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(target: Path) -> None:
        """Write a consistent copy of the SQLite database to TARGET (a new file)."""
        pages = backup_sqlite(target)
        click.echo(f"Đã sao lưu {pages} trang vào {target}.")

    @app.cli.command("restore")
    @click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
    def restore_command(backup: Path) -> None:
        """Replace the SQLite database with BACKUP (the app stopped); the old files are kept aside."""
        aside = restore_sqlite(backup)
        click.echo(f"Đã khôi phục từ {backup}. Tệp cũ được giữ lại ở {aside}.")
