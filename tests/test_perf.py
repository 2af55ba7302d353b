"""Performance rules that a unit test can hold: short write transactions, the scaled demo loader."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from danvan.demo.plan382 import DEMO_TODAY
from danvan.extensions import db
from danvan.orm import LoginFailure, Plan, ReportingPeriod, User
from tests.conftest import PASSWORD, make_app
from tests.engines import ENGINE
from tests.helpers import queries_of_get
from tests.scaled import scaled_db  # noqa: F401  (fixture)
from tests.serve import SECRET_KEY


def test_the_served_app_leaves_what_start_up_made_out_of_the_collectors_sight(db_url):
    """A full garbage collection in a worker walked the ~160.000 objects start-up made, a 78–136 ms
    pause of every request in flight; `app.py` (what gunicorn serves) freezes them."""
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": SECRET_KEY}
    frozen = subprocess.run([sys.executable, "-c", "import gc, app; print(gc.get_freeze_count())"],
                            env=env, cwd=Path(__file__).resolve().parent.parent,
                            capture_output=True, text=True, check=True)
    assert int(frozen.stdout) > 50_000


@pytest.mark.sqlite
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
    from danvan.orm import Allocation, ChecklistItem, ProgressEntry, Task, Unit

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
        db.session.commit()
        # What the app inserts afterwards gets ids of its own (on PostgreSQL, the id sequences were
        # moved past the bulk ids): a unit's progress, a checklist item, a new unit.
        task = db.session.scalar(select(Task).where(Task.unit_id == dv.unit_id))
        target = db.session.scalar(select(Allocation.target_id).where(Allocation.unit_id == dv.unit_id))
        db.session.add_all([
            ProgressEntry(target_id=target, unit_id=dv.unit_id, recorded_on=date(2025, 6, 15), amount=1,
                          note="", created_by_id=dv.id),
            ChecklistItem(task_id=task.id, position=99, text="Việc thêm sau", created_by_id=dv.id),
            Unit(parent_id=dv.unit.parent_id, kind=dv.unit.kind, name="Đoàn xã mới",
                 short_name="Đoàn xã mới"),
        ])
        db.session.commit()
        with pytest.raises(click.ClickException):
            seed_scale(factor=2, seed=1)


# --- S3: a page costs the same number of queries whatever the data size -------------------------

def query_counts(db_url: str) -> dict[str, int]:
    """Return {page: SQL statements it ran} for the main pages, each as the account that uses it.

    Each database is seen on the demo's day of its latest plan year, so that both homes show the
    same kinds of things (a share quiet this quarter is only asked about within its plan year).
    """
    app = make_app(db_url)
    with app.app_context():
        unit_id = db.session.scalar(select(User.unit_id).where(User.username == "canglong"))
        plan_id, year = db.session.execute(select(Plan.id, Plan.year).where(Plan.parent_plan_id.is_(None))
                                           .order_by(Plan.year.desc()).limit(1)).one()
        period_id = db.session.scalar(select(func.max(ReportingPeriod.id)))
    app.config["TODAY"] = DEMO_TODAY.replace(year=year)
    pages = {
        "canglong": ["/", f"/units/{unit_id}/checklist", "/province", f"/plans/{plan_id}/initiatives"],
        "tckt": [f"/periods/{period_id}", "/reports"],
        "admin": ["/admin/users", "/admin/units"],
    }
    found = {}
    for username, urls in pages.items():
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        for url in urls:
            client.get(url)  # the first request of a process loads things once
            last = url.split("/")[-1]
            found[f"{username} {url.split('/')[1]} {'' if last.isdigit() else last}"] = queries_of_get(app, client, url)
    with app.app_context():
        db.engine.dispose()
    return found


def test_s3_queries_per_page_do_not_grow_with_ten_times_the_data(db_url, scaled_db):
    small, large = query_counts(db_url), query_counts(scaled_db)
    assert small == large
    # A unit's home gathers "Cần làm ngay", shares, whole-mô hình totals, tasks, reports and plans:
    # its own cap.
    assert all(n <= (40 if key.endswith("  ") else 20) for key, n in small.items()), small


def test_province_view_shows_one_plan_at_a_time_latest_first(scaled_db, tmp_path):
    url = ENGINE.clone(scaled_db, tmp_path)
    app = make_app(url)
    with app.app_context():
        plans = db.session.execute(select(Plan.id, Plan.year).where(Plan.parent_plan_id.is_(None))
                                   .order_by(Plan.year)).all()
    client = app.test_client()
    client.post("/login", data={"username": "btv", "password": PASSWORD})
    latest = client.get("/province").text
    assert f'<option value="{plans[-1].id}" selected>Năm 2025' in latest
    assert "Đoàn xã" in latest and latest.count('<tr id="row-') == 6 + 2 * 192
    older = client.get(f"/province?plan={plans[0].id}&kind=districts").text
    assert f'<option value="{plans[0].id}" selected>Năm 2021' in older
    assert "Ban Tuyên giáo" not in older and "Huyện đoàn Càng Long" in older
    # A plan id that is not a province plan falls back to the latest one.
    assert 'selected>Năm 2025' in client.get("/province?plan=999999").text
    with app.app_context():
        db.engine.dispose()
    ENGINE.drop(url)
