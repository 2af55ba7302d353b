"""Operations commands: a consistent online backup of the SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import Flask

from danvan.extensions import db


def backup_sqlite(target: Path) -> int:
    """Copy the live database to `target` with SQLite's online backup API; return its page count.

    A plain file copy taken during a write can be corrupt (sqlite.org/howtocorrupt.html §1.2);
    the backup API copies a consistent snapshot while the app keeps serving.
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("Lệnh này chỉ dành cho SQLite; với PostgreSQL hãy dùng pg_dump.")
    if target.exists():
        raise click.ClickException(f"{target} đã tồn tại; chọn một tệp mới.")
    source = sqlite3.connect(url.database)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        if destination.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise click.ClickException("Bản sao lưu không qua được kiểm tra toàn vẹn.")
        return destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
        source.close()


def register_cli(app: Flask) -> None:
    """Add `backup` to the flask command."""

    @app.cli.command("backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(target: Path) -> None:
        """Write a consistent copy of the SQLite database to TARGET (a new file)."""
        pages = backup_sqlite(target)
        click.echo(f"Đã sao lưu {pages} trang vào {target}.")
