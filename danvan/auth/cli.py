"""Account commands for real deployments: no account there has a known password."""

from __future__ import annotations

import getpass

import click
from flask import Flask

from danvan.auth.passwords import hash_password, one_time_password, password_problem
from danvan.auth.sessions import end_all_sessions
from danvan.extensions import db
from danvan.orm import Unit, UnitKind, User, record_change, utcnow
from danvan.text import clean_text, username_key


def _read_password(generate: bool, username: str, unit: Unit) -> str:
    if generate:
        return one_time_password()
    password = getpass.getpass("Mật khẩu mới: ")
    if problem := password_problem(password, username, unit.short_name):
        raise click.ClickException(problem)
    if getpass.getpass("Nhập lại: ") != password:
        raise click.ClickException("Hai lần nhập không khớp.")
    return password


def register_cli(app: Flask) -> None:
    """Add `create-user` and `set-password` to the flask command."""

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--unit-id", type=int, required=True, help="id of the unit the login belongs to")
    @click.option("--name", default="", help="the person's full name")
    @click.option("--admin", is_flag=True, help="give the account administrator rights")
    @click.option("--generate", is_flag=True, help="print a random password instead of asking")
    def create_user(username: str, unit_id: int, name: str, admin: bool, generate: bool) -> None:
        """Create a login for a unit."""
        key = username_key(username)
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            raise click.ClickException(f"Không có đơn vị id={unit_id}.")
        if db.session.scalar(db.select(User).where(User.username == key)):
            raise click.ClickException(f"Tên đăng nhập {key} đã có.")
        password = _read_password(generate, key, unit)
        user = User(username=key, full_name=name, unit_id=unit.id, is_admin=admin,
                    password_hash=hash_password(password), must_change_password=generate)
        db.session.add(user)
        db.session.flush()
        record_change(None, "create_user", "user", user.id, username=key, unit=unit.name)
        db.session.commit()
        click.echo(f"Đã tạo {key} ({unit.name}).")
        if generate:
            click.echo(f"Mật khẩu: {password}")

    @app.cli.command("set-password")
    @click.argument("username")
    @click.option("--generate", is_flag=True, help="print a random password instead of asking")
    def set_password(username: str, generate: bool) -> None:
        """Set a new password for a login and end its sessions."""
        user = db.session.scalar(db.select(User).where(User.username == username_key(username)))
        if user is None:
            raise click.ClickException("Không có tài khoản này.")
        password = _read_password(generate, user.username, user.unit)
        user.password_hash = hash_password(password)
        user.must_change_password = generate  # a printed one-time password is for one login only
        user.password_changed_at = utcnow()
        end_all_sessions(user.id)
        record_change(None, "set_password", "user", user.id)
        db.session.commit()
        click.echo(f"Đã đặt mật khẩu cho {user.username}.")
        if generate:
            click.echo(f"Mật khẩu: {password}")

    @app.cli.command("create-unit")
    @click.argument("name")
    @click.option("--short-name", default="", help="the short name shown in menus")
    @click.option("--kind", type=click.Choice([k.value for k in UnitKind]), default=UnitKind.PROVINCE.value)
    @click.option("--parent-id", type=int, default=None, help="id of the parent unit")
    def create_unit(name: str, short_name: str, kind: str, parent_id: int | None) -> None:
        """Create a unit (the first one of a real deployment, before any login exists)."""
        name = clean_text(name)
        if parent_id is not None and db.session.get(Unit, parent_id) is None:
            raise click.ClickException(f"Không có đơn vị id={parent_id}.")
        unit = Unit(name=name, short_name=clean_text(short_name) or name, kind=UnitKind(kind),
                    parent_id=parent_id)
        db.session.add(unit)
        db.session.flush()
        record_change(None, "create_unit", "unit", unit.id, name=name)
        db.session.commit()
        click.echo(f"Đã tạo đơn vị {unit.id}: {name}.")

    @app.cli.command("list-units")
    def list_units() -> None:
        """Print the units with their ids, to choose one for create-user."""
        for unit in db.session.scalars(db.select(Unit).order_by(Unit.id)):
            click.echo(f"{unit.id:4}  {unit.kind:20}  {unit.name}")
