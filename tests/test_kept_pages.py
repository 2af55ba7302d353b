"""Kept pages (danvan/pagecache.py): a page is sent again only while nothing it shows has changed.

The rule a user checks: after any write, by anyone, every page any reader opens is exactly what
rendering it afresh gives. Kept pages must also be the reader's own and cost almost nothing.
"""

from __future__ import annotations

import re
from datetime import date

import brotli
import pytest

from danvan.extensions import db
from danvan.orm import (
    OPEN_STATES,
    Assignment,
    ChecklistItem,
    DataVersion,
    Plan,
    PlanStatus,
    Report,
    Target,
    Task,
    Unit,
    User,
)
from danvan.orm.plan import assignment_coordinator
from danvan.pagecache import forget_kept_pages
from tests import helpers
from tests.conftest import HX

READERS = ["canglong", "cauke", "tckt", "btv", "danvantu", "admin", "phongtrao"]
# Where a page's live stream starts. A kept page's is older; the stream then replays the events
# in between, and skips every one: an event of a task the page shows would have renewed the page.
SINCE = re.compile(r"since=\d+")
# A CSRF token is signed with the second it was made: the same session's token, written anew.
CSRF = re.compile(r'(name="csrf_token" (?:type="hidden" )?value=")[^"]+|(X-CSRFToken&#34;: &#34;)[^&]+'
                  r'|("X-CSRFToken": ")[^"]+')


def _same_reader_sees(html: str) -> str:
    return CSRF.sub(lambda m: next(p for p in m.groups() if p) + "token", SINCE.sub("since", html))


def _unit_of(username: str) -> int:
    return db.session.scalar(db.select(User.unit_id).where(User.username == username))


def _ids(app) -> dict:
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.parent_plan_id.is_(None), Plan.status == PlanStatus.ISSUED)
                                 .order_by(Plan.year.desc()))
        canglong = _unit_of("canglong")
        task, item = db.session.execute(db.select(Task.id, ChecklistItem.id).join(Assignment).join(ChecklistItem).where(
            Task.unit_id == canglong, Assignment.plan_id == plan.id, ChecklistItem.done_at.is_(None),
            ChecklistItem.removed_at.is_(None)).order_by(ChecklistItem.id)).first()
        # A task some other unit coordinates on: its comments show on both units' pages.
        helped_task, helper = db.session.execute(
            db.select(Task.id, assignment_coordinator.c.unit_id)
            .join(assignment_coordinator, assignment_coordinator.c.assignment_id == Task.assignment_id)
            .join(User, User.unit_id == assignment_coordinator.c.unit_id)
            .where(assignment_coordinator.c.unit_id != Task.unit_id, User.is_admin.is_(False)).order_by(Task.id)).first()
        helper_login = db.session.scalar(db.select(User.username).where(
            User.unit_id == helper, User.is_admin.is_(False)).order_by(User.id))
        helped_item = db.session.scalar(db.select(ChecklistItem.id).where(
            ChecklistItem.task_id == helped_task, ChecklistItem.done_at.is_(None),
            ChecklistItem.removed_at.is_(None)).order_by(ChecklistItem.id))
        owner_login = db.session.scalar(
            db.select(User.username).join(Task, Task.unit_id == User.unit_id)
            .where(Task.id == helped_task, User.is_admin.is_(False)).order_by(User.id))
        target = db.session.scalar(db.select(Target.id).where(Target.measure == "child").order_by(Target.id))
        return {"plan": plan.id, "year": plan.year, "canglong": canglong, "cauke": _unit_of("cauke"),
                "tckt": _unit_of("tckt"), "task": task, "item": item, "helped_task": helped_task,
                "helper": helper, "helper_login": helper_login, "target": target,
                "helped_item": helped_item, "owner_login": owner_login}


def _pages(ids: dict) -> list[tuple[str, dict]]:
    return [("/", {}), (f"/units/{ids['canglong']}/checklist", {}), (f"/units/{ids['cauke']}/checklist", {}),
            (f"/units/{ids['helper']}/checklist", {}), ("/province", {}), (f"/plans/{ids['plan']}/initiatives", {}),
            (f"/province/tasks/{ids['task']}", HX), (f"/province/tasks/{ids['helped_task']}", HX)]


def _readers(app, login_as, names=READERS) -> dict:
    """Log these accounts in, each in a browser of its own: one that asks for brotli, as all do."""
    readers = {}
    for name in names:
        readers[name] = login_as(name, test_client=app.test_client())
        readers[name].environ_base["HTTP_ACCEPT_ENCODING"] = "br, gzip"
    return readers


def _shown(response) -> str:
    """The page as the browser reads it: decompressed."""
    if response.headers.get("Content-Encoding") == "br":
        return brotli.decompress(response.data).decode()
    return response.text


def _read_all(readers: dict, pages) -> dict:
    seen = {}
    for name, client in readers.items():
        for url, headers in pages:
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (name, url)
            seen[name, url] = _same_reader_sees(_shown(response))
    return seen


def _assert_all_fresh(app, readers: dict, pages) -> None:
    """What every reader is sent equals what rendering afresh gives, page for page."""
    sent = _read_all(readers, pages)
    forget_kept_pages(app)
    fresh = _read_all(readers, pages)
    stale = [key for key in sent if sent[key] != fresh[key]]
    assert not stale, f"kept pages out of date: {stale}"


def _tick(app, ids, readers):
    response = readers["canglong"].post(f"/items/{ids['item']}/toggle", data={"done": "1"}, headers=HX)
    assert response.status_code == 200


def _tick_of_a_helped_task(app, ids, readers):
    """The owner ticks a task another unit coordinates on: the helper's pages show it too."""
    response = readers[ids["owner_login"]].post(f"/items/{ids['helped_item']}/toggle", data={"done": "1"}, headers=HX)
    assert response.status_code == 200


def _comment_by_helper(app, ids, readers):
    task = ids["helped_task"]
    response = readers["helper"].post(f"/tasks/{task}/comments", data={f"comment{task}-text": "Đã phối hợp"},
                                      headers=HX)
    assert response.status_code == 200


def _task_done(app, ids, readers):
    task = ids["task"]
    response = readers["canglong"].post(f"/tasks/{task}/done", follow_redirects=True,
                                        data={f"done{task}-action": "done", f"done{task}-note": "Xong"})
    assert response.status_code == 200 and "Xong" in _shown(response)  # as a browser: its message shown


def _progress(app, ids, readers):
    target = ids["target"]
    response = readers["canglong"].post(f"/targets/{target}/progress", data={
        f"t{target}-amount": "7", f"t{target}-recorded_on": date(ids["year"], 11, 2).isoformat(),
        f"t{target}-note": "Trung thu"}, follow_redirects=True)
    assert response.status_code == 200 and "Đã ghi nhận 7" in _shown(response)  # as a browser: its message shown


def _report_submitted(app, ids, readers):
    with app.app_context():
        report_id, version = db.session.execute(
            db.select(Report.id, Report.version).where(Report.unit_id == ids["canglong"],
                                                       Report.status.in_(OPEN_STATES))).first()
    response = readers["canglong"].post(f"/reports/{report_id}", follow_redirects=True, data={
        "version": version, "action": "submit", "economy": "Kết quả kinh tế"})
    assert response.status_code == 200 and "Đã nộp báo cáo." in _shown(response)  # as a browser: its message shown


def _rename_in_a_script(app, ids, readers):
    with app.app_context():
        unit = db.session.get(Unit, ids["cauke"])
        unit.short_name = "Cầu Kè (mới)"
        db.session.commit()


def _log_in_elsewhere(app, ids, readers, login_as=None):
    readers["canglong"].application.test_client().post(
        "/login", data={"username": "canglong", "password": "demo-danvan"})


WRITES = [_tick, _tick_of_a_helped_task, _comment_by_helper, _task_done, _progress, _report_submitted,
          _rename_in_a_script, _log_in_elsewhere]


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.__name__.strip("_"))
def test_after_any_write_every_reader_gets_what_a_fresh_render_gives(app, login_as, write):
    ids = _ids(app)
    # The helper and the helped task's owner read and write too (each logged in once).
    names = dict.fromkeys([*READERS, ids["helper_login"], ids["owner_login"]])
    readers = _readers(app, login_as, list(names))
    readers["helper"] = readers[ids["helper_login"]]
    pages = _pages(ids)
    _read_all(readers, pages)  # every page kept
    _assert_all_fresh(app, readers, pages)  # nothing written: kept pages equal fresh ones
    _read_all(readers, pages)
    write(app, ids, readers)
    _assert_all_fresh(app, readers, pages)


def test_a_kept_page_costs_a_fixed_few_queries(app, client, login_as):
    login_as("canglong")
    with app.app_context():
        unit = _unit_of("canglong")
    for url in ("/", f"/units/{unit}/checklist", "/province"):
        first = helpers.queries_of_get(app, client, url)
        with helpers.sql_statements(app) as again:
            assert client.get(url).status_code == 200
        # BEGIN, the login session with its account, the version counters.
        assert len(again) <= 3 < first, (url, len(again), first)


def test_a_kept_page_is_its_readers_own(app, login_as):
    ids = _ids(app)
    canglong, cauke = _readers(app, login_as, ["canglong", "cauke"]).values()
    mine = _shown(canglong.get("/"))
    theirs = _shown(cauke.get("/"))
    assert "Càng Long" in mine and mine != theirs
    assert canglong.post("/logout").status_code == 302
    response = canglong.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert _shown(cauke.get(f"/units/{ids['canglong']}/checklist")).count('class="tick"') > 0


def test_a_page_sent_again_as_kept_is_compressed_once(app, login_as, monkeypatch):
    """Brotli was most of what a kept page cost (the province view: 1,35 ms of 3,1; a checklist's
    0,3–0,4 ms of 1,9). A page sent again as it was kept gets the bytes compressed at its first
    sending, a checklist too (its stream names it, not its HTML); after a write the new page is."""
    import flask_compress.flask_compress as compressor

    compressed, compress = [], compressor._compress_data
    monkeypatch.setattr(compressor, "_compress_data",
                        lambda app, data, algorithm: compressed.append(algorithm) or compress(app, data, algorithm))
    ids = _ids(app)
    canglong = _readers(app, login_as, ["canglong"])["canglong"]
    for url in ("/", "/province", f"/plans/{ids['plan']}/initiatives", f"/units/{ids['canglong']}/checklist"):
        first = canglong.get(url)
        compressed.clear()
        again = canglong.get(url)
        assert again.headers["Content-Encoding"] == "br" and again.data == first.data and not compressed, url
    before = _same_reader_sees(_shown(canglong.get("/province")))
    _tick(app, ids, {"canglong": canglong})
    compressed.clear()
    after = _same_reader_sees(_shown(canglong.get("/province")))
    assert compressed == ["br"] and after != before
    forget_kept_pages(app)
    assert _same_reader_sees(_shown(canglong.get("/province"))) == after


def test_a_tick_bumps_only_the_checklists_that_show_it(app, login_as):
    ids = _ids(app)
    client = login_as("canglong", test_client=app.test_client())
    with app.app_context():
        before = dict(db.session.execute(db.select(DataVersion.scope, DataVersion.n)).all())
        versions = dict(db.session.execute(db.select(Task.id, Task.version)).all())
    client.post(f"/items/{ids['item']}/toggle", data={"done": "1"}, headers=HX)
    with app.app_context():
        after = dict(db.session.execute(db.select(DataVersion.scope, DataVersion.n)).all())
        # The ticked task alone has a new version: its kept rows and sections are read again.
        counted_up = {task for task, n in db.session.execute(db.select(Task.id, Task.version)) if n != versions[task]}
        assert counted_up == {ids["task"]}
    changed = {scope for scope in after if after[scope] != before.get(scope, 0)}
    assert "checklist" in changed and f"unit:{ids['canglong']}" in changed
    assert "all" not in changed and f"unit:{ids['cauke']}" not in changed


def _item_counts_of(statements) -> list[set]:
    """The task ids each count of checklist items was asked for."""
    return [{v for v in values if isinstance(v, int)} for sql, values in statements
            if sql.startswith("SELECT checklist_item.task_id, count(")]


def test_after_a_tick_pages_read_and_render_again_only_what_it_changed(app, login_as):
    """The province view reads the ticked task's row only; the unit's checklist renders only that
    task's section; its home reads its checklist lines and counts, not its shares or reports."""
    ids = _ids(app)
    client = login_as("canglong", test_client=app.test_client())
    pages = ["/province", f"/units/{ids['canglong']}/checklist", "/"]
    for url in pages:
        assert client.get(url).status_code == 200
    _tick(app, ids, {"canglong": client})
    with helpers.sql_statements(app, parameters=True) as province:
        assert client.get("/province").status_code == 200
    assert _item_counts_of(province) == [{ids["task"]}]
    with helpers.sql_statements(app, parameters=True) as checklist:
        page = client.get(f"/units/{ids['canglong']}/checklist").text
    items = [{v for v in values if isinstance(v, int)} for sql, values in checklist
             if sql.startswith("SELECT checklist_item.id")]
    assert items and all(asked == {ids["task"]} for asked in items)
    assert page.count('<section class="card" id="task-') > 1
    with helpers.sql_statements(app, parameters=True) as home:
        assert client.get("/").status_code == 200
    read = " ".join(sql for sql, _ in home)
    assert "FROM allocation" not in read and "FROM report " not in read and "FROM checklist_item" in read
    # Its tasks' counts, read once for its task lines and its to-do lines alike.
    assert sum("FROM checklist_item" in sql for sql, _ in home) == 1
    # Each renewed page read its counters once: those it was kept with and its own, in one query.
    for renewed in (province, checklist, home):
        assert sum("FROM data_version" in sql for sql, _ in renewed) == 1
    forget_kept_pages(app)
    with helpers.sql_statements(app, parameters=True) as fresh:
        assert client.get("/").status_code == 200
    assert "FROM allocation" in " ".join(sql for sql, _ in fresh)


def test_a_database_with_tasks_upgrades_to_task_versions(empty_db_url):
    """Migration 0015 adds `task.version` in place to a filled task table (SQLite refuses to
    rebuild a table that others point at); tasks start at version 0."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app(empty_db_url)
    with app.app_context():
        upgrade(revision="0014")
        with db.engine.begin() as conn:
            helpers.insert_unit_and_plan(conn)
            conn.execute(text("INSERT INTO assignment (id, plan_id, section, position, text, short_title, unit_id, "
                              "unit_kinds) VALUES (1, 1, 'IV', 0, 'Giao Ban', 'Giao Ban', 1, '')"))
            conn.execute(text("INSERT INTO task (id, assignment_id, unit_id, done_note) VALUES (1, 1, 1, '')"))
            conn.execute(text("INSERT INTO checklist_item (task_id, position, text, responsible, created_at) "
                              "VALUES (1, 0, 'Việc cũ', '', '2021-06-22 00:00:00')"))
        upgrade()
        task = db.session.get(Task, 1)
        assert (task.version, len(db.session.scalars(db.select(ChecklistItem).where(
            ChecklistItem.task_id == 1)).all())) == (0, 1)
        db.session.remove()
        db.engine.dispose()


def test_logging_in_and_out_renews_only_the_home_of_that_account(app, login_as):
    """A crowd logging in on reporting day must not renew every kept page of the province: a login
    or logout bumps its account's own scope, which its home reads (what is new since the last visit)."""
    cauke = login_as("cauke", test_client=app.test_client())
    page = f"/units/{_unit_of_app(app, 'cauke')}/checklist"
    assert cauke.get(page).status_code == 200 and cauke.get("/").status_code == 200

    def changed_by(act) -> set:
        with app.app_context():
            before = dict(db.session.execute(db.select(DataVersion.scope, DataVersion.n)).all())
        act()
        with app.app_context():
            after = dict(db.session.execute(db.select(DataVersion.scope, DataVersion.n)).all())
        return {scope for scope in after if after[scope] != before.get(scope, 0)}

    with app.app_context():
        canglong_id = db.session.scalar(db.select(User.id).where(User.username == "canglong"))
    elsewhere = app.test_client()
    assert changed_by(lambda: elsewhere.post("/login", data={"username": "canglong", "password": "demo-danvan"})
                      ) == {f"login:{canglong_id}"}
    assert changed_by(lambda: elsewhere.post("/logout")) == {f"login:{canglong_id}"}
    with helpers.sql_statements(app) as again:
        assert cauke.get(page).status_code == 200 and cauke.get("/").status_code == 200
    assert len(again) <= 6  # both still kept: BEGIN, the login session, the counters, each


def _unit_of_app(app, username: str) -> int:
    with app.app_context():
        return _unit_of(username)


def test_after_a_tick_the_province_at_a_glance_reads_only_its_checklist_counts(app, login_as):
    """The standing committee's home: targets vs results, quán triệt, reports and who is behind
    on the targets are kept; a tick anywhere makes it read the checklist counts again, no more."""
    ids = _ids(app)
    btv = login_as("btv", test_client=app.test_client())
    canglong = login_as("canglong", test_client=app.test_client())
    first = btv.get("/").text
    assert "Toàn tỉnh" in first and "Đơn vị chậm tiến độ" in first
    _tick(app, ids, {"canglong": canglong})
    with helpers.sql_statements(app) as statements:
        page = btv.get("/").text
    read = " ".join(statements)
    assert "FROM progress_entry" not in read and "FROM allocation" not in read and "FROM checklist_item" in read
    forget_kept_pages(app)
    with helpers.sql_statements(app) as fresh:
        assert _same_reader_sees(btv.get("/").text) == _same_reader_sees(page)
    assert "FROM progress_entry" in " ".join(fresh)



def test_progress_and_reports_renew_what_shows_them_and_no_checklist(app, login_as):
    """On reporting day units record results and hand in reports all day: each bumps its own scope,
    which homes and mô hình pages read, and a unit's checklist page stays kept."""
    ids = _ids(app)
    readers = _readers(app, login_as, ["canglong", "cauke"])
    page = f"/units/{ids['cauke']}/checklist"
    assert readers["cauke"].get(page).status_code == 200

    def changed_by(write) -> set:
        with app.app_context():
            before = dict(db.session.execute(db.select(DataVersion.scope, DataVersion.n)).all())
        write(app, ids, readers)
        with app.app_context():
            after = dict(db.session.execute(db.select(DataVersion.scope, DataVersion.n)).all())
        return {scope for scope in after if after[scope] != before.get(scope, 0)}

    assert changed_by(_progress) == {"progress"}
    assert changed_by(_report_submitted) == {"reports"}
    with helpers.sql_statements(app) as again:
        assert readers["cauke"].get(page).status_code == 200
    assert len(again) <= 3  # still kept: BEGIN, the login session, the counters
