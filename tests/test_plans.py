"""Plans that change: the draft editor, submit / sign / return, next year's copy, plans by year."""

from __future__ import annotations

import re
from datetime import date

import pytest

from danvan.extensions import db
from danvan.orm import (
    Assignment,
    ChecklistItem,
    Change,
    Plan,
    PlanPurpose,
    PlanStatus,
    Recipient,
    Target,
    Task,
    Unit,
)
from tests import helpers
from tests.conftest import HX
from tests.factories import make_unit_plan, unit_by_name

PROVINCE = 1


def set_status(app, plan_id: int, status: PlanStatus) -> int:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        plan.status = status
        db.session.commit()
        return plan.version


def plan_row(app, plan_id: int = PROVINCE) -> dict:
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        return {"status": plan.status, "version": plan.version, "title": plan.title, "code": plan.code,
                "issued_on": plan.issued_on,
                "purposes": [p.text for p in plan.purposes], "recipients": [r.text for r in plan.recipients],
                "assignments": [(a.short_title, a.unit_id, sorted(t.unit_id for t in a.tasks))
                                for a in plan.assignments]}


@pytest.fixture
def draft(app):
    """Plan 382 put back to draft so that it can be edited."""
    return set_status(app, PROVINCE, PlanStatus.DRAFT)


def header_data(version: int, **changes) -> dict:
    data = {
        "version": version, "code": "382-KH/TĐTN-TCKT", "title": "Thực hiện Phong trào thi đua “Dân vận khéo” năm 2021",
        "place": "Trà Vinh", "issued_on": "2021-06-22", "issuer_heading": "BCH ĐOÀN TỈNH TRÀ VINH",
        "organisation_heading": "ĐOÀN TNCS HỒ CHÍ MINH", "basis": "Căn cứ …", "initiatives_intro": "",
        "closing": "", "signer_on_behalf": "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN", "signer_title": "PHÓ BÍ THƯ",
        "signer_name": "Võ Minh Nhựt", "archive_note": "Lưu TCKT.",
    }
    data.update(changes)
    return data


def unit_id(app, name_start: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Unit.id).where(Unit.name.startswith(name_start)))


# ---- the editor ----

def test_tckt_edits_the_header_of_a_draft(app, client, login_as, draft):
    login_as("tckt")
    page = client.get("/plans/1/edit")
    assert page.status_code == 200 and "<html" in page.text
    assert "Phần đầu, căn cứ và chữ ký" in page.text and "/plans/1/initiatives" in page.text
    fragment = client.get("/plans/1/edit", headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text and 'id="editor"' in fragment.text
    response = client.post("/plans/1/edit", data=header_data(draft, title="Kế hoạch đã sửa"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/plans/1/edit#header")
    row = plan_row(app)
    assert row["title"] == "Kế hoạch đã sửa" and row["version"] == draft + 1
    with app.app_context():
        change = db.session.scalars(db.select(Change).where(Change.object_type == "plan").order_by(Change.id.desc())).first()
        assert change.action == "update" and "Kế hoạch đã sửa" in change.detail


def test_htmx_save_returns_the_block_and_the_new_version_everywhere(app, client, login_as, draft):
    login_as("tckt")
    response = client.post("/plans/1/edit", data=header_data(draft, place="Càng Long"), headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert 'id="header"' in response.text and 'id="purposes"' not in response.text
    assert "Đã lưu phần đầu" in response.text
    assert f'value="{draft + 1}" class="pv" hx-swap-oob="outerHTML:.pv"' in response.text
    assert plan_row(app)["version"] == draft + 1


def test_stale_version_is_a_conflict_with_the_typed_values_kept(app, client, login_as, draft):
    login_as("tckt")
    client.post("/plans/1/edit", data=header_data(draft, title="Bản của người thứ nhất"))
    response = client.post("/plans/1/edit", data=header_data(draft, title="Bản của người thứ hai"), headers=HX)
    assert response.status_code == 200
    assert re.search(r"Kế hoạch vừa được người khác sửa lúc \d\d:\d\d", response.text)
    assert 'value="Bản của người thứ hai"' in response.text
    assert plan_row(app)["title"] == "Bản của người thứ nhất"
    # Without htmx: the whole editor, still 200, nothing stored.
    page = client.post("/plans/1/purposes", data={"version": draft, "pn-text": "Ý mới"})
    assert page.status_code == 200 and "<html" in page.text and "vừa được người khác sửa" in page.text
    assert "Ý mới" in page.text and "Ý mới" not in plan_row(app)["purposes"]


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Vui lòng nhập mục này."),
    ({"code": "   "}, "Vui lòng nhập mục này."),
    ({"title": "x" * 301}, "Tối đa 300 ký tự."),
    ({"issued_on": "31/02/2021"}, "Ngày không hợp lệ."),
    ({"issued_on": "1900-01-01"}, "Ngày không hợp lệ."),
])
def test_bad_header_input_is_shown_beside_the_field(app, client, login_as, draft, changes, message):
    login_as("tckt")
    before = plan_row(app)
    response = client.post("/plans/1/edit", data=header_data(draft, place="Nơi đã gõ", **changes), headers=HX)
    assert response.status_code == 200 and message in response.text
    assert 'value="Nơi đã gõ"' in response.text
    assert plan_row(app) == before


def test_purpose_lines_add_edit_move_remove(app, client, login_as, draft):
    login_as("tckt")
    v = draft
    assert client.post("/plans/1/purposes", data={"version": v, "pn-text": "Ý thứ năm"}).status_code == 302
    v += 1
    purposes = plan_row(app)["purposes"]
    assert purposes[-1] == "Ý thứ năm"
    with app.app_context():
        lines = db.session.scalars(db.select(PlanPurpose).where(PlanPurpose.plan_id == 1)
                                   .order_by(PlanPurpose.position)).all()
        first, last = lines[0].id, lines[-1].id
    response = client.post(f"/plans/1/purposes/{last}", data={"version": v, "action": "up"}, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text and 'id="purposes"' in response.text
    v += 1
    assert plan_row(app)["purposes"][-2] == "Ý thứ năm"
    client.post(f"/plans/1/purposes/{first}", data={"version": v, "action": "save", f"p{first}-text": "Ý đầu đã sửa"})
    v += 1
    assert plan_row(app)["purposes"][0] == "Ý đầu đã sửa"
    response = client.post(f"/plans/1/purposes/{first}", data={"version": v, "action": "save", f"p{first}-text": ""},
                           headers=HX)
    assert "Vui lòng nhập mục này." in response.text and plan_row(app)["purposes"][0] == "Ý đầu đã sửa"
    client.post(f"/plans/1/purposes/{last}", data={"version": v, "action": "remove"})
    assert "Ý thứ năm" not in plan_row(app)["purposes"]
    assert len(plan_row(app)["purposes"]) == len(purposes) - 1


def test_recipients_and_contents(app, client, login_as, draft):
    login_as("tckt")
    client.post("/plans/1/recipients", data={"version": draft, "rn-text": "Ban Tuyên giáo Tỉnh ủy;"})
    assert plan_row(app)["recipients"][-1] == "Ban Tuyên giáo Tỉnh ủy;"
    too_long = client.post("/plans/1/recipients", data={"version": draft + 1, "rn-text": "x" * 301}, headers=HX)
    assert "Tối đa 300 ký tự." in too_long.text
    data = {"version": draft + 1, "economy": "Kinh tế mới", "culture_society": "Văn hóa mới",
            "defence_security": "", "political_system": "Hệ thống chính trị mới"}
    response = client.post("/plans/1/contents", data=data, headers=HX)
    assert response.status_code == 200 and "Đã lưu phần nội dung" in response.text
    page = client.get("/plans/1").text
    assert "lĩnh vực kinh tế: Kinh tế mới" in page and "Hệ thống chính trị mới" in page
    assert "xây dựng quốc phòng - an ninh:" not in page


def test_assignment_unit_change_moves_the_tasks(app, client, login_as, draft):
    login_as("tckt")
    phong_trao, tieu_can = unit_id(app, "Ban Phong trào"), unit_id(app, "Huyện đoàn Tiểu Cần")
    with app.app_context():
        assignment = db.session.scalar(db.select(Assignment).where(Assignment.unit_id == phong_trao))
        aid = assignment.id
        for task in assignment.tasks:  # a fresh task: nothing done yet
            db.session.execute(db.delete(ChecklistItem).where(ChecklistItem.task_id == task.id))
        db.session.commit()
    data = {"version": draft, "action": "save", f"a{aid}-section": "Cấp tỉnh", f"a{aid}-short_title": "Việc mới",
            f"a{aid}-text": "Giao Huyện đoàn Tiểu Cần.", f"a{aid}-unit": str(tieu_can)}
    response = client.post(f"/plans/1/assignments/{aid}", data=data, headers=HX)
    assert response.status_code == 200 and "Đã lưu nhiệm vụ" in response.text, response.text[:3000]
    with app.app_context():
        assert [t.unit_id for t in db.session.get(Assignment, aid).tasks] == [tieu_can]


def test_a_task_with_work_is_never_dropped(app, client, login_as, draft):
    login_as("tckt")
    with app.app_context():
        task = db.session.scalar(db.select(Task).join(ChecklistItem, ChecklistItem.task_id == Task.id)
                                 .join(Assignment).where(Assignment.unit_id.is_not(None)))
        aid, old_unit = task.assignment_id, task.unit_id
        a = task.assignment
        data = {f"a{aid}-section": a.section, f"a{aid}-short_title": a.short_title, f"a{aid}-text": a.text}
    other = unit_id(app, "Huyện đoàn Cầu Kè")
    before = plan_row(app)
    response = client.post(f"/plans/1/assignments/{aid}",
                           data={**data, "version": draft, "action": "save", f"a{aid}-unit": str(other)}, headers=HX)
    assert response.status_code == 200 and "Không bỏ giao được cho" in response.text
    removal = client.post(f"/plans/1/assignments/{aid}", data={"version": draft, "action": "remove"}, headers=HX)
    assert "Không bỏ giao được cho" in removal.text
    assert plan_row(app) == before
    with app.app_context():
        assert db.session.scalar(db.select(Task.id).where(Task.assignment_id == aid, Task.unit_id == old_unit))


def test_add_assignment_for_every_local_union_creates_their_tasks(app, client, login_as, draft):
    login_as("tckt")
    data = {"version": draft, "an-section": "Cấp huyện", "an-short_title": "Báo cáo nhanh",
            "an-text": "Các đơn vị báo cáo nhanh.", "an-unit": "all", "an-coordinating": [str(unit_id(app, "Ban Tổ chức"))]}
    assert client.post("/plans/1/assignments", data=data).status_code == 302
    with app.app_context():
        a = db.session.scalar(db.select(Assignment).where(Assignment.short_title == "Báo cáo nhanh"))
        locals_ = db.session.scalar(db.select(db.func.count(Unit.id)).where(Unit.kind.in_(["district", "affiliated"]),
                                                                               Unit.closed_on.is_(None)))
        assert len(a.tasks) == locals_ and a.unit_id is None and len(a.coordinating_units) == 1
    bad = client.post("/plans/1/assignments", data={**data, "version": draft + 1, "an-unit": "99999",
                                                     "an-coordinating": ["abc"]}, headers=HX)
    assert bad.status_code == 200 and bad.text.count("Vui lòng chọn đơn vị trong danh sách.") == 2


@pytest.mark.parametrize("username", ["canglong", "btv", "phongtrao", "danvantu"])
def test_only_the_standing_unit_edits_the_province_plan(app, client, login_as, draft, username):
    login_as(username)
    before = plan_row(app)
    assert client.get("/plans/1/edit").status_code == 403
    assert client.post("/plans/1/edit", data=header_data(draft, title="Chiếm quyền")).status_code == 403
    assert client.post("/plans/1/purposes", data={"version": draft, "pn-text": "x"}).status_code == 403
    assert client.post("/plans/1/contents", data={"version": draft, "economy": "x"}).status_code == 403
    assert client.post("/plans/1/submit", data={"version": draft}).status_code == 403
    assert client.post("/plans/1/copy").status_code == 403
    assert plan_row(app) == before


def test_nobody_edits_an_issued_plan(app, client, login_as):
    before = plan_row(app)
    assert before["status"] == PlanStatus.ISSUED
    for username in ["tckt", "admin"]:
        login_as(username)
        page = client.get("/plans/1/edit")
        assert page.status_code == 200 and "đã ban hành nên không sửa được nữa" in page.text
        assert 'action="/plans/1/edit"' not in page.text
        assert client.post("/plans/1/edit", data=header_data(before["version"], title="Sửa lén")).status_code == 409
        fragment = client.post("/plans/1/recipients", data={"version": before["version"], "rn-text": "x"}, headers=HX)
        assert "không sửa được nữa" in fragment.text and "<html" not in fragment.text
        client.post("/logout")
    assert plan_row(app) == before


# ---- workflow ----

def test_submit_approve_and_the_history(app, client, login_as, draft):
    login_as("tckt")
    page = client.get("/plans/1").text
    assert "Trình Ban Thường vụ" in page and "Ký ban hành" not in page and ">Sửa</a>" in page
    response = client.post("/plans/1/submit", data={"version": draft}, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text and "Đã trình Ban Thường vụ" in response.text
    assert plan_row(app)["status"] == PlanStatus.PENDING
    assert client.get("/plans/1/edit").text.count("chờ Ban Thường vụ duyệt") == 1
    assert client.post("/plans/1/issue", data={"version": draft + 1}).status_code == 403  # tckt cannot approve
    client.post("/logout")
    login_as("btv")
    page = client.get("/plans/1").text
    assert "Ký ban hành" in page and "Trả lại" in page and ">Sửa</a>" not in page
    assert "Tạo kế hoạch năm 2022" not in page  # copying is the standing unit's job
    assert client.get("/plans/1/edit").status_code == 403  # btv cannot edit content
    with app.app_context():
        db.session.get(Plan, 1).issued_on = None
        db.session.commit()
    response = client.post("/plans/1/issue", data={"version": draft + 1})
    assert response.status_code == 302
    row = plan_row(app)
    assert row["status"] == PlanStatus.ISSUED and row["issued_on"] is not None
    page = client.get("/plans/1").text
    assert "Lịch sử kế hoạch (2)" in page and "Trình Ban Thường vụ" in page and "Ký ban hành" in page
    # A repeated click does nothing more.
    again = client.post("/plans/1/issue", data={"version": row["version"]}, headers=HX)
    assert "không ký ban hành được" in again.text and plan_row(app)["version"] == row["version"]


def test_return_needs_a_comment_and_goes_back_to_draft(app, client, login_as):
    version = set_status(app, PROVINCE, PlanStatus.PENDING)
    login_as("btv")
    empty = client.post("/plans/1/return", data={"note": "  "}, headers=HX)
    assert empty.status_code == 200 and "Vui lòng nhập mục này." in empty.text
    long = client.post("/plans/1/return", data={"note": "x" * 1001}, headers=HX)
    assert "Tối đa 1000 ký tự." in long.text
    assert plan_row(app)["status"] == PlanStatus.PENDING
    client.post("/plans/1/return", data={"note": "Bổ sung chỉ tiêu phần III."})
    assert plan_row(app)["status"] == PlanStatus.DRAFT
    page = client.get("/plans/1").text
    assert "Trả lại để sửa" in page and "Bổ sung chỉ tiêu phần III." in page
    client.post("/logout")
    login_as("canglong")
    assert client.post("/plans/1/return", data={"note": "x"}).status_code == 403
    assert client.post("/plans/1/issue", data={"version": version + 1}).status_code == 403


def test_a_stale_page_cannot_sign(app, client, login_as):
    version = set_status(app, PROVINCE, PlanStatus.PENDING)
    login_as("btv")
    response = client.post("/plans/1/issue", data={"version": version - 1}, headers=HX)
    assert "vừa được người khác sửa" in response.text
    assert plan_row(app)["status"] == PlanStatus.PENDING


def test_a_unit_edits_and_issues_only_its_own_plan(app, client, login_as):
    with app.app_context():
        plan = make_unit_plan(unit_by_name("Huyện đoàn Càng Long"), db.session.get(Plan, 1),
                              [("economy", "Mô hình của Càng Long")])
        plan.code = "12-KH/HĐCL"
        db.session.commit()
        own = plan.id
    login_as("cauke")
    assert client.get(f"/plans/{own}/edit").status_code == 403
    assert client.post(f"/plans/{own}/issue", data={"version": 1}).status_code == 403
    client.post("/logout")
    login_as("tckt")
    assert client.get(f"/plans/{own}/edit").status_code == 403
    client.post("/logout")
    login_as("canglong")
    assert client.get(f"/plans/{own}/edit").status_code == 200
    assert client.post(f"/plans/{own}/submit", data={"version": 1}).status_code == 403  # no BTV step
    client.post(f"/plans/{own}/edit", data=header_data(1, code="12-KH/HĐCL", title="Kế hoạch Càng Long năm 2021"))
    page = client.get(f"/plans/{own}").text
    assert "Ký ban hành" in page and "Trình Ban Thường vụ" not in page
    client.post(f"/plans/{own}/issue", data={"version": 2})
    assert plan_row(app, own)["status"] == PlanStatus.ISSUED


# ---- next year's plan ----

def test_copy_makes_next_years_draft(app, client, login_as):
    with app.app_context():
        tieu_can = unit_by_name("Huyện đoàn Tiểu Cần")
        tieu_can.closed_on = date(2021, 12, 31)
        phong_trao = unit_by_name("Ban Phong trào Tỉnh đoàn")
        phong_trao.closed_on = date(2021, 12, 31)
        db.session.commit()
        closed = {tieu_can.id, phong_trao.id}
        old_assignments = db.session.scalar(db.select(db.func.count(Assignment.id)).where(Assignment.plan_id == 1))
        skipped = db.session.scalar(db.select(db.func.count(Assignment.id)).where(
            Assignment.plan_id == 1, Assignment.unit_id == phong_trao.id))
    login_as("tckt")
    response = client.post("/plans/1/copy", headers=HX)
    assert response.status_code == 204 and "/edit" in response.headers["HX-Redirect"]
    with app.app_context():
        new = db.session.scalar(db.select(Plan).where(Plan.year == 2022))
        old = db.session.get(Plan, 1)
        assert new.status == PlanStatus.DRAFT and new.issued_on is None and new.parent_plan_id is None
        assert new.code == "…-KH/TĐTN-TCKT"
        assert new.title == "Thực hiện Phong trào thi đua “Dân vận khéo” năm 2022"
        assert "năm 2021" not in new.title and "05/5/2021" in new.basis  # cited documents keep their dates
        assert [p.text.replace("2022", "2021") for p in new.purposes] == [p.text for p in old.purposes]
        assert len(new.contents) == 4 and len(new.recipients) == len(old.recipients)
        assert [(i.title.replace("2022", "2021"), [(t.measure, t.amount) for t in i.targets]) for i in new.initiatives] \
            == [(i.title, [(t.measure, t.amount) for t in i.targets]) for i in old.initiatives]
        assert len(new.assignments) == old_assignments - skipped
        task_units = {t.unit_id for a in new.assignments for t in a.tasks}
        assert task_units and not task_units & closed
        new_targets = [t.id for i in new.initiatives for t in i.targets]
        from danvan.orm import Allocation, ProgressEntry
        assert not db.session.scalar(db.select(db.func.count(ProgressEntry.id)).where(ProgressEntry.target_id.in_(new_targets)))
        assert not db.session.scalar(db.select(db.func.count(Allocation.id)).where(Allocation.target_id.in_(new_targets)))
        new_id = new.id
    edit = client.get(f"/plans/{new_id}/edit")
    assert edit.status_code == 200 and "Đã tạo dự thảo kế hoạch năm 2022" in edit.text
    # A second copy for the same year is refused, nothing created.
    again = client.post("/plans/1/copy", headers=HX)
    assert again.status_code == 200 and "Đã có kế hoạch năm 2022" in again.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Plan.id)).where(Plan.year == 2022)) == 1
    # The old plan still reads as written.
    assert "Số: 382-KH/TĐTN-TCKT" in client.get("/plans/1").text
    assert "ngày … tháng … năm 2022" in client.get(f"/plans/{new_id}").text


def test_copy_of_a_units_own_plan_follows_next_years_province_plan(app, client, login_as):
    with app.app_context():
        own = make_unit_plan(unit_by_name("Huyện đoàn Càng Long"), db.session.get(Plan, 1),
                             [("economy", "Mô hình năm 2021 của Càng Long")]).id
        db.session.commit()
    login_as("canglong")
    refused = client.post(f"/plans/{own}/copy", headers=HX)
    assert "Tỉnh đoàn chưa có kế hoạch năm 2022" in refused.text
    assert client.post("/plans/1/copy").status_code == 403
    client.post("/logout")
    login_as("tckt")
    client.post("/plans/1/copy")
    assert client.post(f"/plans/{own}/copy").status_code == 403
    client.post("/logout")
    login_as("canglong")
    assert client.post(f"/plans/{own}/copy").status_code == 302
    with app.app_context():
        province_2022 = db.session.scalar(db.select(Plan).where(Plan.year == 2022, Plan.parent_plan_id.is_(None)))
        copied = db.session.scalar(db.select(Plan).where(Plan.year == 2022, Plan.parent_plan_id.is_not(None)))
        assert copied.parent_plan_id == province_2022.id
        assert [i.title for i in copied.initiatives] == ["Mô hình năm 2022 của Càng Long"]


def test_history_stays_readable_after_a_unit_is_renamed_or_closed(app, client, login_as):
    login_as("canglong")
    before = client.get("/plans/1").text
    with app.app_context():
        unit = unit_by_name("Ban Phong trào Tỉnh đoàn")
        unit.name, unit.short_name, unit.closed_on = "Ban Phong trào mới", "BPT mới", date(2025, 7, 1)
        text = db.session.scalar(db.select(Assignment.text).where(Assignment.unit_id == unit.id))
        db.session.commit()
    after = client.get("/plans/1").text
    assert text in after
    def strip(html: str) -> str:
        """The page without the action block and the CSRF token (signed with the second it was made)."""
        html = re.sub(r'<section class="card noprint" id="plan-actions">.*?</section>', "", html, flags=re.S)
        return re.sub(r'"X-CSRFToken": "[^"]*"|name="csrf_token" (type="hidden" )?value="[^"]*"', "", html)

    assert strip(after) == strip(before)


# ---- plans by year ----

def test_plans_list_by_year_with_own_plans_counted(app, client, login_as):
    with app.app_context():
        base = db.session.get(Plan, 1)
        make_unit_plan(unit_by_name("Huyện đoàn Càng Long"), base, [("economy", "A")])
        issued = make_unit_plan(unit_by_name("Huyện đoàn Cầu Kè"), base, [("economy", "B")])
        issued.status = PlanStatus.ISSUED
        db.session.commit()
        own = db.session.scalar(db.select(db.func.count(Plan.id)).where(Plan.parent_plan_id.is_not(None)))
        assert own >= 2
    login_as("tckt")
    client.post("/plans/1/copy")
    page = client.get("/plans")
    assert page.status_code == 200 and "<html" in page.text
    text = page.text
    assert text.index("Năm 2022") < text.index("Năm 2021")
    assert "Dự thảo" in text and "Đã ban hành" in text and "…-KH/TĐTN-TCKT" in text
    assert f"Kế hoạch của đơn vị: <strong>{own}</strong>" in text and f"· {own - 1} dự thảo · 1 đã ban hành" in text
    assert "Sửa dự thảo" in text
    fragment = client.get("/plans", headers=HX)
    assert "<html" not in fragment.text and 'id="years"' in fragment.text
    client.post("/logout")
    login_as("canglong")
    text = client.get("/plans").text
    assert "Kế hoạch của đơn vị bạn" in text and "Sửa dự thảo" not in text
    assert "/plans\"" in client.get("/").text or 'href="/plans"' in client.get("/").text


def test_plans_list_queries_do_not_grow(app, client, login_as):
    login_as("tckt")

    def count() -> int:
        with helpers.sql_statements(app) as statements:
            client.get("/plans")
        return len(statements)

    first = count()
    with app.app_context():
        base = db.session.get(Plan, 1)
        for name in ["Huyện đoàn Càng Long", "Huyện đoàn Cầu Kè", "Huyện đoàn Tiểu Cần"]:
            make_unit_plan(unit_by_name(name), base, [("economy", "A")])
        db.session.commit()
    client.post("/plans/1/copy")
    assert count() == first


def test_anonymous_is_sent_to_login(client):
    assert client.get("/plans").status_code == 302
    assert client.post("/plans/1/copy").status_code == 302


def test_editor_and_document_queries_do_not_grow_and_closed_units_are_marked(app, client, login_as, draft):
    login_as("tckt")
    editor = helpers.queries_of_get(app, client, "/plans/1/edit")
    document = helpers.queries_of_get(app, client, "/plans/1")
    with app.app_context():
        tieu_can = unit_by_name("Huyện đoàn Tiểu Cần")
        for n in range(3):
            client.post("/plans/1/assignments", data={
                "version": db.session.get(Plan, 1).version, "an-section": "Cấp huyện", "an-short_title": f"Việc {n}",
                "an-text": "Nội dung.", "an-unit": str(tieu_can.id)})
            db.session.expire_all()
        tieu_can.closed_on = date(2025, 7, 1)
        db.session.commit()
    assert helpers.queries_of_get(app, client, "/plans/1/edit") == editor
    assert helpers.queries_of_get(app, client, "/plans/1") == document
    page = client.get("/plans/1/edit").text
    assert "Huyện đoàn Tiểu Cần (đã ngừng hoạt động) · 1 đơn vị" in page
