"""The live checklist: pages and fragments, ticks and history, who may change what, the stream."""

from __future__ import annotations

import re
import threading
import time

import pytest
from sqlalchemy import event

from danvan.extensions import db
from danvan.orm import Assignment, Change, ChecklistItem, LiveEvent, Task, TaskComment, Unit, User, utcnow
from danvan.checklist import completion, events
from tests import helpers
from tests.conftest import HX

HOUSES = "Nhà Nhân ái và tuyến đường thanh niên"
OFFICE = "Cơ quan “Xanh - sạch - đẹp - văn minh”"
STANDING = "Bộ phận thường trực, chế độ báo cáo"


def task_of(app, username: str, short_title: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(Task.id).join(Task.assignment).join(User, User.unit_id == Task.unit_id)
            .where(User.username == username, Assignment.short_title == short_title)
        )


def items_of(app, task_id: int) -> list[ChecklistItem]:
    with app.app_context():
        items = db.session.scalars(
            db.select(ChecklistItem).where(ChecklistItem.task_id == task_id)
            .order_by(ChecklistItem.position, ChecklistItem.id)
        ).all()
        db.session.expunge_all()
        return items


def open_item(app, task_id: int) -> ChecklistItem:
    return next(i for i in items_of(app, task_id) if not i.done and i.removed_at is None)


def snapshot(app) -> tuple:
    """Everything a checklist write could change."""
    return helpers.snapshot(
        app,
        db.select(ChecklistItem.id, ChecklistItem.position, ChecklistItem.text, ChecklistItem.due_on,
                  ChecklistItem.responsible, ChecklistItem.done_at, ChecklistItem.removed_at)
        .order_by(ChecklistItem.id),
        db.select(Task.id, Task.done_at, Task.done_note, Task.changed_at).order_by(Task.id),
        db.select(TaskComment.id).order_by(TaskComment.id),
        db.select(LiveEvent.id).order_by(LiveEvent.id),
        db.select(Change.id).order_by(Change.id),
    )


@pytest.fixture
def houses(app):
    return task_of(app, "phongtrao", HOUSES)


def write_requests(task_id: int, item_id: int) -> list[tuple[str, dict]]:
    """Every checklist write, with valid input."""
    return [
        (f"/tasks/{task_id}/items", {f"add{task_id}-text": "Việc mới"}),
        (f"/items/{item_id}/toggle", {"done": "1"}),
        (f"/items/{item_id}/edit", {f"edit{item_id}-text": "Sửa lại"}),
        (f"/items/{item_id}/move", {"direction": "down"}),
        (f"/items/{item_id}/remove", {}),
        (f"/tasks/{task_id}/done", {f"done{task_id}-action": "done", f"done{task_id}-note": "Xong"}),
        (f"/tasks/{task_id}/comments", {f"comment{task_id}-text": "Ý kiến"}),
    ]


# --- pages and fragments -------------------------------------------------------------------


def test_the_unit_sees_its_tasks_with_items_and_counts(app, client, login_as, houses):
    login_as("phongtrao")
    page = client.get("/checklist", follow_redirects=True).text
    assert "<html" in page and "Việc cần làm: Ban Phong trào Tỉnh đoàn" in page
    assert HOUSES in page
    items = [i for i in items_of(app, houses) if i.removed_at is None]
    done = sum(i.done for i in items)
    assert f"<b>{done}/{len(items)}</b>" in page
    for item in items:
        assert item.text in page
    # Its own items carry tick forms that say which state they set.
    assert f'action="/items/{items[0].id}/toggle"' in page
    assert 'sse-connect="/live?unit=' in page and 'hx-ext="sse"' in page


def test_any_login_reads_another_units_checklist_without_controls(app, client, login_as, houses):
    login_as("canglong")
    with app.app_context():
        unit_id = db.session.scalar(db.select(Task.unit_id).where(Task.id == houses))
    page = client.get(f"/units/{unit_id}/checklist").text
    assert HOUSES in page and "chỉ đọc" in page
    assert "/toggle" not in page and "Thêm việc cần làm" not in page and "/edit" not in page


def test_read_only_account_reads_the_checklist_and_province(client, login_as, houses):
    login_as("danvantu")
    assert client.get("/units/1/checklist").status_code == 200
    assert client.get("/province").status_code == 200
    assert "/toggle" not in client.get(f"/tasks/{houses}", headers=HX).text


def test_home_page_shows_done_count_and_links_the_checklist(app, client, login_as, houses):
    login_as("phongtrao")
    page = client.get("/").text
    items = [i for i in items_of(app, houses) if i.removed_at is None]
    assert f"<b>{sum(i.done for i in items)}/{len(items)}</b>" in page
    assert f"/checklist#task-{houses}" in page
    assert ">Việc cần làm</a>" in page


def test_standing_committee_nav_links_the_province_view(client, login_as):
    login_as("btv")
    page = client.get("/").text
    assert 'href="/province">Toàn tỉnh</a>' in page


@pytest.mark.parametrize("part", ["head", "items", "comments"])
def test_task_fragment_and_page(client, login_as, houses, part):
    login_as("btv")
    fragment = client.get(f"/tasks/{houses}?part={part}", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'hx-trigger="sse:' in fragment.text
    page = client.get(f"/tasks/{houses}?part={part}")
    assert page.status_code == 200 and "<html" in page.text and HOUSES in page.text


def test_task_fragment_unknown_part_is_404(client, login_as, houses):
    login_as("btv")
    assert client.get(f"/tasks/{houses}?part=secret", headers=HX).status_code == 404
    assert client.get("/tasks/999999", headers=HX).status_code == 404


def test_item_fragment_and_page(app, client, login_as, houses):
    item = items_of(app, houses)[0]
    login_as("btv")
    fragment = client.get(f"/items/{item.id}", headers=HX).text
    assert fragment.startswith(f'<li id="item-{item.id}"') and "<html" not in fragment
    assert item.text in fragment
    page = client.get(f"/items/{item.id}").text
    assert "<html" in page and item.text in page


# --- ticking -------------------------------------------------------------------------------


def test_tick_records_who_and_when_and_untick_too(app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("phongtrao")
    response = client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX)
    assert response.status_code == 200
    with app.app_context():
        ticked = db.session.get(ChecklistItem, item.id)
        user = db.session.scalar(db.select(User).where(User.username == "phongtrao"))
        assert ticked.done_at is not None and ticked.done_by_id == user.id
        assert ticked.ticked_by_id == user.id
    assert "Ban Phong trào (phongtrao)" in response.text
    client.post(f"/items/{item.id}/toggle", data={"done": "0"}, headers=HX)
    with app.app_context():
        unticked = db.session.get(ChecklistItem, item.id)
        assert unticked.done_at is None and unticked.ticked_at is not None
        actions = db.session.scalars(
            db.select(Change.action).where(Change.object_type == "checklist_item", Change.object_id == item.id)
            .order_by(Change.id)
        ).all()
    assert actions == ["tick", "untick"]


def test_double_tap_does_not_toggle_twice(app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("phongtrao")
    for _ in range(2):
        assert client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX).status_code == 200
    with app.app_context():
        assert db.session.get(ChecklistItem, item.id).done_at is not None
        assert db.session.scalar(
            db.select(db.func.count()).select_from(Change).where(Change.object_id == item.id,
                                                                 Change.object_type == "checklist_item")
        ) == 1


def test_tick_fragment_is_the_row_and_the_counter_only_and_small(app, client, login_as, houses):
    item = open_item(app, houses)
    before = sum(i.done for i in items_of(app, houses) if i.removed_at is None)
    login_as("phongtrao")
    response = client.post(f"/items/{item.id}/toggle", data={"done": "1"},
                           headers={**HX, "Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    assert len(response.data) <= 450  # B6 leaves ~500 B for the body; headers are app-wide
    text = client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX).text
    assert "<html" not in text
    assert text.startswith(f'<li id="item-{item.id}"')
    assert 'aria-pressed="true"' in text and 'name="done" value="0"' in text
    assert f'<div id="count-{houses}" class="count" hx-swap-oob="true">' in text
    assert f"<b>{before + 1}/" in text
    assert "<section" not in text


def test_tick_without_javascript_redirects_back_to_the_page(app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("phongtrao")
    response = client.post(f"/items/{item.id}/toggle", data={"done": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/checklist?year=2021#task-{houses}")
    page = client.get(response.headers["Location"]).text
    assert "<html" in page and f'id="item-{item.id}" class="done"' in page


def test_bad_toggle_value_changes_nothing(app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("phongtrao")
    before = snapshot(app)
    assert client.post(f"/items/{item.id}/toggle", data={"done": "flip"}, headers=HX).status_code == 400
    assert snapshot(app) == before


def test_task_is_done_when_all_its_items_are(app, client, login_as):
    task_id = task_of(app, "thieunhi", "Chăm lo thiếu nhi có hoàn cảnh khó khăn")
    login_as("thieunhi")
    for item in items_of(app, task_id):
        client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX)
    head = client.get(f"/tasks/{task_id}", headers=HX).text
    assert "Hoàn thành" in head


# --- items: add, edit, move, remove ----------------------------------------------------------


def test_add_item_with_htmx_returns_a_fresh_form_and_the_new_list(app, client, login_as, houses):
    login_as("phongtrao")
    response = client.post(f"/tasks/{houses}/items", headers=HX, data={
        f"add{houses}-text": "Họp ban chỉ đạo xây nhà", f"add{houses}-due_on": "2026-12-31",
        f"add{houses}-responsible": "Nguyễn Văn An"})
    assert response.status_code == 200 and "<html" not in response.text
    assert response.text.startswith(f'<form id="add-{houses}"')
    assert "Họp ban chỉ đạo xây nhà" not in response.text.split("</form>")[0]  # the form is empty again
    assert f'<ul id="items-{houses}"' in response.text and 'hx-swap-oob="true"' in response.text
    added = items_of(app, houses)[-1]
    assert (added.text, str(added.due_on), added.responsible) == (
        "Họp ban chỉ đạo xây nhà", "2026-12-31", "Nguyễn Văn An")
    assert added.position == max(i.position for i in items_of(app, houses))


def test_add_item_without_javascript_redirects(app, client, login_as, houses):
    login_as("phongtrao")
    response = client.post(f"/tasks/{houses}/items", data={f"add{houses}-text": "Việc không cần JS"})
    assert response.status_code == 302
    assert "Việc không cần JS" in client.get(response.headers["Location"]).text


@pytest.mark.parametrize("headers", [HX, {}])
def test_add_item_bad_input_keeps_values_and_says_why(app, client, login_as, houses, headers):
    login_as("phongtrao")
    before = snapshot(app)
    response = client.post(f"/tasks/{houses}/items", headers=headers, data={
        f"add{houses}-text": "", f"add{houses}-due_on": "31/02/2026",
        f"add{houses}-responsible": "Trần Thị Bình"})
    assert response.status_code == 200
    assert "Vui lòng nhập mục này." in response.text and "Ngày không hợp lệ." in response.text
    assert 'value="Trần Thị Bình"' in response.text
    assert ("<html" in response.text) == (not headers)
    assert snapshot(app) == before


def test_edit_item_form_fragment_page_and_save(app, client, login_as, houses):
    item = items_of(app, houses)[0]
    login_as("phongtrao")
    fragment = client.get(f"/items/{item.id}/edit", headers=HX).text
    assert "<html" not in fragment and f'value="{item.text}"' in fragment
    page = client.get(f"/items/{item.id}/edit").text
    assert "<html" in page and f'value="{item.text}"' in page
    response = client.post(f"/items/{item.id}/edit", headers=HX, data={
        f"edit{item.id}-text": "Rà soát lại danh sách hộ nghèo", f"edit{item.id}-due_on": "",
        f"edit{item.id}-responsible": ""})
    assert response.status_code == 200 and "Rà soát lại danh sách hộ nghèo" in response.text
    edited = items_of(app, houses)[0]
    assert edited.text == "Rà soát lại danh sách hộ nghèo" and edited.due_on is None
    with app.app_context():
        assert db.session.scalar(db.select(Change).where(Change.action == "edit", Change.object_id == item.id))


def test_edit_item_bad_date_is_a_message(app, client, login_as, houses):
    item = items_of(app, houses)[0]
    login_as("phongtrao")
    before = snapshot(app)
    response = client.post(f"/items/{item.id}/edit", headers=HX, data={
        f"edit{item.id}-text": "x", f"edit{item.id}-due_on": "1900-01-01"})
    assert response.status_code == 200 and "Ngày không hợp lệ." in response.text
    assert snapshot(app) == before


def test_move_item_up_and_down(app, client, login_as, houses):
    first, second = items_of(app, houses)[:2]
    login_as("phongtrao")
    response = client.post(f"/items/{second.id}/move", data={"direction": "up"}, headers=HX)
    assert response.status_code == 200 and response.text.startswith(f'<ul id="items-{houses}"')
    assert [i.id for i in items_of(app, houses)[:2]] == [second.id, first.id]
    assert response.text.index(f'id="item-{second.id}"') < response.text.index(f'id="item-{first.id}"')
    client.post(f"/items/{second.id}/move", data={"direction": "down"})
    assert [i.id for i in items_of(app, houses)[:2]] == [first.id, second.id]
    # The first item cannot move further up: nothing changes.
    before = snapshot(app)
    client.post(f"/items/{first.id}/move", data={"direction": "up"}, headers=HX)
    assert snapshot(app) == before


def test_remove_keeps_the_item_in_history(app, client, login_as, houses):
    item = items_of(app, houses)[0]
    login_as("phongtrao")
    response = client.post(f"/items/{item.id}/remove", headers=HX)
    assert response.status_code == 200 and f'id="item-{item.id}"' not in response.text.split("</ul>")[0]
    assert f'<details id="history-{houses}"' in response.text and f"<s>{item.text}</s>" in response.text
    gone = next(i for i in items_of(app, houses) if i.id == item.id)
    assert gone.removed_at is not None and gone.removed_by_id is not None
    page = client.get("/checklist", follow_redirects=True).text
    assert "Lịch sử: 1 việc đã xóa" in page and "xóa bởi Ban Phong trào" in page
    # A removed item can no longer be ticked, edited or read as a live row.
    assert client.post(f"/items/{item.id}/toggle", data={"done": "1"}).status_code == 404
    assert client.get(f"/items/{item.id}", headers=HX).status_code == 404


# --- task done, comments ----------------------------------------------------------------------


def test_mark_task_done_with_a_note_and_reopen(app, client, login_as, houses):
    login_as("phongtrao")
    response = client.post(f"/tasks/{houses}/done", headers=HX, data={
        f"done{houses}-action": "done", f"done{houses}-note": "Đã bàn giao 90 căn"})
    assert response.status_code == 200 and "Mở lại nhiệm vụ" in response.text
    assert f'<div id="head-{houses}"' in response.text and "Đã bàn giao 90 căn" in response.text
    with app.app_context():
        assert db.session.get(Task, houses).done_note == "Đã bàn giao 90 căn"
    assert "Hoàn thành" in client.get("/province").text
    client.post(f"/tasks/{houses}/done", data={f"done{houses}-action": "reopen"})
    with app.app_context():
        assert db.session.get(Task, houses).done_at is None


def test_mark_done_needs_a_note(app, client, login_as, houses):
    login_as("phongtrao")
    before = snapshot(app)
    response = client.post(f"/tasks/{houses}/done", headers=HX, data={f"done{houses}-action": "done"})
    assert response.status_code == 200
    assert "Vui lòng ghi chú kết quả khi đánh dấu hoàn thành." in response.text
    assert snapshot(app) == before


def test_coordinating_unit_may_comment_but_not_tick(app, client, login_as):
    office = task_of(app, "chidoancq", OFFICE)
    item = open_item(app, office)
    login_as("congdoancq")
    page = client.get(f"/tasks/{office}").text
    assert f'id="comment-{office}"' in page and "/toggle" not in page
    own = client.get("/checklist", follow_redirects=True).text
    assert "phối hợp" in own and OFFICE in own
    response = client.post(f"/tasks/{office}/comments", headers=HX,
                           data={f"comment{office}-text": "Công đoàn hỗ trợ cây xanh"})
    assert response.status_code == 200 and "Công đoàn hỗ trợ cây xanh" in response.text
    assert f'<ul id="notes-{office}"' in response.text
    before = snapshot(app)
    assert client.post(f"/items/{item.id}/toggle", data={"done": "1"}).status_code == 403
    assert snapshot(app) == before


def test_a_comment_from_a_helping_unit_is_on_the_home_after_the_next_login(app, client, login_as):
    office = task_of(app, "chidoancq", OFFICE)
    owner = login_as("chidoancq", test_client=app.test_client())
    assert "góp ý về" not in owner.get("/").text
    owner.post("/logout")
    login_as("congdoancq")
    client.post(f"/tasks/{office}/comments",
                data={f"comment{office}-text": "Công đoàn hỗ trợ cây xanh"})
    # Its own remarks are no news to a unit: only the helping unit's comment is listed.
    owner = login_as("chidoancq", test_client=app.test_client())
    owner.post(f"/tasks/{office}/comments", data={f"comment{office}-text": "Chi đoàn đã nhận cây"})
    home = owner.get("/").text
    assert home.count("góp ý về") == 1 and f"góp ý về “{OFFICE}”" in home
    assert "Công đoàn hỗ trợ cây xanh" in home and "Chi đoàn đã nhận cây" not in home
    assert f"/checklist#task-{office}" in home


def test_empty_comment_is_refused_with_a_message(app, client, login_as):
    office = task_of(app, "chidoancq", OFFICE)
    login_as("chidoancq")
    before = snapshot(app)
    response = client.post(f"/tasks/{office}/comments", data={f"comment{office}-text": " "})
    assert response.status_code == 200 and "Vui lòng nhập mục này." in response.text
    assert snapshot(app) == before


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(7))
def test_another_unit_is_refused_every_write(app, client, login_as, houses, index):
    item = open_item(app, houses)
    url, data = write_requests(houses, item.id)[index]
    login_as("tuyengiao")
    before = snapshot(app)
    assert client.post(url, data=data, headers=HX).status_code == 403
    assert client.post(url, data=data).status_code == 403
    assert snapshot(app) == before


def test_another_unit_cannot_open_the_edit_form(app, client, login_as, houses):
    login_as("tuyengiao")
    assert client.get(f"/items/{items_of(app, houses)[0].id}/edit").status_code == 403


@pytest.mark.parametrize("index", range(7))
def test_read_only_account_is_refused_every_write(app, client, login_as, houses, index):
    item = open_item(app, houses)
    url, data = write_requests(houses, item.id)[index]
    login_as("danvantu")
    before = snapshot(app)
    assert client.post(url, data=data).status_code == 403
    assert snapshot(app) == before


@pytest.mark.parametrize("index", range(7))
def test_anonymous_is_sent_to_login_and_nothing_changes(app, client, houses, index):
    item = open_item(app, houses)
    url, data = write_requests(houses, item.id)[index]
    before = snapshot(app)
    response = client.post(url, data=data)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(url, data=data, headers=HX).headers.get("HX-Redirect", "").startswith("/login")
    assert snapshot(app) == before


@pytest.mark.parametrize("index", range(7))
def test_admin_may_make_every_write(app, client, login_as, houses, index):
    item = open_item(app, houses)
    url, data = write_requests(houses, item.id)[index]
    login_as("admin")
    assert client.post(url, data=data, headers=HX).status_code == 200


def test_missing_objects_are_404(client, login_as):
    login_as("phongtrao")
    assert client.post("/items/999999/toggle", data={"done": "1"}).status_code == 404
    assert client.post("/tasks/999999/items", data={}).status_code == 404
    assert client.get("/units/999999/checklist").status_code == 404


# --- province view ---------------------------------------------------------------------------


def test_province_view_shows_every_task_with_counts_and_overdue(app, client, login_as):
    login_as("btv")
    page = client.get("/province").text
    assert "<html" in page
    with app.app_context():
        tasks = db.session.scalars(db.select(Task)).all()
        counts = completion.counts(t.id for t in tasks)
    assert len(tasks) == 6 + 2 * 12
    for task in tasks:
        done, total, late = counts[task.id]
        row = re.search(rf'<tr id="row-{task.id}".*?</tr>', page, re.S).group(0)
        assert f"<b>{done}/{total}</b>" in row
        assert (f'<span class="late">{late} quá hạn</span>' in row) == bool(late)
    assert sum(c[2] for c in counts.values()) > 0


def test_province_view_filters_by_unit_kind(client, login_as):
    login_as("tckt")
    districts = client.get("/province?kind=districts").text
    assert "Huyện đoàn Càng Long" in districts and "Ban Phong trào" not in districts
    assert "Đoàn Trường Đại học Trà Vinh" not in districts
    boards = client.get("/province?kind=boards").text
    assert "Ban Phong trào" in boards and "Huyện đoàn Càng Long" not in boards
    affiliated = client.get("/province?kind=affiliated").text
    assert "Đoàn Trường Đại học Trà Vinh" in affiliated and "Ban Phong trào" not in affiliated


def test_province_row_fragment_shows_the_last_change(app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("phongtrao")
    client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX)
    fragment = client.get(f"/province/tasks/{houses}", headers=HX).text
    assert fragment.startswith(f'<tr id="row-{houses}"') and "<html" not in fragment
    assert "Ban Phong trào" in fragment
    assert "<html" in client.get(f"/province/tasks/{houses}").text


# --- live ------------------------------------------------------------------------------------


def test_every_write_leaves_a_live_event(app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("admin")
    for url, data in write_requests(houses, item.id):
        with app.app_context():
            before = events.last_event_id()
        assert client.post(url, data=data, headers=HX).status_code == 200
        with app.app_context():
            event = db.session.scalar(db.select(LiveEvent).where(LiveEvent.id > before))
        assert event is not None and event.task_id == houses, url


@pytest.mark.sqlite
def test_a_tick_holds_the_write_lock_only_for_its_few_rows(app, client, login_as, houses):
    """The login session and the item are read before BEGIN IMMEDIATE; inside, only the writes."""
    item = open_item(app, houses)
    login_as("phongtrao")
    with helpers.sql_statements(app) as statements:
        assert client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX).status_code == 200
    assert statements.count("BEGIN IMMEDIATE") == 1
    start = statements.index("BEGIN IMMEDIATE")
    end = next((i for i in range(start + 1, len(statements)) if statements[i].startswith("BEGIN")),
               len(statements))
    held = [" ".join(s.split()[:3]) for s in statements[start + 1:end]]
    assert held[0].startswith("UPDATE checklist_item SET")
    assert all(s.startswith(("UPDATE", "INSERT")) for s in held) and len(held) <= 6, held
    read_first = " ".join(statements[:start])
    assert "FROM login_session" in read_first and "FROM checklist_item" in read_first


def test_a_write_request_looks_up_its_login_before_taking_the_write_lock(app, client, login_as, houses):
    login_as("phongtrao")
    with helpers.sql_statements(app) as statements:
        assert client.post(f"/tasks/{houses}/comments", data={f"comment{houses}-text": "Ý kiến"},
                           headers=HX).status_code == 200
    lookup = next(i for i, s in enumerate(statements) if "FROM login_session" in s)
    immediate = [i for i, s in enumerate(statements) if s == "BEGIN IMMEDIATE"]
    assert not immediate or lookup < immediate[0]  # PostgreSQL has no BEGIN IMMEDIATE


def read_stream(client, url: str, **headers) -> tuple:
    response = client.get(url, headers=headers)
    chunks = []
    for chunk in response.response:  # ends by itself: LIVE_STREAM_SECONDS is short here
        chunks.append(chunk.decode() if isinstance(chunk, bytes) else chunk)
    response.close()
    return response, "".join(chunks)


@pytest.fixture
def quick_stream(app):
    app.config.update(LIVE_STREAM_SECONDS=0.3, LIVE_POLL_SECONDS=0.05, LIVE_KEEPALIVE_SECONDS=0.1)
    return app


def test_stream_names_the_changed_pieces(quick_stream, app, client, login_as, houses):
    item = open_item(app, houses)
    login_as("phongtrao")
    with app.app_context():
        since = events.last_event_id()
    client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX)
    client.post(f"/tasks/{houses}/items", data={f"add{houses}-text": "Việc mới"}, headers=HX)
    response, body = read_stream(client, f"/live?since={since}", **{"Accept-Encoding": "br"})
    assert response.mimetype == "text/event-stream"
    assert "Content-Encoding" not in response.headers  # never buffered by a compressor
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert body.startswith("retry: ")
    assert f"event: item-{item.id}\ndata:\n\n" in body
    assert f"event: list-{houses}\ndata:" in body
    assert f"event: task-{houses}\ndata:" in body
    assert f"id: {since + 2}\n" in body
    assert ":\n\n" in body  # keepalive comment when nothing more happens


def test_open_pages_share_one_poller_per_process(quick_stream, app, login_as, houses):
    """Hundreds of open pages must not each query the database: one poller wakes them all."""
    app.config.update(LIVE_STREAM_SECONDS=1.5)
    item = open_item(app, houses)
    with app.app_context():
        since = events.last_event_id()
    readers = [login_as(name, test_client=app.test_client()) for name in ("canglong", "tckt", "btv")]
    bodies: list[str] = []
    threads = [threading.Thread(target=lambda c=c: bodies.append(read_stream(c, f"/live?since={since}")[1]))
               for c in readers]
    for thread in threads:
        thread.start()
    time.sleep(0.4)
    pollers = [t for t in threading.enumerate() if t.name == "live-hub"]
    ticker = login_as("phongtrao", test_client=app.test_client())
    assert ticker.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX).status_code == 200
    for thread in threads:
        thread.join(5)
    assert len(pollers) == 1
    assert len(bodies) == 3 and all(f"event: item-{item.id}\n" in body for body in bodies)


def test_stream_resumes_after_last_event_id(quick_stream, app, client, login_as, houses):
    first, second = [i for i in items_of(app, houses) if not i.done][:2]
    login_as("phongtrao")
    client.post(f"/items/{first.id}/toggle", data={"done": "1"}, headers=HX)
    with app.app_context():
        seen = events.last_event_id()
    client.post(f"/items/{second.id}/toggle", data={"done": "1"}, headers=HX)
    _, body = read_stream(client, "/live?since=0", **{"Last-Event-ID": str(seen)})
    assert f"item-{second.id}" in body and f"item-{first.id}" not in body


def test_stream_of_a_unit_page_carries_only_its_tasks(quick_stream, app, client, login_as, houses):
    item = open_item(app, houses)
    other = task_of(app, "tuyengiao", "Tuyên truyền phong trào thi đua")
    with app.app_context():
        tuyengiao_unit = db.session.scalar(db.select(Task.unit_id).where(Task.id == other))
        since = events.last_event_id()
    login_as("phongtrao")
    client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX)
    _, body = read_stream(client, f"/live?unit={tuyengiao_unit}&since={since}")
    assert "item-" not in body and "task-" not in body


@pytest.mark.sqlite
def test_the_live_poller_reads_without_taking_the_write_lock(quick_stream, app, client, login_as, houses):
    """Each process's poller reads new events every second while a page is open: on SQLite with a
    plain BEGIN, never BEGIN IMMEDIATE, which would queue it with the province's ticks."""
    item = open_item(app, houses)
    login_as("phongtrao")
    polled = []

    def poller_statement(_conn, _cursor, statement, *_args):
        if threading.current_thread().name == "live-hub":
            polled.append(statement)

    with app.app_context():
        since = events.last_event_id()
        engine = db.engine
    event.listen(engine, "before_cursor_execute", poller_statement)
    try:
        client.post(f"/items/{item.id}/toggle", data={"done": "1"}, headers=HX)
        read_stream(client, f"/live?since={since}")
    finally:
        event.remove(engine, "before_cursor_execute", poller_statement)
    assert any("FROM live_event" in s for s in polled), polled
    assert "BEGIN" in polled and "BEGIN IMMEDIATE" not in polled


def test_stream_names_its_page_and_skips_the_changes_made_from_it(quick_stream, app, client, login_as, houses,
                                                                   monkeypatch):
    """A unit's stream names its page first (a hidden field its forms send along), then skips the
    changes made from that page, not those of another tab of the same login."""
    from danvan.checklist import live

    first, second = [i for i in items_of(app, houses) if not i.done][:2]
    login_as("phongtrao")
    page = client.get("/checklist", follow_redirects=True).text
    assert 'sse-swap="page"' in page and page.count('hx-include="#page-id"') >= 2 and "X-Page" not in page
    stream_url = re.search(r'sse-connect="([^"]+)"', page).group(1).replace("&amp;", "&")
    named = re.compile(r'event: page\ndata: <input type="hidden" id="page-id" name="page" '
                       r'value="([0-9a-f]{8})">')
    names = {named.search(read_stream(client, stream_url)[1]).group(1) for _ in range(2)}
    assert len(names) == 2  # every stream, every tab, its own
    monkeypatch.setattr(live, "new_page_id", lambda: "89abcdef")
    with app.app_context():
        since = events.last_event_id()
    client.post(f"/items/{first.id}/toggle", data={"done": "1", "page": "89abcdef"}, headers=HX)
    client.post(f"/items/{second.id}/toggle", data={"done": "1", "page": "0123abcd"}, headers=HX)
    client.post(f"/items/{second.id}/toggle", data={"done": "0", "page": '"><b>89abcdef'}, headers=HX)
    unit = re.search(r"unit=(\d+)", stream_url).group(1)
    _, body = read_stream(client, f"/live?unit={unit}&since={since}")
    assert 'value="89abcdef"' in body
    assert f"item-{first.id}" not in body and f"item-{second.id}" in body
    with app.app_context():  # a malformed name is no name
        origins = db.session.scalars(db.select(LiveEvent.origin).where(LiveEvent.id > since)
                                     .order_by(LiveEvent.id)).all()
    assert origins == ["89abcdef", "0123abcd", ""]
    _, province = read_stream(client, f"/live?since={since}")  # the province view writes nothing: unnamed
    assert "event: page" not in province and f"item-{first.id}" in province


@pytest.mark.parametrize("query", ["since=99999999999999999999999", "unit=-1", "unit=٣", "since=abc"])
def test_stream_ignores_malformed_numbers(quick_stream, client, login_as, query):
    login_as("btv")
    response, body = read_stream(client, f"/live?{query}", **{"Last-Event-ID": "1" * 40})
    assert response.status_code == 200 and body.startswith("retry: ")


def test_stream_needs_a_login(client):
    assert client.get("/live").status_code == 302


def test_old_live_events_are_pruned(app):
    from datetime import timedelta

    with app.test_request_context(method="POST"):
        task = db.session.get(Task, 1)
        user = db.session.scalar(db.select(User).where(User.username == "admin"))
        db.session.add_all(LiveEvent(task_id=1, unit_id=task.unit_id, part="task", at=utcnow() - timedelta(days=2))
                           for _ in range(events.PRUNE_EVERY - 1))
        db.session.flush()
        events.announce(task, user, "task")  # gets id PRUNE_EVERY, so it prunes
        db.session.commit()
        ids = db.session.scalars(db.select(LiveEvent.id)).all()
    assert ids == [events.PRUNE_EVERY]


# --- demo data and page size -------------------------------------------------------------------


def test_every_task_of_plan_382_has_a_starting_checklist(app):
    with app.app_context():
        tasks = db.session.scalars(db.select(Task)).all()
        counts = completion.counts(t.id for t in tasks)
        units = {u.id: u for u in db.session.scalars(db.select(Unit))}
    assert all(3 <= counts[t.id][1] <= 6 for t in tasks)
    assert sum(c[0] for c in counts.values()) >= 20  # several already ticked
    assert 1 <= sum(1 for c in counts.values() if c[2]) <= len(tasks)
    assert {units[t.unit_id].kind for t in tasks} >= {"board", "office_cell", "district", "affiliated"}


def test_seed_demo_twice_adds_no_items(app):
    from danvan.demo import checklist as demo_checklist

    with app.app_context():
        assert demo_checklist.load() == 0


def test_checklist_page_fits_the_budget_compressed(client, login_as):
    login_as("phongtrao")
    response = client.get("/checklist", follow_redirects=True, headers={"Accept-Encoding": "br"})
    assert response.headers.get("Content-Encoding") == "br"
    assert len(response.data) <= 4 * 1024


def test_queries_per_page_do_not_grow_with_the_data(app, client, login_as):
    login_as("tckt")
    with app.app_context():
        tckt = db.session.scalar(db.select(User.unit_id).where(User.username == "tckt"))
    urls = [f"/units/{tckt}/checklist", "/province", "/"]
    before = [helpers.queries_of_get(app, client, url) for url in urls]
    with app.test_request_context(method="POST"):
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        for task in db.session.scalars(db.select(Task)).all():
            for n in range(5):
                db.session.add(ChecklistItem(task_id=task.id, text=f"Thêm {n}", position=10 + n,
                                             done_at=utcnow(), ticked_at=utcnow(),
                                             ticked_by_id=admin.id, removed_at=utcnow() if n == 4 else None,
                                             removed_by_id=admin.id))
            db.session.add(TaskComment(task_id=task.id, unit_id=admin.unit_id, user_id=admin.id, text="Ý kiến"))
            task.changed_at, task.changed_by_id = utcnow(), admin.id
        db.session.commit()
    after = [helpers.queries_of_get(app, client, url) for url in urls]
    assert before == after
    # The home page of the organisation board also carries the province at a glance and what
    # waits for it ("Cần làm ngay": reports to review, late units, quán triệt, periods to compile).
    assert after[0] <= 15 and after[1] <= 15 and after[2] <= 45


def test_checklist_shows_the_newest_issued_year_and_keeps_older_years_a_link_away(app, client, login_as):
    """Next year's draft does not push this year's work off the page; old years stay reachable."""
    login_as("tckt")
    assert client.post("/plans/1/copy").status_code in (200, 302)
    client.post("/logout")
    login_as("phongtrao")
    with app.app_context():
        unit_id = db.session.scalar(db.select(User.unit_id).where(User.username == "phongtrao"))
    page = client.get(f"/units/{unit_id}/checklist").text
    assert "· năm 2021" in page and "Nhà Nhân ái và tuyến đường thanh niên" in page
    assert f'href="/units/{unit_id}/checklist?year=2022"' in page
    draft_year = client.get(f"/units/{unit_id}/checklist?year=2022").text
    assert "· năm 2022" in draft_year and "Nhà Nhân ái và tuyến đường thanh niên" in draft_year


def test_a_reader_misses_no_change_when_two_writes_interleave(app):
    """The stream reads events after the last id it saw: a write that took its id first but
    would commit last must not be skipped (PostgreSQL hands out ids before commit)."""
    import threading

    first_added, second_done, reader_read = threading.Event(), threading.Event(), threading.Event()

    def write(first: bool):
        with app.test_request_context(method="POST"):
            if not first:
                first_added.wait(5)
            task = db.session.get(Task, 1 if first else 2)  # two checklists: no row lock in common
            user = db.session.scalar(db.select(User).where(User.username == "admin"))
            events.announce(task, user, "task")
            if first:
                first_added.set()
                reader_read.wait(2)  # a reader passes by now, if the other write got through
            db.session.commit()
            if not first:
                second_done.set()
            db.session.remove()

    writers = [threading.Thread(target=write, args=(first,)) for first in (True, False)]
    for w in writers:
        w.start()
    second_done.wait(10)
    with app.app_context():
        seen = [r.id for r in events.new_events(0)]
        reader_read.set()
        for w in writers:
            w.join()
        seen += [r.id for r in events.new_events(max(seen, default=0))]  # the stream's rule
        every = db.session.scalars(db.select(LiveEvent.id).order_by(LiveEvent.id)).all()
    assert len(every) == 2 and sorted(seen) == every


def test_the_province_view_sorts_by_who_is_behind_and_filters_by_state(app, client, login_as):
    login_as("btv")

    def rows(url: str) -> list[str]:
        return re.findall(r'<tr id="row-\d+".*?</tr>', client.get(url).text, re.S)

    def fraction(row: str) -> float:
        done, total = map(int, re.search(r"<b>(\d+)/(\d+)</b>", row).groups())
        return done / (total or 1)

    behind = rows("/province?sort=behind")
    finished = ["Hoàn thành" in row for row in behind]
    assert finished == sorted(finished)  # every unfinished task before the finished ones
    open_ratios = [fraction(row) for row, done in zip(behind, finished, strict=True) if not done]
    assert open_ratios == sorted(open_ratios) and len(behind) == len(rows("/province"))
    late = rows("/province?state=late")
    assert late and all("quá hạn</span>" in row for row in late)
    done = rows("/province?state=done")
    assert all("Hoàn thành" in row for row in done) and len(done) < len(behind)
