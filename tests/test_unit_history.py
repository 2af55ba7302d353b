"""Units with a history: a change starts a period from a date, 2021 stays 2021, merges have successors."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import BytesIO
from urllib.parse import urldefrag

import pytest
from docx import Document
from openpyxl import load_workbook

from danvan.extensions import db
from danvan.orm import (
    Allocation,
    Assignment,
    Change,
    ChecklistItem,
    Plan,
    Report,
    Task,
    TaskComment,
    Unit,
    UnitKind,
    User,
)
from tests.conftest import HX, make_app
from tests.factories import unit_by_name, user_by_name

TODAY = date(2026, 12, 3)
REORGANISED = "2025-07-01"
# The nine district unions of 2021 and the commune union each one's work went on in.
COMMUNES = {
    "Đoàn phường Trà Vinh": ["Thành đoàn Trà Vinh", "Huyện đoàn Châu Thành"],
    "Đoàn xã Càng Long": ["Huyện đoàn Càng Long", "Huyện đoàn Cầu Kè", "Huyện đoàn Tiểu Cần"],
    "Đoàn xã Duyên Hải": ["Thị đoàn Duyên Hải", "Huyện đoàn Duyên Hải", "Huyện đoàn Cầu Ngang",
                          "Huyện đoàn Trà Cú"],
}
# Pages about today, not about 2021: they may change with the organisation.
ABOUT_NOW = ("/", "/reports", "/account/password")
NOT_CRAWLED = ("/admin", "/logout", "/static", "/live")
# What differs between two renderings of one page whatever the data: tokens and the page's id.
VOLATILE = re.compile(r'((?:name="csrf_token" value|"X-CSRFToken": )=?"?)[\w.-]+')


@pytest.fixture
def app(db_url):
    app = make_app(db_url, TODAY=TODAY)
    yield app
    with app.app_context():
        db.engine.dispose()


def _text_of(response) -> str:
    if response.mimetype == "text/html":
        return VOLATILE.sub(r"\1…", response.text)
    if "wordprocessingml" in response.mimetype:
        document = Document(BytesIO(response.data))
        return "\n".join([p.text for p in document.paragraphs] + [
            cell.text for table in document.tables for row in table.rows for cell in row.cells])
    if "spreadsheetml" in response.mimetype:
        book = load_workbook(BytesIO(response.data))
        return "\n".join(str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)
    return response.mimetype


def _pages_about_2021(client, limit: int = 200) -> dict[str, str]:
    """GET every page and file the account reaches from its home, masked; home and lists of today left out."""
    seen: dict[str, str] = {}
    queue = ["/"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = f"{response.status_code} {_text_of(response)}"
        if response.mimetype == "text/html":
            for href in re.findall(r'href="(/[^"]*)"', response.text):
                link = urldefrag(href.replace("&amp;", "&"))[0]
                if not link.startswith(NOT_CRAWLED) and link not in seen:
                    queue.append(link)
    return {url: text for url, text in seen.items() if url.split("?")[0] not in ABOUT_NOW}


def _unit_id(app, name: str) -> int:
    with app.app_context():
        return unit_by_name(name).id


def unit_form(unit: Unit, **changes) -> dict:
    data = {"name": unit.name, "short_name": unit.short_name, "code": unit.code, "place": unit.place,
            "kind": unit.kind.value, "parent_id": str(unit.parent_id or "")}
    return {**data, **changes}


def reorganise_2025(app, admin, move_logins: bool = True) -> dict[str, int]:
    """Trà Vinh joins Vĩnh Long; the district level goes; three commune unions take its work."""
    with app.app_context():
        province = unit_by_name("Tỉnh đoàn Trà Vinh")
        form = unit_form(province, name="Tỉnh đoàn Vĩnh Long", place="Vĩnh Long", valid_from=REORGANISED)
        province_id = province.id
    assert admin.post(f"/admin/units/{province_id}/edit", data=form).status_code == 302
    communes = {}
    for name in COMMUNES:
        response = admin.post("/admin/units", data={"name": name, "short_name": name.removeprefix("Đoàn "),
                                                    "kind": "commune", "parent_id": str(province_id)})
        assert response.status_code == 302
        communes[name] = _unit_id(app, name)
    for commune, districts in COMMUNES.items():
        for district in districts:
            response = admin.post(f"/admin/units/{_unit_id(app, district)}/close", data={
                "closed_on": REORGANISED, "successors": [str(communes[commune])],
                "logins_to": str(communes[commune]) if move_logins else "",
                "shares_to": str(communes[commune])})
            assert response.status_code == 302, response.text
    return communes


def test_the_2025_reorganisation_leaves_every_2021_page_report_and_file_as_it_was(app, login_as):
    reader = login_as("btv", test_client=app.test_client())
    before = _pages_about_2021(reader)
    assert len(before) > 60
    assert any("Huyện đoàn Càng Long" in text for text in before.values())
    # Logins locked, not moved: a moved login's 2021 ticks would show its new unit beside them
    # (a login's own unit history is not kept yet).
    reorganise_2025(app, login_as("admin", test_client=app.test_client()), move_logins=False)
    after = _pages_about_2021(reader)
    assert after.keys() == before.keys()
    changed = [url for url in before if before[url] != after[url]]
    assert not changed, changed[:10]
    # Today's pages show today's names.
    assert "Tỉnh đoàn Vĩnh Long" in login_as("admin", test_client=app.test_client()).get("/admin/units").text


def test_a_2026_plan_drafted_from_2021_gives_the_districts_work_to_their_communes(app, login_as):
    communes = reorganise_2025(app, login_as("admin", test_client=app.test_client()))
    board = login_as("tckt", test_client=app.test_client())
    response = board.post("/plans/1/copy")
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.year == 2026))
        assert plan is not None and "năm 2026" in plan.title
        task_units = set(db.session.scalars(db.select(Task.unit_id).join(Assignment)
                                            .where(Assignment.plan_id == plan.id)))
        assert set(communes.values()) <= task_units
        closed = set(db.session.scalars(db.select(Unit.id).where(Unit.closed_on.is_not(None))))
        assert not task_units & closed
    assert "Tạo dự thảo kế hoạch năm 2026" not in board.get("/plans/1").text


def edit_canglong(app, client, login_as, **changes):
    """Post the admin's edit form of Huyện đoàn Càng Long with `changes`; return its id and the answer."""
    unit_id = _unit_id(app, "Huyện đoàn Càng Long")
    login_as("admin")
    with app.app_context():
        form = unit_form(db.session.get(Unit, unit_id), **changes)
    return unit_id, client.post(f"/admin/units/{unit_id}/edit", data=form)


def test_a_rename_from_a_date_keeps_the_old_name_on_the_pages_of_its_time(app, client, login_as):
    unit_id, response = edit_canglong(app, client, login_as, name="Đoàn xã Càng Long", valid_from="2025-07-01")
    assert response.status_code == 302
    page = client.get(f"/admin/units/{unit_id}").text
    assert "Từ 01/07/2025: Đoàn xã Càng Long" in page and "Ban đầu: Huyện đoàn Càng Long" in page
    district = login_as("canglong", test_client=app.test_client())
    assert "Đoàn xã Càng Long" in district.get("/").text
    cascade = district.get("/plans/1/cascade").text
    assert "Huyện đoàn Càng Long" in cascade and "Đoàn xã Càng Long" not in cascade
    with app.app_context():
        report_id = db.session.scalar(db.select(Report.id).where(Report.unit_id == unit_id).order_by(Report.id))
    report = district.get(f"/reports/{report_id}")
    assert "Huyện đoàn Càng Long" in report.text and "Đoàn xã Càng Long" not in report.text


def test_a_tick_on_a_2021_checklist_names_the_ticking_unit_as_it_was_then(app, client, login_as):
    unit_id, _ = edit_canglong(app, client, login_as, name="Đoàn xã Càng Long", short_name="Xã Càng Long",
                               valid_from="2025-07-01")
    with app.app_context():
        item = db.session.scalars(
            db.select(ChecklistItem).join(Task).join(Assignment).join(Plan)
            .where(Task.unit_id == unit_id, Plan.year == 2021, ChecklistItem.removed_at.is_(None))
            .order_by(ChecklistItem.id)).first()
        want = "0" if item.done_at else "1"
    district = login_as("canglong", test_client=app.test_client())
    answer = district.post(f"/items/{item.id}/toggle", data={"done": want}, headers=HX).text
    assert "Huyện đoàn Càng Long (canglong)" in answer and "Xã Càng Long" not in answer


def test_a_2021_checklist_names_who_removed_and_who_commented_as_they_were_then(app, client, login_as):
    unit_id, _ = edit_canglong(app, client, login_as, name="Đoàn xã Càng Long",
                               short_name="Xã Càng Long", valid_from="2025-07-01")
    with app.app_context():
        item = db.session.scalars(
            db.select(ChecklistItem).join(Task).join(Assignment).join(Plan)
            .where(Task.unit_id == unit_id, Plan.year == 2021, ChecklistItem.removed_at.is_(None))
            .order_by(ChecklistItem.id)).first()
        canglong = user_by_name("canglong")
        item.removed_at, item.removed_by_id = datetime(2021, 9, 1, 2), canglong.id
        db.session.add(TaskComment(task_id=item.task_id, unit_id=unit_id, user_id=canglong.id,
                                   text="Đã họp chi đoàn", created_at=datetime(2021, 9, 2, 3)))
        task_id, text = item.task_id, item.text
        db.session.commit()
    district = login_as("canglong", test_client=app.test_client())
    page = district.get(f"/units/{unit_id}/checklist?year=2021").text
    section = page[page.index(f'<section class="card" id="task-{task_id}">'):]
    section = section[:section.index("</section>")]
    assert f"<s>{text}</s> · xóa bởi Huyện đoàn Càng Long" in section
    assert "<b>Huyện đoàn Càng Long</b>" in section and "Đã họp chi đoàn" in section
    assert "Xã Càng Long" not in section


def test_a_typo_correction_rewrites_the_name_for_every_time(app, client, login_as):
    _unit_id, response = edit_canglong(app, client, login_as, name="Huyện Đoàn Càng Long", correction="y")
    assert response.status_code == 302
    assert "Huyện Đoàn Càng Long" in client.get("/plans/1/cascade").text


@pytest.mark.parametrize(("valid_from", "message"), [
    ("2027-01-01", "Ngày có hiệu lực không được sau hôm nay."),
    ("2021-13-01", "Ngày"),
])
def test_a_change_in_the_future_or_unreadable_is_refused_and_nothing_stored(app, client, login_as,
                                                                          valid_from, message):
    unit_id, response = edit_canglong(app, client, login_as, name="Đoàn xã Càng Long", valid_from=valid_from)
    assert response.status_code == 200 and message in response.text
    assert 'value="Đoàn xã Càng Long"' in response.text  # what was typed stays
    with app.app_context():
        assert db.session.get(Unit, unit_id).name == "Huyện đoàn Càng Long"


def test_a_change_before_the_present_period_began_is_refused(app, client, login_as):
    unit_id = _unit_id(app, "Huyện đoàn Càng Long")
    login_as("admin")
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        first = unit_form(unit, name="Đoàn xã Càng Long", valid_from="2025-07-01")
        second = unit_form(unit, name="Đoàn phường Càng Long", valid_from="2024-01-01")
    client.post(f"/admin/units/{unit_id}/edit", data=first)
    response = client.post(f"/admin/units/{unit_id}/edit", data={**second, "name": "Đoàn phường Càng Long"})
    assert "Tên hiện tại có hiệu lực từ 01/07/2025" in response.text


def test_closing_before_the_issue_of_a_plan_that_names_the_unit_is_refused(app, client, login_as):
    unit_id = _unit_id(app, "Huyện đoàn Càng Long")
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2021-06-01"})
    assert "ban hành ngày 22/06/2021 giao việc cho đơn vị này" in response.text
    with app.app_context():
        assert db.session.get(Unit, unit_id).closed_on is None


def test_a_merge_moves_logins_and_live_shares_to_the_successor_and_says_so_in_the_trail(db_url, login_as):
    app = make_app(db_url)  # the demo's 2021: plan 382 is in force
    admin = login_as("admin", test_client=app.test_client())
    successor_id, unit_id = _unit_id(app, "Huyện đoàn Cầu Kè"), _unit_id(app, "Huyện đoàn Càng Long")
    with app.app_context():
        shares = db.session.scalar(db.select(db.func.sum(Allocation.amount))
                                   .where(Allocation.unit_id.in_([unit_id, successor_id])))
        owned = db.session.scalar(db.select(db.func.count()).where(Allocation.unit_id == unit_id))
    page = admin.get(f"/admin/units/{unit_id}").text
    assert "Kế hoạch đang thực hiện còn giao cho đơn vị này" in page and f"{owned} phần chỉ tiêu" in page
    response = admin.post(f"/admin/units/{unit_id}/close", data={
        "closed_on": "2021-12-01", "successors": [str(successor_id)], "logins_to": str(successor_id),
        "shares_to": str(successor_id)})
    assert response.status_code == 302
    with app.app_context():
        canglong = user_by_name("canglong")
        assert canglong.unit_id == successor_id and canglong.active
        assert not db.session.scalar(db.select(db.func.count()).where(Allocation.unit_id == unit_id))
        assert db.session.scalar(db.select(db.func.sum(Allocation.amount))
                                 .where(Allocation.unit_id == successor_id)) == shares
        change = db.session.scalar(db.select(Change).where(Change.action == "unit_close"))
        assert '"moved_logins"' in change.detail and '"moved_shares"' in change.detail
    page = admin.get(f"/admin/units/{successor_id}").text
    assert "Kế thừa từ:" in page and "Huyện đoàn Càng Long" in page


def test_a_successor_must_be_an_open_unit_and_logins_go_to_a_chosen_successor(app, client, login_as):
    unit_id, other = _unit_id(app, "Huyện đoàn Càng Long"), _unit_id(app, "Huyện đoàn Cầu Kè")
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/close", data={
        "closed_on": "2025-07-01", "successors": [str(unit_id)], "logins_to": str(other), "shares_to": "x"})
    assert "Đơn vị kế thừa phải là đơn vị đang hoạt động" in response.text
    assert response.text.count("Hãy chọn một trong các đơn vị kế thừa") == 2  # logins and unreadable shares
    with app.app_context():
        assert db.session.get(Unit, unit_id).closed_on is None
        assert user_by_name("canglong").active


def test_a_dissolution_without_successor_locks_the_logins_and_reopening_forgets_the_links(app, client, login_as):
    unit_id, other = _unit_id(app, "Huyện đoàn Càng Long"), _unit_id(app, "Huyện đoàn Cầu Kè")
    login_as("admin")
    client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2025-07-01", "successors": [str(other)]})
    with app.app_context():
        assert not user_by_name("canglong").active
    assert "Kế thừa bởi:" in client.get(f"/admin/units/{unit_id}").text
    client.post(f"/admin/units/{unit_id}/reopen")
    assert "Kế thừa bởi:" not in client.get(f"/admin/units/{unit_id}").text


def test_commune_and_grassroots_unions_receive_the_plan_like_districts(app):
    with app.app_context():
        from danvan.orm import LOCAL_UNION_KINDS

        assert UnitKind.COMMUNE in LOCAL_UNION_KINDS and UnitKind.GRASSROOTS in LOCAL_UNION_KINDS
        assert UnitKind.COMMUNE.label == "Đoàn xã, phường, đặc khu" and UnitKind.GRASSROOTS.label == "Đoàn cơ sở"


@pytest.mark.parametrize("username", ["canglong", "tckt", "btv"])
def test_only_an_administrator_changes_the_tree(app, login_as, username):
    unit_id = _unit_id(app, "Huyện đoàn Càng Long")
    client = login_as(username, test_client=app.test_client())
    response = client.post(f"/admin/units/{unit_id}/close", data={"closed_on": "2025-07-01"})
    assert response.status_code in (403, 404)
    with app.app_context():
        assert db.session.get(Unit, unit_id).closed_on is None
        assert isinstance(user_by_name(username), User)
