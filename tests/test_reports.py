"""Reports: schedule and late, a unit's report, review rounds, compile, Word and Excel exports."""

from __future__ import annotations

import json
import re
import time
from datetime import date
from io import BytesIO

import brotli
import pytest
from docx import Document
from openpyxl import load_workbook

from danvan.extensions import db
from danvan.orm import Change, Plan, Unit, record_change  # noqa: F401
from danvan.orm.report import (
    CompiledReport,
    EventKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
)
from danvan.reports.exports import plain_text
from danvan.reports.prefill import live_numbers
from tests import factories as f
from tests.conftest import HX, PASSWORD

PERIOD = "Báo cáo tổng kết năm 2021"


def rid(app, username: str, period: str = PERIOD) -> int:
    with app.app_context():
        user = f.user_by_name(username)
        return db.session.scalar(
            db.select(Report.id).join(ReportingPeriod)
            .where(Report.unit_id == user.unit_id, ReportingPeriod.name == period))


def state(app, report_id: int) -> tuple[ReportStatus, int, str]:
    with app.app_context():
        r = db.session.get(Report, report_id)
        return r.status, r.version, r.economy


def events(app, report_id: int) -> list[str]:
    with app.app_context():
        return [e.kind.value for e in db.session.scalars(
            db.select(ReportEvent).where(ReportEvent.report_id == report_id).order_by(ReportEvent.id))]


def post_report(client, report_id, version, action="draft", headers=None, **data):
    form = {"version": version, "action": action} | data
    return client.post(f"/reports/{report_id}", data=form, headers=headers or {})


def period_id(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(ReportingPeriod.id).where(ReportingPeriod.name == PERIOD))


def submit_as(client, login_as, app, username, text="Kết quả kinh tế"):
    login_as(username)
    report_id = rid(app, username)
    version = state(app, report_id)[1]
    response = post_report(client, report_id, version, "submit", economy=text)
    assert response.status_code == 302
    client.post("/logout")
    return report_id


def review_as(client, login_as, report_id, action, username="tckt", **data):
    login_as(username)
    response = client.post(f"/reports/{report_id}/review", data={"action": action} | data)
    client.post("/logout")
    return response


# Schedule ---------------------------------------------------------------------------------

def test_creating_a_period_creates_a_slot_for_every_owing_unit(app, client, login_as):
    login_as("tckt")
    page = client.get("/plans/1/periods/new").text
    checked = re.findall(r'<input checked id="units-\d+" name="units" type="checkbox" value="(\d+)">', page)
    assert len(checked) == 12  # the nine district unions and three affiliated unions
    with app.app_context():
        units = [f.unit_by_name("Huyện đoàn Càng Long").id, f.unit_by_name("Ban Tuyên giáo Tỉnh đoàn").id]
    response = client.post("/plans/1/periods/new", data={
        "name": "Báo cáo sơ kết 6 tháng cuối năm 2021", "kind": "half_year", "starts_on": "2021-06-22",
        "cut_off_on": "2021-12-10", "due_on": "2021-12-15", "units": units})
    assert response.status_code == 302
    with app.app_context():
        period = db.session.scalar(db.select(ReportingPeriod).where(ReportingPeriod.kind == "half_year"))
        assert sorted(r.unit_id for r in period.reports) == sorted(units)
        assert all(r.status is ReportStatus.NOT_STARTED for r in period.reports)
        assert db.session.scalar(db.select(Change).where(Change.object_type == "reporting_period")) is not None
    client.post("/logout")
    login_as("tuyengiao")
    assert "Báo cáo sơ kết 6 tháng cuối năm 2021" in client.get("/").text


def test_period_form_errors_are_vietnamese_and_keep_values(app, client, login_as):
    login_as("tckt")
    response = client.post("/plans/1/periods/new", data={
        "name": "Kỳ thử", "kind": "other", "starts_on": "2021-06-22", "cut_off_on": "2021-05-01",
        "due_on": "hôm qua"}, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert "Ngày không hợp lệ." in response.text and "Chọn ít nhất một đơn vị." in response.text
    assert 'value="Kỳ thử"' in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReportingPeriod)) == 1


@pytest.mark.parametrize("username", ["canglong", "btv", "danvantu"])
def test_only_the_organisation_board_creates_periods(app, client, login_as, username):
    login_as(username)
    response = client.post("/plans/1/periods/new", data={
        "name": "Kỳ lạ", "kind": "other", "starts_on": "2021-01-01", "cut_off_on": "2021-02-01",
        "due_on": "2021-03-01", "units": [1]})
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ReportingPeriod)) == 1


def test_late_reports_and_days_late(app, client, login_as):
    app.config["TODAY"] = date(2021, 12, 5)
    login_as("tckt")
    page = client.get(f"/periods/{period_id(app)}").text
    assert "<html" in page
    row = re.search(r"Huyện đoàn Càng Long</a></td>.*?</tr>", page, re.S).group(0)
    assert "Chưa làm" in row and "5 ngày" in row
    accepted = re.search(r"Thành đoàn Trà Vinh</a></td>.*?</tr>", page, re.S).group(0)
    assert "Đã tiếp nhận" in accepted and "ngày" not in accepted
    late = client.get(f"/periods/{period_id(app)}?state=late", headers=HX).text
    assert "<html" not in late
    assert "Huyện đoàn Càng Long" in late and "Thành đoàn Trà Vinh" not in late
    assert "Thị đoàn Duyên Hải" not in late  # submitted, not late
    assert late.count("<tr>") == 1 + 10  # header + 12 slots minus accepted and submitted
    accepted_only = client.get(f"/periods/{period_id(app)}?state=accepted", headers=HX).text
    assert accepted_only.count("<tr>") == 2
    client.post("/logout")
    login_as("canglong")
    home = client.get("/").text
    assert PERIOD in home and "Hạn nộp 30/11/2021" in home and "trễ 5 ngày" in home


def test_before_the_due_date_nothing_is_late(app, client, login_as):
    app.config["TODAY"] = date(2021, 11, 30)
    login_as("tckt")
    page = client.get(f"/periods/{period_id(app)}?state=late").text
    assert "Không có báo cáo nào ở tình trạng này." in page


@pytest.mark.parametrize("username", ["canglong", "tuyengiao", "danvantu"])
def test_the_board_table_is_for_the_organisation_board_and_standing_committee(app, client, login_as, username):
    login_as(username)
    assert client.get(f"/periods/{period_id(app)}").status_code == 404


def test_standing_committee_reads_the_table(app, client, login_as):
    login_as("btv")
    page = client.get(f"/periods/{period_id(app)}").text
    assert "Huyện đoàn Càng Long" in page and "Tổng hợp báo cáo</button>" not in page


# A unit's report -------------------------------------------------------------------------------

def test_unit_saves_a_draft_page_and_fragment(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    page = client.get(f"/reports/{report_id}").text
    assert "<html" in page and "Lưu nháp" in page and "Nộp báo cáo" in page
    response = post_report(client, report_id, 1, economy="Hỗ trợ 5 hộ vay vốn", **{
        "lines-0-item": "Buổi tuyên truyền", "lines-0-amount": "1.200", "lines-0-measure": "buổi"})
    assert response.status_code == 302
    status, version, economy = state(app, report_id)
    assert (status, version, economy) == (ReportStatus.DRAFT, 2, "Hỗ trợ 5 hộ vay vốn")
    fragment = post_report(client, report_id, 2, headers=HX, economy="Hỗ trợ 6 hộ vay vốn")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Đã lưu bản nháp." in fragment.text and 'name="version" value="3"' in fragment.text
    with app.app_context():
        r = db.session.get(Report, report_id)
        assert r.lines == [] and r.economy == "Hỗ trợ 6 hộ vay vốn"  # second save had no lines
    post_report(client, report_id, 3, **{"lines-0-item": "Buổi tuyên truyền", "lines-0-amount": "1.200"})
    with app.app_context():
        assert [(x.label, x.amount) for x in db.session.get(Report, report_id).lines] == [("Buổi tuyên truyền", 1200)]


def test_bad_numbers_are_refused_beside_the_field_and_nothing_is_stored(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    response = post_report(client, report_id, 1, economy="Văn bản giữ lại",
                           **{"lines-0-item": "Buổi", "lines-0-amount": "1e12",
                              "lines-1-amount": "5"})
    assert response.status_code == 200
    assert 'class="error"' in response.text and "Văn bản giữ lại" in response.text
    assert "Vui lòng ghi nội dung của số liệu này." in response.text
    assert state(app, report_id) == (ReportStatus.NOT_STARTED, 1, "")


def test_two_people_of_a_unit_never_overwrite_each_other(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    assert post_report(client, report_id, 1, economy="Bản của người thứ nhất").status_code == 302
    second = post_report(client, report_id, 1, headers=HX, economy="Bản của người thứ hai")
    assert second.status_code == 200
    assert "Có người khác của đơn vị đã lưu lúc" in second.text
    assert "Bản của người thứ hai" in second.text  # typed text kept in the form
    assert "Bản của người thứ nhất" in second.text  # and the saved text shown
    assert state(app, report_id)[1:] == (2, "Bản của người thứ nhất")
    # Having seen the conflict, the second person saves deliberately.
    assert post_report(client, report_id, 2, economy="Bản của người thứ hai").status_code == 302
    assert state(app, report_id)[2] == "Bản của người thứ hai"


@pytest.mark.parametrize("version", ["", "abc", "-1", "99"])
def test_a_missing_or_wrong_version_is_a_conflict(app, client, login_as, version):
    login_as("canglong")
    report_id = rid(app, "canglong")
    response = post_report(client, report_id, version, economy="x")
    assert response.status_code == 200 and "Có người khác" in response.text
    assert state(app, report_id) == (ReportStatus.NOT_STARTED, 1, "")


def test_double_submit_makes_one_submission(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    first = post_report(client, report_id, 1, "submit", economy="Nộp một lần")
    again = post_report(client, report_id, 1, "submit", economy="Nộp một lần")
    assert first.status_code == 302 and again.status_code == 302
    assert events(app, report_id) == ["submitted"]
    assert state(app, report_id)[0] is ReportStatus.SUBMITTED
    htmx_again = post_report(client, report_id, 1, "submit", headers=HX, economy="Nộp một lần")
    assert htmx_again.status_code == 200 and "Báo cáo đã được nộp." in htmx_again.text
    assert events(app, report_id) == ["submitted"]


def test_submit_needs_some_results(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    response = post_report(client, report_id, 1, "submit", proposals="Chỉ có đề xuất")
    assert response.status_code == 200
    assert "Cần ghi kết quả ít nhất một lĩnh vực trước khi nộp." in response.text
    assert "Chỉ có đề xuất" in response.text
    assert state(app, report_id)[0] is ReportStatus.NOT_STARTED


def test_a_submitted_report_is_locked_for_its_unit(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    post_report(client, report_id, 1, "submit", economy="Bản đã nộp")
    version = state(app, report_id)[1]
    response = post_report(client, report_id, version, economy="Sửa sau khi nộp")
    assert response.status_code == 409
    assert "Sửa sau khi nộp" in response.text  # the typed text is shown, not lost
    assert state(app, report_id) == (ReportStatus.SUBMITTED, version, "Bản đã nộp")
    page = client.get(f"/reports/{report_id}").text
    assert "Lưu nháp" not in page and "Bản đã nộp" in page


def test_extra_fields_cannot_change_state_or_owner(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    with app.app_context():
        other_unit = f.unit_by_name("Huyện đoàn Cầu Kè").id
    post_report(client, report_id, 1, economy="x", status="accepted", unit_id=other_unit,
                period_id=99, snapshot="{}", saved_by_id=1)
    with app.app_context():
        r = db.session.get(Report, report_id)
        assert (r.status, r.unit.name, r.period.name, r.snapshot) == (
            ReportStatus.DRAFT, "Huyện đoàn Càng Long", PERIOD, None)


def test_another_unit_cannot_read_or_change_a_draft(app, client, login_as):
    report_id = rid(app, "canglong")
    login_as("canglong")
    post_report(client, report_id, 1, economy="Bản nháp của Càng Long")
    client.post("/logout")
    for username in ["cauke", "tuyengiao", "danvantu"]:
        login_as(username)
        assert client.get(f"/reports/{report_id}").status_code == 404
        assert client.get(f"/reports/{report_id}/docx").status_code == 404
        assert post_report(client, report_id, 2, economy="Ghi đè").status_code in (403, 404)
        assert post_report(client, report_id, 2, "submit", economy="Ghi đè").status_code in (403, 404)
        assert client.post(f"/reports/{report_id}/review", data={"action": "accept"}).status_code in (403, 404)
        client.post("/logout")
    assert state(app, report_id) == (ReportStatus.DRAFT, 2, "Bản nháp của Càng Long")
    assert events(app, report_id) == []


@pytest.mark.parametrize("bad", ["0", "-1", "99999999", "9223372036854775808", "1.0", "abc"])
def test_bad_report_ids_are_404(client, login_as, bad):
    login_as("canglong")
    assert client.get(f"/reports/{bad}").status_code == 404
    assert client.post(f"/reports/{bad}", data={"version": 1}).status_code == 404


def test_boards_read_but_do_not_write_a_units_report(app, client, login_as):
    report_id = rid(app, "canglong")
    for username in ["tckt", "btv"]:
        login_as(username)
        page = client.get(f"/reports/{report_id}").text
        assert "Huyện đoàn Càng Long" in page and "Lưu nháp" not in page
        assert post_report(client, report_id, 1, economy="Ghi hộ").status_code == 403
        client.post("/logout")
    assert state(app, report_id) == (ReportStatus.NOT_STARTED, 1, "")


# Review rounds -------------------------------------------------------------------------------

def test_return_fix_resubmit_accept_and_history(app, client, login_as):
    report_id = submit_as(client, login_as, app, "canglong", "Kết quả ban đầu")
    # A return needs a reason, and only a submitted report can be accepted or returned.
    response = review_as(client, login_as, report_id, "return")
    assert response.status_code == 200 and "Vui lòng ghi lý do trả lại" in response.text
    assert state(app, report_id)[0] is ReportStatus.SUBMITTED
    assert review_as(client, login_as, report_id, "accept", username="btv").status_code == 403
    response = review_as(client, login_as, report_id, "return", section="good_practices",
                         comment="Bổ sung cách làm hay")
    assert response.status_code == 302
    assert state(app, report_id)[0] is ReportStatus.RETURNED
    assert review_as(client, login_as, report_id, "accept").status_code == 409
    login_as("canglong")
    page = client.get(f"/reports/{report_id}").text
    assert "đã trả lại báo cáo" in page and "Bổ sung cách làm hay" in page
    assert "Mục: Cách làm hay, mô hình hiệu quả" in page
    assert '<p class="pin">Góp ý: Bổ sung cách làm hay</p>' in page
    version = state(app, report_id)[1]
    assert post_report(client, report_id, version, "submit", economy="Kết quả ban đầu",
                       good_practices="Mỗi chi đoàn một việc tốt").status_code == 302
    client.post("/logout")
    assert review_as(client, login_as, report_id, "accept").status_code == 302
    assert review_as(client, login_as, report_id, "accept").status_code == 302  # repeat: no-op
    assert state(app, report_id)[0] is ReportStatus.ACCEPTED
    assert events(app, report_id) == ["submitted", "returned", "submitted", "accepted"]
    login_as("canglong")
    page = client.get(f"/reports/{report_id}").text
    assert page.count("<li><strong>") == 4 and "Đã tiếp nhận" in page
    assert post_report(client, report_id, state(app, report_id)[1], economy="x").status_code == 409


def test_the_board_cannot_accept_a_draft(app, client, login_as):
    report_id = rid(app, "tieucan")  # a demo draft
    response = review_as(client, login_as, report_id, "accept")
    assert response.status_code == 409
    assert state(app, report_id)[0] is ReportStatus.DRAFT


def test_review_fragment_and_page(app, client, login_as):
    report_id = rid(app, "txduyenhai")  # submitted in the demo
    login_as("tckt")
    page = client.get(f"/reports/{report_id}").text
    assert "<html" in page and "Tiếp nhận</button>" in page
    fragment = client.post(f"/reports/{report_id}/review", data={"action": "accept"}, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Đã tiếp nhận báo cáo." in fragment.text


# Numbers: live for a draft, frozen at submit -------------------------------------------------

def clear_sample_progress():
    """Remove the demo's sample progress and own plans, so the numbers below are all there is."""
    from danvan.orm import (
        Allocation,
        Commendation,
        Evaluator,
        Evidence,
        House,
        Initiative,
        ProgressEntry,
        Recipient,
        Recognition,
        Registration,
        Review,
        ReviewCriterion,
        Road,
        Scorecard,
        ScorePoint,
        Target,
    )
    from danvan.orm.plan import initiative_coordinator

    own = db.select(Initiative.id).join(Plan).where(Plan.parent_plan_id.is_not(None))
    own_plans = db.select(Plan.id).where(Plan.parent_plan_id.is_not(None))
    # The demo's thi đua and photos stand on the sample mô hình and houses: they go first.
    for model in (Evidence, Recognition, ScorePoint, Scorecard, Commendation, Evaluator, ReviewCriterion, Review,
                  Registration):
        db.session.execute(db.delete(model))
    db.session.execute(db.delete(Recipient).where(Recipient.plan_id.in_(own_plans)))
    for model in (ProgressEntry, House, Road, Allocation):
        db.session.execute(db.delete(model))
    db.session.execute(db.delete(Target).where(Target.initiative_id.in_(own)))
    db.session.execute(db.delete(initiative_coordinator).where(initiative_coordinator.c.initiative_id.in_(own)))
    db.session.execute(db.delete(Initiative).where(Initiative.id.in_(own)))
    db.session.execute(db.delete(Plan).where(Plan.parent_plan_id.is_not(None)))
    # The demo's submitted and accepted reports froze the sample numbers: freeze them again.
    for report in db.session.scalars(db.select(Report).where(Report.snapshot.is_not(None))):
        report.snapshot = json.dumps(live_numbers(report.period, report.unit_id), ensure_ascii=False)


def seed_progress(app):
    """Progress of Càng Long, Tiểu Cần and a province board inside and outside the period."""
    with app.app_context():
        clear_sample_progress()
        canglong, tieucan = f.unit_by_name("Huyện đoàn Càng Long"), f.unit_by_name("Huyện đoàn Tiểu Cần")
        board = f.unit_by_name("Ban Thanh thiếu nhi – Trường học Tỉnh đoàn")
        children = f.target_of("Mô hình chăm lo", "child")
        money = f.target_of("Mô hình chăm lo", "money")
        houses = f.target_of("Mô hình vận động", "house")
        f.make_allocation(children, canglong, 300)
        entry = f.make_progress(children, canglong, 120, date(2021, 7, 1))
        f.make_progress(children, canglong, -20, date(2021, 7, 2), corrects=entry)  # net 100
        f.make_progress(children, canglong, 999, date(2021, 12, 1))  # after the cut-off
        f.make_progress(money, canglong, 25_000_000, date(2021, 8, 1))
        f.make_progress(children, tieucan, 80, date(2021, 9, 1))
        f.make_progress(children, board, 1000, date(2021, 10, 1))  # the province's own progress
        f.make_house(houses.initiative_id, canglong, 40_000_000, date(2021, 9, 9))
        f.make_house(houses.initiative_id, canglong, 45_000_000, date(2021, 10, 9))
        f.make_house(houses.initiative_id, canglong, 50_000_000, None, done=False)
        roads = f.target_of("Mô hình xây dựng tuyến", "road")
        f.make_road(roads.initiative_id, canglong, date(2021, 11, 1))
        plan = db.session.get(Plan, 1)
        f.make_unit_plan(canglong, plan, [("economy", "Mô hình “Tổ hợp tác thanh niên”"),
                                          ("culture_society", "Mô hình “Tủ sách thanh niên”")])
        db.session.commit()


def test_draft_shows_live_numbers_and_submit_freezes_them(app, client, login_as):
    seed_progress(app)
    login_as("canglong")
    report_id = rid(app, "canglong")
    page = client.get(f"/reports/{report_id}").text
    assert "thiếu nhi có hoàn cảnh khó khăn được chăm lo" in page
    assert ">300 em<" in page and ">100 em<" in page  # share and net progress in the period
    assert "2 căn · 85.000.000" in page and "1 tuyến" in page
    assert "Mô hình “Tổ hợp tác thanh niên”" in page
    post_report(client, report_id, 1, "submit", economy="Đã làm")
    with app.app_context():
        f.make_progress(f.target_of("Mô hình chăm lo", "child"), f.unit_by_name("Huyện đoàn Càng Long"),
                        500, date(2021, 10, 10))
        db.session.commit()
        numbers = db.session.get(Report, report_id).numbers
    child_row = next(t for t in numbers["targets"] if t["measure"] == "child")
    assert child_row["amount"] == 100 and numbers["houses"] == {"count": 2, "funds": 85_000_000}
    page = client.get(f"/reports/{report_id}").text
    assert ">100 em<" in page and ">600 em<" not in page and "Số liệu đã chốt khi nộp" in page


# Compile and exports --------------------------------------------------------------------------

def accept_canglong_and_compile(app, client, login_as, **narrative):
    seed_progress(app)
    login_as("canglong")
    report_id = rid(app, "canglong")
    post_report(client, report_id, 1, "submit", economy="Càng Long hỗ trợ hộ vay vốn", **narrative,
                **{"lines-0-item": "=HYPERLINK(\"http://x\",\"y\")", "lines-0-amount": "7",
                   "lines-0-measure": "buổi"})
    client.post("/logout")
    login_as("tieucan")  # submitted, not accepted: must not count
    tieucan = rid(app, "tieucan")
    post_report(client, tieucan, state(app, tieucan)[1], "submit", economy="Tiểu Cần")
    client.post("/logout")
    review_as(client, login_as, report_id, "accept")
    login_as("tckt")
    response = client.post(f"/periods/{period_id(app)}/compile", data={"confirm": "1"})
    assert response.status_code == 302 and response.location.endswith("/compiled")
    return report_id


def test_compiled_totals_match_recorded_progress(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as)
    with app.app_context():
        compiled = db.session.scalar(db.select(CompiledReport))
        data = compiled.totals
    children = next(t for t in data["targets"] if t["measure"] == "child")
    # Càng Long's accepted snapshot (net 100) + the board's own 1000; Tiểu Cần is not accepted.
    assert children["total"] == 1100
    assert {u["unit"]: u["amount"] for u in children["units"]} == {
        "Huyện đoàn Càng Long": 100, "Ban Thanh thiếu nhi – Trường học Tỉnh đoàn": 1000}
    money = next(t for t in data["targets"] if t["measure"] == "money" and t["target"] == 600_000_000)
    assert money["total"] == 25_000_000
    assert data["houses"] == {"count": 2, "funds": 85_000_000} and data["roads"]["count"] == 1
    assert data["accepted"] == 2 and data["owing"] == 12  # the demo's Thành đoàn Trà Vinh + Càng Long
    fields = {x["field"]: x["own_initiatives"] for x in data["fields"]}
    assert fields["economy"] == 1 and fields["culture_society"] == 1
    assert "- Huyện đoàn Càng Long: Càng Long hỗ trợ hộ vay vốn" in compiled.economy
    assert "Tiểu Cần" not in compiled.economy
    assert "Thành đoàn Trà Vinh" in compiled.economy


def test_compile_is_for_the_organisation_board_only(app, client, login_as):
    pid = period_id(app)
    for username, status in [("btv", 403), ("canglong", 404), ("danvantu", 403)]:
        login_as(username)
        assert client.post(f"/periods/{pid}/compile").status_code == status
        client.post("/logout")
    with app.app_context():
        assert db.session.scalar(db.select(CompiledReport)) is None


def test_compiled_narrative_edit_conflict_and_send(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as)
    pid = period_id(app)
    page = client.get(f"/periods/{pid}/compiled").text
    assert "<html" in page and "Gửi Ban Dân vận Tỉnh ủy" in page
    version = int(re.search(r'name="version" value="(\d+)"', page).group(1))
    saved = client.post(f"/periods/{pid}/compiled", data={"version": version, "code": "415",
                                                         "economy": "Đã biên tập"}, headers=HX)
    assert saved.status_code == 200 and "<html" not in saved.text and "Đã biên tập" in saved.text
    stale = client.post(f"/periods/{pid}/compiled", data={"version": version, "economy": "Bản cũ"})
    assert stale.status_code == 200 and "Có người khác đã lưu lúc" in stale.text and "Bản cũ" in stale.text
    with app.app_context():
        assert db.session.scalar(db.select(CompiledReport)).economy == "Đã biên tập"
    # The read-only outside body sees nothing until the report is sent.
    client.post("/logout")
    login_as("danvantu")
    assert client.get(f"/periods/{pid}/compiled").status_code == 404
    assert client.get(f"/periods/{pid}/compiled.docx").status_code == 404
    client.post("/logout")
    login_as("tckt")
    assert client.post(f"/periods/{pid}/compiled/send", data={"confirm": "1"}).status_code == 302
    assert client.post(f"/periods/{pid}/compile").status_code == 409
    assert client.post(f"/periods/{pid}/compiled", data={"version": version + 1,
                                                        "economy": "Sửa sau khi gửi"}).status_code == 409
    client.post("/logout")
    login_as("danvantu")
    page = client.get(f"/periods/{pid}/compiled").text
    assert "Đã biên tập" in page and "Đã gửi Ban Dân vận Tỉnh ủy" in page
    assert "Lưu nội dung" not in page
    assert client.get(f"/periods/{pid}/compiled.xlsx").status_code == 200
    assert PERIOD in client.get("/reports").text
    assert client.get(f"/periods/{pid}").status_code == 404  # never the units' drafts
    assert client.get(f"/reports/{rid(app, 'tieucan')}").status_code == 404
    assert client.post(f"/periods/{pid}/compiled/send").status_code == 403


def test_word_export_in_official_layout(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as)
    pid = period_id(app)
    response = client.get(f"/periods/{pid}/compiled.docx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in disposition
    document = Document(BytesIO(response.data))
    header = document.tables[0]
    assert "BCH ĐOÀN TỈNH TRÀ VINH" in header.cell(0, 0).text and "-BC/TĐTN-TCKT" in header.cell(0, 0).text
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in header.cell(0, 1).text and "Trà Vinh, ngày" in header.cell(0, 1).text
    text = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in text and "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2021" in text
    assert PERIOD not in text  # the trích yếu does not repeat the title
    assert "Huyện đoàn Càng Long: Càng Long hỗ trợ hộ vay vốn" in text
    assert "Nhà Nhân ái đã bàn giao: 2 căn, kinh phí vận động 85 triệu đồng" in text
    totals = {row.cells[0].text.split(": ", 1)[1]: (row.cells[3].text, row.cells[1].text)
              for row in document.tables[1].rows[1:]}
    assert totals["thiếu nhi có hoàn cảnh khó khăn được chăm lo"] == ("1.100", "em")
    units = [row.cells[0].text for row in document.tables[2].rows[1:]]
    assert "Huyện đoàn Càng Long" in units
    assert "Võ Minh Nhựt" in document.tables[3].cell(0, 1).text
    assert document.styles["Normal"].font.name == "Times New Roman"
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.left_margin.cm, 1) == 3.0


def test_unit_report_exports_as_a_word_section(app, client, login_as):
    report_id = accept_canglong_and_compile(app, client, login_as)
    client.post("/logout")
    login_as("canglong")
    response = client.get(f"/reports/{report_id}/docx")
    assert response.status_code == 200 and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    document = Document(BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Huyện đoàn Càng Long" in text and "Càng Long hỗ trợ hộ vay vốn" in text
    rows = {r.cells[0].text.split(": ", 1)[-1]: (r.cells[1].text, r.cells[2].text) for r in document.tables[0].rows[1:]}
    assert rows["thiếu nhi có hoàn cảnh khó khăn được chăm lo"] == ("100", "em")


def test_excel_workbook_sheets_numbers_and_no_formulas(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as, good_practices="+1+1 cách làm hay")
    response = client.get(f"/periods/{period_id(app)}/compiled.xlsx")
    assert response.status_code == 200 and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames[0] == "Tổng hợp" and book.sheetnames[-1] == "Tình trạng báo cáo"
    assert len(book.sheetnames) == 2 + 4  # one sheet per province mô hình
    totals = {row[1]: row[4] for row in book["Tổng hợp"].iter_rows(min_row=3, values_only=True) if row[1]}
    assert totals["thiếu nhi có hoàn cảnh khó khăn được chăm lo"] == 1100
    children = book[book.sheetnames[1]]
    rows = {r[0]: r[1:] for r in children.iter_rows(min_row=3, values_only=True)}
    assert rows["Huyện đoàn Càng Long"] == (100, 25_000_000)
    assert rows["Tổng cộng"] == (1100, 25_000_000) and rows["Kế hoạch"] == (3000, 600_000_000)
    states = {r[0]: r[1] for r in book["Tình trạng báo cáo"].iter_rows(min_row=2, values_only=True)}
    assert states["Huyện đoàn Càng Long"] == "Đã tiếp nhận" and states["Huyện đoàn Tiểu Cần"] == "Đã nộp"
    cells = [c.value for sheet in book for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "=HYPERLINK(\"http://x\",\"y\")" in cells  # shown as typed, no apostrophe added
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


@pytest.mark.parametrize("payload", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(1)", "\tx",
                                     "'=already", "Huyện đoàn"])
def test_text_that_looks_like_a_formula_stays_plain_text(payload):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([payload, 42])
    plain_text(book)
    out = BytesIO()
    book.save(out)
    cell, number = load_workbook(BytesIO(out.getvalue())).active["A1"], book.active["B1"]
    assert cell.value == payload and cell.data_type == "s"
    assert number.value == 42 and number.data_type == "n"


# Pages ----------------------------------------------------------------------------------------

def test_markup_in_report_text_is_escaped(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    post_report(client, report_id, 1, "submit", economy='<script>alert(1)</script>{{7*7}}',
                difficulties='<div hx-get="/logout" hx-trigger="load">')
    client.post("/logout")
    login_as("tckt")
    page = client.get(f"/reports/{report_id}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "{{7*7}}" in page  # not run as a template
    assert '<div hx-get="/logout"' not in page


def test_reports_index_per_role(app, client, login_as):
    login_as("canglong")
    page = client.get("/reports").text
    assert PERIOD in page and "Theo dõi báo cáo" not in page and "Thêm kỳ báo cáo" not in page
    client.post("/logout")
    login_as("tckt")
    page = client.get("/reports").text
    assert "Theo dõi báo cáo của các đơn vị" in page and "Thêm kỳ báo cáo" in page
    assert "Đã tiếp nhận 1" in page and "Đã nộp 1" in page and "Bị trả lại 1" in page
    client.post("/logout")
    login_as("danvantu")
    assert "Chưa có báo cáo nào" in client.get("/reports").text


def test_report_pages_fit_the_budget_compressed(app, client, login_as):
    login_as("cauke")  # a returned report: form, comment, history
    form_page = client.get(f"/reports/{rid(app, 'cauke')}", headers={"Accept-Encoding": "br"})
    client.post("/logout")
    login_as("tckt")
    table = client.get(f"/periods/{period_id(app)}", headers={"Accept-Encoding": "br"})
    for response in (form_page, table):
        assert response.headers["Content-Encoding"] == "br"
        assert len(response.data) <= 30 * 1024
    assert "Góp ý: Đề nghị nêu rõ cách làm hay" in brotli.decompress(form_page.data).decode()


# One source of truth: the report's numbers are the mô hình roll-up's, the checklist's counts --------

def _province_targets():
    from danvan.orm import Initiative, Target

    return list(db.session.scalars(
        db.select(Target).join(Target.initiative).where(Initiative.plan_id == 1)
        .options(db.selectinload(Target.initiative).selectinload(Initiative.targets))))


def test_report_numbers_for_the_whole_year_are_the_models_page_numbers(app, client, login_as):
    """With the demo's progress (houses still being built among them), a report for the whole
    year pre-fills, unit by unit and target by target, what the mô hình pages show."""
    from danvan.models import rollup
    from danvan.orm import House, Initiative, Measure, WorkStatus

    login_as("tckt")
    page = client.get("/plans/1/periods/new").text
    units = re.findall(r'<input checked id="units-\d+" name="units" type="checkbox" value="(\d+)">', page)
    owing = [int(u) for u in units]
    response = client.post("/plans/1/periods/new", data={
        "name": "Cả năm 2021", "kind": "other", "starts_on": "2021-01-01", "cut_off_on": "2021-12-31",
        "due_on": "2022-01-10", "units": owing})
    assert response.status_code == 302
    with app.app_context():
        period = db.session.scalar(db.select(ReportingPeriod).where(ReportingPeriod.name == "Cả năm 2021"))
        initiatives = db.session.scalars(db.select(Initiative).where(Initiative.plan_id == 1)).all()
        page_lines = {}  # (target id, unit id) → (share, actual), as the mô hình pages show them
        house_lines, fund_lines = {}, {}
        for initiative in initiatives:
            for total in rollup.initiative_totals(initiative):
                for line in total.units:
                    page_lines[(total.target.id, line.unit.id)] = (line.share, line.actual)
                    if total.source == rollup.Source.HOUSES:
                        house_lines[line.unit.id] = house_lines.get(line.unit.id, 0) + line.actual
                    if total.source == rollup.Source.HOUSE_FUNDS:
                        fund_lines[line.unit.id] = fund_lines.get(line.unit.id, 0) + line.actual
        # The demo has houses still being built with money raised: neither side counts it yet.
        building = db.session.scalar(db.select(db.func.count()).where(
            House.status != WorkStatus.DONE, House.funds_mobilised > 0))
        assert building > 0
        compared = 0
        for report in period.reports:
            numbers = live_numbers(period, report.unit_id)
            rows = {(t["target_id"], report.unit_id): (t["share"], t["amount"]) for t in numbers["targets"]}
            assert rows == {k: v for k, v in page_lines.items() if k[1] == report.unit_id}
            assert numbers["houses"]["count"] == house_lines.get(report.unit_id, 0)
            assert numbers["houses"]["funds"] == fund_lines.get(report.unit_id, 0)
            compared += len(rows)
        assert compared >= 20
        canglong = f.unit_by_name("Huyện đoàn Càng Long").id
        house_target = next(t for t in _province_targets() if t.measure == Measure.HOUSE)
        houses_initiative = house_target.initiative_id
        count = live_numbers(period, canglong)["houses"]["count"]
        assert count == page_lines[(house_target.id, canglong)][1] > 0
    # And the mô hình page itself prints that count on Càng Long's line.
    page = client.get(f"/initiatives/{houses_initiative}").text
    row = re.search(r"<td>HĐ Càng Long</td>.*?</tr>|<td>[^<]*Càng Long</td>.*?</tr>", page, re.S).group(0)
    assert re.search(rf'data-label="Đạt">{count}\b', row)


def test_report_numbers_for_a_period_are_the_rollup_for_that_period(app):
    """For the demo period (to the cut-off 15/11/2021) every unit's rows are its lines of the
    period-bounded roll-up, and every share on its home page agrees."""
    from danvan.models import rollup

    with app.app_context():
        period = db.session.scalar(db.select(ReportingPeriod).where(ReportingPeriod.name == PERIOD))
        targets = _province_targets()
        totals = rollup.totals_for(targets, period.starts_on, period.cut_off_on)
        whole_year = rollup.totals_for(targets)
        differs = False
        for report in period.reports:
            numbers = live_numbers(period, report.unit_id)
            rows = {t["target_id"]: t["amount"] for t in numbers["targets"]}
            expected = {t.id: ln.actual for t in targets for ln in totals[t.id].units
                        if ln.unit.id == report.unit_id}
            assert rows == expected
            home = rollup.unit_progress(report.unit_id, period.starts_on, period.cut_off_on, plan_ids=[1])
            for line in home:
                if line.share is not None:
                    assert rows[line.target.id] == line.actual
            year = {t.id: ln.actual for t in targets for ln in whole_year[t.id].units
                    if ln.unit.id == report.unit_id}
            differs |= any(year.get(k, 0) != v for k, v in rows.items())
        assert differs  # the demo has progress after the cut-off: the bound matters


def test_a_house_counts_with_its_funds_when_handed_over(app):
    """Rule: a house and the money raised for it count in the period it is handed over in."""
    from danvan.models import rollup

    seed_progress(app)
    with app.app_context():
        period = db.session.scalar(db.select(ReportingPeriod).where(ReportingPeriod.name == PERIOD))
        canglong = f.unit_by_name("Huyện đoàn Càng Long")
        numbers = live_numbers(period, canglong.id)
        # 40 + 45 million handed over; the 50 million house still being built is not counted.
        assert numbers["houses"] == {"count": 2, "funds": 85_000_000}
        houses_initiative = f.target_of("Mô hình vận động", "house").initiative_id
        money = next(t for t in _province_targets()
                     if t.measure.value == "money" and t.initiative_id == houses_initiative)
        total = rollup.totals_for([money] + list(money.initiative.targets))[money.id]
        assert total.source == rollup.Source.HOUSE_FUNDS and total.actual == 85_000_000
        row = next(t for t in numbers["targets"] if t["target_id"] == money.id)
        assert row["amount"] == 85_000_000
        house_row = next(t for t in numbers["targets"] if t["measure"] == "house")
        assert house_row["amount"] == 2  # the house target reads the list, not typed entries


def _checklist_page_counts(client, app, unit_id: int) -> tuple[int, int, int, int]:
    """Sum what the checklist page shows for the unit's own tasks of plan 1."""
    from danvan.orm import Assignment, Task

    with app.app_context():
        task_ids = db.session.scalars(db.select(Task.id).join(Task.assignment).where(
            Task.unit_id == unit_id, Assignment.plan_id == 1)).all()
    page = client.get(f"/units/{unit_id}/checklist").text
    items_done = items = tasks_done = 0
    for task_id in task_ids:
        counter = re.search(rf'<div id="count-{task_id}" class="count">(.*?)</div>', page, re.DOTALL).group(1)
        done, total = map(int, re.search(r"<b>(\d+)/(\d+)</b>", counter).groups())
        items_done, items = items_done + done, items + total
        tasks_done += "Hoàn thành" in counter
    return items_done, items, tasks_done, len(task_ids)


def test_checklist_completion_in_a_report_is_the_checklist_pages(app, client, login_as):
    from danvan.orm import Assignment, ChecklistItem, Task

    with app.app_context():
        unit_id = f.unit_by_name("Huyện đoàn Càng Long").id
        tasks = db.session.scalars(db.select(Task).join(Task.assignment).where(
            Task.unit_id == unit_id, Assignment.plan_id == 1).order_by(Task.id)).all()
        assert len(tasks) >= 2
        first, second = tasks[0].id, tasks[1].id
        first_items = db.session.scalars(db.select(ChecklistItem.id).where(
            ChecklistItem.task_id == first, ChecklistItem.removed_at.is_(None))).all()
    login_as("canglong")
    # Tick every item of one task (done by its items), mark another done by hand.
    for item_id in first_items:
        assert client.post(f"/items/{item_id}/toggle", data={"done": "1"}).status_code == 302
    assert client.post(f"/tasks/{second}/done", data={f"done{second}-action": "done",
                                                      f"done{second}-note": "Xong"}).status_code == 302
    items_done, items, tasks_done, n_tasks = _checklist_page_counts(client, app, unit_id)
    assert tasks_done >= 2 and items_done >= len(first_items)
    text = (f"{items_done}/{items} việc cần làm đã xong, "
            f"{tasks_done}/{n_tasks} nhiệm vụ hoàn thành")
    report_id = rid(app, "canglong")
    assert text in client.get(f"/reports/{report_id}").text
    document = Document(BytesIO(client.get(f"/reports/{report_id}/docx").data))
    rows = {r.cells[0].text: r.cells[1].text for r in document.tables[0].rows[1:]}
    assert rows["Việc cần làm đã xong"] == f"{items_done}/{items}"
    assert rows["Nhiệm vụ theo kế hoạch hoàn thành"] == f"{tasks_done}/{n_tasks}"
    # Submitted and accepted, the compiled workbook's state sheet shows the items done of all.
    post_report(client, report_id, state(app, report_id)[1], "submit", economy="Đã làm")
    client.post("/logout")
    review_as(client, login_as, report_id, "accept")
    login_as("tckt")
    assert client.post(f"/periods/{period_id(app)}/compile", data={"confirm": "1"}).status_code == 302
    book = load_workbook(BytesIO(client.get(f"/periods/{period_id(app)}/compiled.xlsx").data))
    sheet = book["Tình trạng báo cáo"]
    header = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
    assert header[3] == "Việc cần làm"
    states = {r[0]: r[3] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert states["Huyện đoàn Càng Long"] == f"{items_done}/{items}"
    # A unit that has not submitted shows its checklist as it is now.
    with app.app_context():
        tieucan = f.unit_by_name("Huyện đoàn Tiểu Cần").id
    done, total, _t, _n = _checklist_page_counts(client, app, tieucan)
    assert states["Huyện đoàn Tiểu Cần"] == f"{done}/{total}"


def test_checklist_text_of_an_older_snapshot_keeps_the_tasks():
    from danvan.reports.prefill import checklist_text

    assert checklist_text({"done": 1, "total": 3}) == "1/3 nhiệm vụ hoàn thành"
    assert checklist_text({"done": 2, "total": 2, "items_done": 12, "items": 15}) == (
        "12/15 việc cần làm đã xong, 2/2 nhiệm vụ hoàn thành")


# Nothing typed is lost across an ended session ------------------------------------------------

def _csrf_login(client, username: str, next_path: str = ""):
    from tests.conftest import csrf_token_from

    token = csrf_token_from(client.get("/login").text)
    return client.post(f"/login{next_path}", data={"csrf_token": token, "username": username,
                                                   "password": PASSWORD})


@pytest.mark.parametrize("how", ["session ended", "idle timeout"])
def test_a_report_typed_across_an_ended_session_is_saved_after_logging_in(db_url, how):
    from datetime import timedelta

    from danvan.orm import LoginSession
    from tests.conftest import csrf_token_from, make_app

    app = make_app(db_url, WTF_CSRF_ENABLED=True,
                   PERMANENT_SESSION_LIFETIME=timedelta(seconds=1 if how == "idle timeout" else 3600))
    client = app.test_client()
    assert _csrf_login(client, "canglong").status_code == 302
    report_id = rid(app, "canglong")
    token = csrf_token_from(client.get(f"/reports/{report_id}").text)
    if how == "session ended":
        with app.app_context():
            db.session.execute(db.update(LoginSession).values(ended_at=db.func.now()))
            db.session.commit()
    else:
        time.sleep(2)  # the signed cookie is older than the idle lifetime: Flask drops the session
    typed = "Kết quả gõ trong lúc phiên đăng nhập hết hạn"
    answer = client.post(f"/reports/{report_id}", data={"csrf_token": token, "version": "1", "action": "draft",
                                                         "economy": typed})
    assert answer.status_code == 302 and f"next=/reports/{report_id}" in answer.location
    assert "expired=1" in answer.location
    login_page = client.get(answer.location).text
    assert "Phiên đăng nhập đã hết hạn" in login_page
    assert state(app, report_id)[2] == ""  # nothing saved yet, nothing lost either
    again = _csrf_login(client, "canglong", answer.location.split("/login", 1)[1])
    assert again.status_code == 302 and again.location == f"/reports/{report_id}"
    page = client.get(again.location).text
    assert "Đã lưu bản nháp báo cáo bạn gõ trước khi phiên đăng nhập hết hạn." in page
    assert state(app, report_id)[:1] == (ReportStatus.DRAFT,) and state(app, report_id)[2] == typed


def test_kept_text_never_overwrites_a_newer_save(app, client, login_as):
    from danvan.orm import KeptDraft

    report_id = rid(app, "canglong")
    login_as("canglong")
    post_report(client, report_id, 1, economy="Bản mới hơn")  # saved meanwhile: version 1 → 2
    client.post("/logout")
    with app.app_context():
        db.session.add(KeptDraft(user_id=f.user_by_name("canglong").id, report_id=report_id, version=1,
                                 form_data='{"economy": "Bản cũ đã giữ", "version": "1"}'))
        db.session.commit()
    answer = client.post("/login", data={"username": "canglong", "password": PASSWORD})
    assert answer.status_code == 302
    assert state(app, report_id)[2] == "Bản mới hơn"
    page = client.get(f"/reports/{report_id}").text
    assert "Nội dung bạn vừa gõ (chưa được lưu)" in page and "Bản cũ đã giữ" in page
    assert "vẫn được giữ" in page  # what the login said


# Confirm what cannot be undone -----------------------------------------------------------------

def test_compiling_with_reports_missing_asks_first_and_says_which(app, client, login_as):
    seed_progress(app)
    review_as(client, login_as, rid(app, "txduyenhai"), "accept")  # 2 of 12 accepted with Thành đoàn
    login_as("tckt")
    pid = period_id(app)
    asked = client.post(f"/periods/{pid}/compile")
    assert asked.status_code == 302 and asked.location.endswith(f"/periods/{pid}/compile")
    page = client.get(asked.location).text
    assert "Mới tiếp nhận 2/12 báo cáo" in page and "Huyện đoàn Cầu Kè" in page and "Bị trả lại" in page
    assert 'name="confirm" value="1"' in page and "Vẫn tổng hợp" in page
    with app.app_context():
        assert db.session.scalar(db.select(CompiledReport)) is None  # nothing done before the answer
    htmx = client.post(f"/periods/{pid}/compile", headers=HX)
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].endswith(f"/periods/{pid}/compile")
    done = client.post(f"/periods/{pid}/compile", data={"confirm": "1"})
    assert done.status_code == 302 and done.location.endswith("/compiled")


def test_sending_without_a_number_asks_first(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as)
    pid = period_id(app)
    asked = client.post(f"/periods/{pid}/compiled/send")
    assert asked.location.endswith(f"/periods/{pid}/compiled/send")
    page = client.get(asked.location).text
    assert "Báo cáo chưa có số" in page and "không sửa được nữa" in page and "Vẫn gửi" in page
    with app.app_context():
        assert db.session.scalar(db.select(CompiledReport.sent_at)) is None
    assert client.post(f"/periods/{pid}/compiled/send", data={"confirm": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(CompiledReport.sent_at)) is not None


# Dates that cannot betray the user ---------------------------------------------------------------

def test_the_compiled_reports_number_and_date_are_the_boards(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as)
    pid = period_id(app)
    with app.app_context():
        version = db.session.scalar(db.select(CompiledReport.version))
    bad = client.post(f"/periods/{pid}/compiled", data={"version": version, "code": "bốn trăm"})
    assert "Chỉ nhập số của báo cáo, ví dụ 415." in bad.text
    client.post(f"/periods/{pid}/compiled", data={"version": version, "code": "415-BC/TĐTN-TCKT",
                                                   "issued_on": "2021-12-10"})
    with app.app_context():
        compiled = db.session.scalar(db.select(CompiledReport))
        assert (compiled.code, compiled.issued_on) == ("415", date(2021, 12, 10))
    document = Document(BytesIO(client.get(f"/periods/{pid}/compiled.docx").data))
    header = document.tables[0].rows[0].cells
    assert header[0].paragraphs[2].text == "Số: 415-BC/TĐTN-TCKT"  # the code added once
    assert header[1].paragraphs[2].text == "Trà Vinh, ngày 10 tháng 12 năm 2021"  # not the export day


def test_lateness_is_kept_once_a_late_report_is_accepted(app, client, login_as):
    app.config["TODAY"] = date(2021, 12, 5)  # due 30/11: handed in five days late
    report_id = rid(app, "canglong")
    login_as("canglong")
    post_report(client, report_id, 1, "submit", economy="Nộp trễ")
    client.post("/logout")
    review_as(client, login_as, report_id, "accept")
    login_as("tckt")
    client.post(f"/periods/{period_id(app)}/compile", data={"confirm": "1"})
    book = load_workbook(BytesIO(client.get(f"/periods/{period_id(app)}/compiled.xlsx").data))
    states = {r[0]: (r[1], r[2]) for r in book["Tình trạng báo cáo"].iter_rows(min_row=2, values_only=True)}
    assert states["Huyện đoàn Càng Long"] == ("Đã tiếp nhận", 5)


def test_the_report_page_shows_its_cut_off_and_the_entries_it_counts(app, client, login_as):
    seed_progress(app)
    login_as("canglong")
    page = client.get(f"/reports/{rid(app, 'canglong')}").text
    assert "Số liệu tính từ 01/01/2021 đến 15/11/2021 (thời điểm lấy số liệu)" in page
    assert "lần ghi nhận" in page and "tính vào kỳ báo cáo sau" in page
