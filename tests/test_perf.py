"""Performance rules that a unit test can hold: short write transactions, the scaled demo loader."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from danvan.extensions import db
from danvan.orm import LoginFailure


def test_login_holds_no_write_lock_while_the_password_hash_runs(app, client, db_path, monkeypatch):
    from danvan.auth import routes

    real = routes.verify_password
    seen = []

    def verify_while_probing(stored, password):
        # Another process must be able to write right now (no busy wait allowed).
        other = sqlite3.connect(db_path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            seen.append("free")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        return real(stored, password)

    monkeypatch.setattr(routes, "verify_password", verify_while_probing)
    assert client.post("/login", data={"username": "canglong", "password": "demo-danvan"}).status_code == 302
    response = client.post("/logout")
    assert response.status_code == 302
    bad = client.post("/login", data={"username": "canglong", "password": "wrong-password"})
    assert "không đúng" in bad.get_data(as_text=True)
    assert seen == ["free", "free"]
    with app.app_context():
        # The wrong password is counted once; the right one cleared the earlier count.
        assert db.session.scalar(select(func.count()).select_from(LoginFailure)
                                 .where(LoginFailure.username_key == "canglong")) == 1


def test_scaled_demo_adds_units_years_and_refuses_a_second_run(app):
    import click

    from danvan.demo.scale import seed_scale
    from danvan.orm import ChecklistItem, Plan, Task, Unit, User

    with app.app_context():
        units_before = db.session.scalar(select(func.count()).select_from(Unit))
        counts = seed_scale(factor=2, seed=1)
        assert counts["units"] == 20 and counts["users"] == 20
        assert db.session.scalar(select(func.count()).select_from(Unit)) == units_before + 20
        years = set(db.session.scalars(select(Plan.year).where(Plan.parent_plan_id.is_(None))))
        assert years == {2021, 2022, 2023, 2024, 2025}
        # Every new unit has a login with the demo password's hash and a task in every year.
        dv = db.session.scalar(select(User).where(User.username == "dv001"))
        assert dv.password_hash == db.session.scalar(select(User.password_hash).where(User.username == "canglong"))
        assert db.session.scalar(select(func.count()).select_from(Task).where(Task.unit_id == dv.unit_id)) == 10
        assert db.session.scalar(select(func.count()).select_from(ChecklistItem)) > 12 * 10 * 20
        with pytest.raises(click.ClickException):
            seed_scale(factor=2, seed=1)
