"""Mô hình: roll-ups, pages, allocations, progress, corrections, houses, roads, own initiatives."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan.extensions import db
from danvan.models import rollup
from danvan.orm import (
    Allocation,
    House,
    Initiative,
    Measure,
    Plan,
    ProgressEntry,
    Road,
    Target,
    Unit,
    WorkStatus,
)
from tests.conftest import HX
from tests.factories import unit_by_name
from tests.helpers import queries_of_get, rows

HOUSES_ID, CHILDREN_ID, ROADS_ID = 2, 1, 3


def target_of(initiative_id: int, measure: Measure) -> Target:
    return db.session.scalar(db.select(Target).where(Target.initiative_id == initiative_id,
                                                     Target.measure == measure))


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def snapshot() -> tuple:
    """What a mô hình write could change (read in the caller's app context)."""
    return rows(*(db.select(db.func.count()).select_from(m)
                  for m in (Allocation, ProgressEntry, House, Road, Initiative, Plan)),
                db.select(Allocation.amount).order_by(Allocation.id),
                db.select(House.id, House.status, House.version).order_by(House.id))


@pytest.fixture
def ids(app):
    with app.app_context():
        return {
            "child": target_of(CHILDREN_ID, Measure.CHILD).id,
            "child_money": target_of(CHILDREN_ID, Measure.MONEY).id,
            "house": target_of(HOUSES_ID, Measure.HOUSE).id,
            "office": db.session.scalar(db.select(Target.id).where(Target.measure == Measure.OFFICE)
                                        .order_by(Target.id)),
            "canglong": unit_by_name("Huyện đoàn Càng Long").id,
            "cauke": unit_by_name("Huyện đoàn Cầu Kè").id,
            "canglong_house": db.session.scalar(db.select(House.id).join(Unit).where(
                Unit.name == "Huyện đoàn Càng Long").order_by(House.id)),
            "canglong_road": db.session.scalar(db.select(Road.id).join(Unit).where(
                Unit.name == "Huyện đoàn Càng Long")),
            "canglong_entry": db.session.scalar(db.select(ProgressEntry.id).join(Unit).where(
                Unit.name == "Huyện đoàn Càng Long", ProgressEntry.target_id == target_of(
                    CHILDREN_ID, Measure.CHILD).id).order_by(ProgressEntry.id)),
        }


# ---- roll-ups ----

def test_demo_rollup_agrees_with_the_item_lists(app):
    with app.app_context():
        initiative = db.session.get(Initiative, HOUSES_ID)
        houses, money = rollup.initiative_totals(initiative)
        done = count(House, House.initiative_id == HOUSES_ID, House.status == WorkStatus.DONE)
        funds = db.session.scalar(db.select(db.func.sum(House.funds_mobilised)).where(
            House.initiative_id == HOUSES_ID, House.status == WorkStatus.DONE))  # handed over only
        assert houses.actual == done == 25 == sum(line.actual for line in houses.units)
        assert money.actual == funds == sum(line.actual for line in money.units)
        assert houses.allocated == 90 and money.allocated == 3_600_000_000 and houses.gap == 0
        (roads,) = rollup.initiative_totals(db.session.get(Initiative, ROADS_ID))
        assert roads.actual == count(Road, Road.status == WorkStatus.DONE) == 5
        plan = db.session.get(Plan, 1)
        roll = rollup.plan_rollup(plan)
        assert roll.initiative_count == 4
        # field → plan: the plan's sums are the sums of its fields, measure by measure.
        for measure, (target, actual) in roll.sums.items():
            assert target == sum(f.sums.get(measure, (0, 0))[0] for f in roll.fields)
            assert actual == sum(f.sums.get(measure, (0, 0))[1] for f in roll.fields)
        assert roll.sums[Measure.HOUSE] == (90, 25)


def test_unit_progress_counts_only_the_period(app, ids):
    with app.app_context():
        whole = {p.target.id: p for p in rollup.unit_progress(ids["canglong"], plan_ids=[1])}
        assert whole[ids["child"]].actual == 215 and whole[ids["child"]].share == 300
        assert whole[ids["house"]].actual == 3
        july = {p.target.id: p for p in rollup.unit_progress(ids["canglong"], date(2021, 7, 1),
                                                             date(2021, 7, 31), plan_ids=[1])}
        assert july[ids["child"]].actual == 120


units_st = st.lists(st.integers(min_value=1, max_value=6), min_size=0, max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    shares=st.dictionaries(st.integers(1, 6), st.integers(0, 10**12), max_size=6),
    entries=st.lists(st.tuples(st.integers(1, 6), st.integers(-10**9, 10**12)), max_size=40),
    houses=st.lists(st.tuples(st.integers(1, 6), st.booleans(), st.integers(0, 10**10)), max_size=40),
)
def test_combine_sums_agree_property(shares, entries, houses):
    units = {i: Unit(id=i, name=f"U{i}", short_name=f"U{i}", kind="district", position=i) for i in range(1, 7)}
    child = Target(id=1, initiative_id=1, measure=Measure.CHILD, amount=3000, label="em")
    house = Target(id=2, initiative_id=2, measure=Measure.HOUSE, amount=90, label="căn")
    money = Target(id=3, initiative_id=2, measure=Measure.MONEY, amount=3_600_000_000, label="kp")
    entry_sums: dict[int, int] = {}
    for unit, amount in entries:
        entry_sums[unit] = entry_sums.get(unit, 0) + amount
    done: dict[int, int] = {}
    funds: dict[int, int] = {}
    for unit, is_done, f in houses:
        done[unit] = done.get(unit, 0) + int(is_done)
        funds[unit] = funds.get(unit, 0) + f
    facts = rollup.Facts(allocations={1: shares, 2: shares}, entries={1: entry_sums},
                         houses_done={2: done}, house_funds={2: funds}, roads_done={})
    totals = rollup.combine([child, house, money], facts, units)
    # unit → initiative: the lines add up to the total, and the total to the list items.
    assert totals[1].actual == sum(a for _u, a in entries) == sum(ln.actual for ln in totals[1].units)
    assert totals[2].actual == sum(int(d) for _u, d, _f in houses) == sum(ln.actual for ln in totals[2].units)
    assert totals[3].actual == sum(f for _u, _d, f in houses) == sum(ln.actual for ln in totals[3].units)
    assert totals[3].source == rollup.Source.HOUSE_FUNDS and totals[1].source == rollup.Source.ENTRIES
    assert totals[1].allocated == sum(shares.values()) == sum(ln.share or 0 for ln in totals[1].units)
    assert totals[1].gap == 3000 - sum(shares.values())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(st.tuples(st.sampled_from(["Huyện đoàn Cầu Kè", "Huyện đoàn Trà Cú", "Thành đoàn Trà Vinh"]),
                                st.sampled_from(list(WorkStatus)), st.integers(0, 10**9)), max_size=12))
def test_rollup_matches_the_house_list_after_changes(app, items):
    with app.app_context():
        for name, status, funds in items:
            db.session.add(House(initiative_id=HOUSES_ID, unit_id=unit_by_name(name).id, beneficiary="x",
                                 status=status, funds_mobilised=funds,
                                 handed_over_on=date(2021, 8, 1) if status == WorkStatus.DONE else None))
        db.session.flush()
        houses, money = rollup.initiative_totals(db.session.get(Initiative, HOUSES_ID))
        rows = db.session.execute(db.select(House.status, House.funds_mobilised).where(
            House.initiative_id == HOUSES_ID)).all()
        assert houses.actual == sum(1 for s, _f in rows if s == WorkStatus.DONE)
        # Funds count with their house, once it is handed over (the rule in rollup.house_counted).
        assert money.actual == sum(f for s, f in rows if s == WorkStatus.DONE)
        plan_sums = rollup.plan_rollup(db.session.get(Plan, 1)).sums
        assert plan_sums[Measure.HOUSE][1] == houses.actual
        db.session.rollback()


# ---- pages ----

def test_models_page_by_field_with_bars_and_own_counts(client, login_as):
    login_as("btv")
    page = client.get("/plans/1/initiatives").text
    assert "Lĩnh vực văn hóa - xã hội" in page and "Lĩnh vực xây dựng hệ thống chính trị" in page
    assert "25 căn / 90 căn · 28%" in page  # 27,8 % rounds half up
    assert page.count('class="pbar"') == 6
    assert "Mô hình của các đơn vị" in page and "Đoàn Trường Đại học Trà Vinh" in page
    assert client.get("/initiatives").headers["Location"].endswith("/plans/1/initiatives")


def test_initiative_page_shows_breakdown_chart_houses_history(client, login_as):
    login_as("danvantu")
    page = client.get(f"/initiatives/{HOUSES_ID}").text
    assert "Bình quân 40 triệu đồng/căn" in page
    assert "Danh sách Nhà Nhân ái (35)" in page and "Dữ liệu mẫu" in page
    assert '<svg class="chart"' in page and "Đã phân bổ đủ 90 căn" in page
    # A read-only account sees no form and no edit link.
    assert "<form method=\"post\" action=\"/houses" not in page and "/edit" not in page
    assert "Phân bổ chỉ tiêu" not in page
    children = client.get(f"/initiatives/{CHILDREN_ID}").text
    assert "Lịch sử ghi nhận" in children and "Trao quà" in children


def test_initiative_page_is_a_page_or_a_fragment(client, login_as):
    login_as("canglong")
    assert "<html" in client.get(f"/initiatives/{HOUSES_ID}").text
    fragment = client.get(f"/initiatives/{HOUSES_ID}", headers=HX).text
    assert "<html" not in fragment and fragment.lstrip().startswith('<div id="live">')


def test_home_shows_the_units_shares_first_with_a_record_link(client, login_as, ids):
    login_as("canglong")
    page = client.get("/").text
    assert page.index("Chỉ tiêu của đơn vị") < page.index("Nhiệm vụ của đơn vị")
    assert f'href="/targets/{ids["child"]}/progress"' in page and "215 em / 300 em" in page
    assert f'href="/initiatives/{HOUSES_ID}/houses/new"' in page


def test_queries_per_page_do_not_grow_with_the_data(app, client, login_as, ids):
    login_as("phongtrao")
    urls = ["/plans/1/initiatives", f"/initiatives/{HOUSES_ID}", f"/initiatives/{CHILDREN_ID}", "/"]
    before = [queries_of_get(app, client, u) for u in urls]
    with app.app_context():
        for i in range(40):
            unit = unit_by_name(["Huyện đoàn Cầu Kè", "Huyện đoàn Trà Cú"][i % 2])
            db.session.add(House(initiative_id=HOUSES_ID, unit_id=unit.id, beneficiary=f"Hộ {i}",
                                 status=WorkStatus.DONE, handed_over_on=date(2021, 9, 1)))
            db.session.add(ProgressEntry(target_id=ids["child"], unit_id=unit.id,
                                         recorded_on=date(2021, 9, 1), amount=1))
        db.session.commit()
    after = [queries_of_get(app, client, u) for u in urls]
    assert after == before
    print("queries per page", dict(zip(urls, before)))


def test_pages_are_small_compressed(client, login_as):
    login_as("btv")
    sizes = {}
    for url in ["/plans/1/initiatives", f"/initiatives/{HOUSES_ID}", f"/initiatives/{CHILDREN_ID}"]:
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.headers["Content-Encoding"] == "br"
        sizes[url] = len(response.data)
    print("brotli bytes", sizes)
    assert max(sizes.values()) <= 8 * 1024


# ---- progress ----

def test_unit_records_progress_on_its_share(app, client, login_as, ids):
    login_as("canglong")
    response = client.post(f"/targets/{ids['child']}/progress",
                           data={f"t{ids['child']}-amount": "50", f"t{ids['child']}-recorded_on": "2021-11-02",
                                 f"t{ids['child']}-note": "Trung thu"})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalar(db.select(ProgressEntry).order_by(ProgressEntry.id.desc()))
        assert (entry.amount, entry.recorded_on, entry.note, entry.unit_id) == (50, date(2021, 11, 2), "Trung thu",
                                                                               ids["canglong"])
    assert "265 em / 300 em" in client.get("/").text


def test_record_from_the_initiative_page_returns_the_live_fragment(client, login_as, ids):
    login_as("canglong")
    response = client.post(f"/targets/{ids['child_money']}/progress",
                           headers={**HX, "HX-Target": "live"},
                           data={f"t{ids['child_money']}-amount": "2,4 triệu",
                                 f"t{ids['child_money']}-recorded_on": "12/11/2021"})
    assert response.status_code == 200
    assert "<html" not in response.text and response.text.lstrip().startswith('<div id="live">')
    assert "Đã ghi nhận 2,4 triệu đồng." in response.text


def test_the_entry_date_is_today_within_the_plan_year(app, client, login_as, ids):
    login_as("canglong")
    url = f"/targets/{ids['child']}/progress"
    assert 'value="2021-12-03"' in client.get(url).text  # the demo's today
    app.config["TODAY"] = None  # the real date, years after plan 382: its last day, not 2026
    assert 'value="2021-12-31"' in client.get(url).text
    app.config["TODAY"] = date(2020, 12, 20)
    assert 'value="2021-01-01"' in client.get(url).text


def test_record_page_and_fragment(client, login_as, ids):
    login_as("canglong")
    page = client.get(f"/targets/{ids['child']}/progress").text
    assert "<html" in page and 'value="2021-12-03"' in page and "215 em" in page
    fragment = client.get(f"/targets/{ids['child']}/progress", headers=HX).text
    assert "<html" not in fragment and 'id="record"' in fragment
    data = {f"t{ids['child']}-amount": "5", f"t{ids['child']}-recorded_on": "2021-12-01"}
    # After the cut-off of the report the unit still owes (15/11/2021): said before anything is saved.
    warned = client.post(f"/targets/{ids['child']}/progress", headers={**HX, "HX-Target": "record"},
                         data=data).text
    assert "sau thời điểm lấy số liệu (15/11/2021) của “Báo cáo tổng kết năm 2021”" in warned
    assert "Vẫn ghi nhận" in warned and "215 em" in warned
    saved = client.post(f"/targets/{ids['child']}/progress", headers={**HX, "HX-Target": "record"},
                        data=data | {f"t{ids['child']}-after_cutoff": "y"}).text
    assert "<html" not in saved and "Đã ghi nhận 5 em." in saved and "220 em" in saved


@pytest.mark.parametrize(("raw", "message"), [
    ("-1", "Số lượng phải là số nguyên"), ("0", "lớn hơn 0"), ("1e12", "Số lượng phải là số nguyên"),
    ("NaN", "Số lượng phải là số nguyên"), ("Infinity", "Số lượng phải là số nguyên"),
    ("３６００", "Số lượng phải là số nguyên"), ("٣٦", "Số lượng phải là số nguyên"),
    ("3_600_000", "Số lượng phải là số nguyên"), ("9223372036854775808", "tối đa"),
    ("0x10", "Số lượng phải là số nguyên"), ("90.5", "Số lượng phải là số nguyên"), ("", "Vui lòng nhập"),
    ("3.001", "gấp 10 lần phần chỉ tiêu"), ("1/2", "Số lượng phải là số nguyên"),
])
def test_bad_counts_are_refused_and_nothing_stored(app, client, login_as, ids, raw, message):
    login_as("canglong")
    with app.app_context():
        before = snapshot()
    t = ids["child"]
    response = client.post(f"/targets/{t}/progress", headers={**HX, "HX-Target": "record"},
                           data={f"t{t}-amount": raw, f"t{t}-recorded_on": "2021-10-01", f"t{t}-note": "giữ lại"})
    assert response.status_code == 200
    assert message in response.text and 'class="error"' in response.text
    assert 'value="giữ lại"' in response.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize(("raw", "message"), [
    ("3,6", "cần ghi đơn vị"), ("1e12", "Số tiền không hợp lệ"), ("NaN", "Số tiền không hợp lệ"),
    ("-1", "Số tiền không hợp lệ"), ("99999999999999999999", "Số tiền tối đa"),
    ("3,6 tỷ", "gấp 10 lần phần chỉ tiêu"), ("1,2345 nghìn", "đồng chẵn"),
])
def test_bad_money_is_refused(app, client, login_as, ids, raw, message):
    login_as("canglong")
    with app.app_context():
        before = snapshot()
    t = ids["child_money"]
    response = client.post(f"/targets/{t}/progress", data={f"t{t}-amount": raw, f"t{t}-recorded_on": "2021-10-01"})
    assert response.status_code == 200 and message in response.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize(("raw", "expected"), [
    ("3.600.000", 3_600_000), ("3,6 triệu", 3_600_000), ("600 nghìn", 600_000), ("24.000.000 đ", 24_000_000),
    ("0,6 tỷ", 600_000_000),
])
def test_money_as_people_write_it(app, client, login_as, ids, raw, expected):
    login_as("canglong")
    t = ids["child_money"]
    assert client.post(f"/targets/{t}/progress",
                       data={f"t{t}-amount": raw, f"t{t}-recorded_on": "2021-10-01"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(ProgressEntry.amount).order_by(ProgressEntry.id.desc())) == expected


@pytest.mark.parametrize("day", ["2020-12-31", "2022-01-01", "31/02/2021", "hôm qua"])
def test_dates_outside_the_plan_year_are_refused(app, client, login_as, ids, day):
    login_as("canglong")
    with app.app_context():
        before = snapshot()
    t = ids["child"]
    response = client.post(f"/targets/{t}/progress", data={f"t{t}-amount": "5", f"t{t}-recorded_on": day})
    assert response.status_code == 200
    assert "năm 2021" in response.text or "Ngày không hợp lệ" in response.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("username", ["tuyengiao", "btv", "tckt", "cauke_no_share", "danvantu"])
def test_progress_refused_without_a_share(app, client, login_as, ids, username):
    with app.app_context():
        before = snapshot()
    if username == "cauke_no_share":
        login_as("cauke")
        url = f"/targets/{ids['office']}/progress"
    else:
        login_as(username)
        url = f"/targets/{ids['child']}/progress"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"t-amount": "5"}).status_code == 403
    with app.app_context():
        assert snapshot() == before


def test_progress_anonymous_and_list_targets(app, client, login_as, ids):
    assert client.post(f"/targets/{ids['child']}/progress", data={}).status_code == 302
    login_as("canglong")
    # A house target is counted from the list of houses: typing a total is not offered.
    assert client.get(f"/targets/{ids['house']}/progress").status_code == 404
    assert client.get("/targets/9223372036854775808/progress").status_code == 404


# ---- corrections ----

def test_correction_is_a_new_row_with_a_reason(app, client, login_as, ids):
    login_as("canglong")
    e = ids["canglong_entry"]
    page = client.get(f"/progress/{e}/correct")
    assert page.status_code == 200 and "<html" in page.text
    assert "<html" not in client.get(f"/progress/{e}/correct", headers=HX).text
    response = client.post(f"/progress/{e}/correct", data={"amount": "100", "reason": "Đếm trùng 20 em"})
    assert response.status_code == 302
    with app.app_context():
        original = db.session.get(ProgressEntry, e)
        fix = db.session.scalar(db.select(ProgressEntry).where(ProgressEntry.corrects_id == e))
        assert original.amount == 120 and fix.amount == -20 and fix.note == "Đếm trùng 20 em"
        assert fix.recorded_on == original.recorded_on
        progress = {p.target.id: p for p in rollup.unit_progress(ids["canglong"], plan_ids=[1])}
        assert progress[ids["child"]].actual == 195
    history = client.get(f"/initiatives/{CHILDREN_ID}").text
    assert "Đếm trùng 20 em" in history and "Đã sửa -20 em" in history
    htmx = client.post(f"/progress/{e}/correct", headers=HX, data={"amount": "110", "reason": "Kiểm lại"})
    assert htmx.status_code == 204 and htmx.headers["HX-Redirect"].startswith(f"/initiatives/{CHILDREN_ID}")


def test_correction_refusals(app, client, login_as, ids):
    e = ids["canglong_entry"]
    with app.app_context():
        before = snapshot()
    for username in ["tracu", "danvantu", "thieunhi"]:
        other = login_as(username, test_client=app.test_client())
        assert other.post(f"/progress/{e}/correct", data={"amount": "1", "reason": "x"}).status_code == 403
    login_as("canglong")
    same = client.post(f"/progress/{e}/correct", data={"amount": "120", "reason": "x"})
    assert same.status_code == 200 and "trùng với giá trị hiện tại" in same.text
    no_reason = client.post(f"/progress/{e}/correct", data={"amount": "100", "reason": ""})
    assert no_reason.status_code == 200 and "Vui lòng nhập" in no_reason.text
    with app.app_context():
        assert snapshot() == before
    client.post(f"/progress/{e}/correct", data={"amount": "100", "reason": "x"})
    with app.app_context():
        fix_id = db.session.scalar(db.select(ProgressEntry.id).where(ProgressEntry.corrects_id == e))
    assert client.get(f"/progress/{fix_id}/correct").status_code == 404


# ---- allocations ----

def alloc_data(app, initiative_id: int, change: dict[str, str]) -> dict[str, str]:
    with app.app_context():
        rows = db.session.execute(db.select(Allocation.target_id, Allocation.unit_id, Allocation.amount)
                                  .join(Target).where(Target.initiative_id == initiative_id)).all()
    data = {f"a_{t}_{u}": str(a) for t, u, a in rows}
    data.update(change)
    return data


@pytest.mark.parametrize("username", ["phongtrao", "tckt", "admin"])
def test_lead_unit_or_standing_unit_sets_allocations(app, client, login_as, ids, username):
    login_as(username)
    key = f"a_{ids['house']}_{ids['canglong']}"
    response = client.post(f"/initiatives/{HOUSES_ID}/allocations", headers={**HX, "HX-Target": "live"},
                           data=alloc_data(app, HOUSES_ID, {key: "5"}))
    assert response.status_code == 200 and "<html" not in response.text
    assert "Tổng phân bổ 85 căn/90 căn — còn thiếu 5 căn." in response.text
    with app.app_context():
        assert db.session.scalar(db.select(Allocation.amount).where(
            Allocation.target_id == ids["house"], Allocation.unit_id == ids["canglong"])) == 5
    page = client.post(f"/initiatives/{HOUSES_ID}/allocations", data=alloc_data(app, HOUSES_ID, {key: ""}))
    assert page.status_code == 302
    with app.app_context():
        assert count(Allocation, Allocation.target_id == ids["house"], Allocation.unit_id == ids["canglong"]) == 0


@pytest.mark.parametrize("username", ["canglong", "btv", "danvantu", "thieunhi", None])
def test_allocation_refusals(app, client, login_as, ids, username):
    with app.app_context():
        before = snapshot()
    if username:
        login_as(username)
    response = client.post(f"/initiatives/{HOUSES_ID}/allocations",
                           data={f"a_{ids['house']}_{ids['canglong']}": "50"})
    assert response.status_code == (403 if username else 302)
    with app.app_context():
        assert snapshot() == before


def test_bad_allocation_amount_rerenders_with_the_message(app, client, login_as, ids):
    login_as("phongtrao")
    with app.app_context():
        before = snapshot()
    key = f"a_{ids['house']}_{ids['canglong']}"
    response = client.post(f"/initiatives/{HOUSES_ID}/allocations",
                           data=alloc_data(app, HOUSES_ID, {key: "1e3"}))
    assert response.status_code == 200 and "Số lượng phải là số nguyên" in response.text
    assert 'value="1e3"' in response.text
    with app.app_context():
        assert snapshot() == before


# ---- houses and roads ----

def house_data(**extra) -> dict[str, str]:
    data = {"beneficiary": "Gia đình bà Nguyễn Thị Thử", "commune": "xã Tân An", "status": "done",
            "handed_over_on": "2021-11-20", "cost": "40 triệu", "funds_mobilised": "40.000.000", "note": ""}
    data.update(extra)
    return data


def test_district_adds_a_handed_over_house_and_the_count_follows(app, client, login_as):
    login_as("canglong")
    page = client.get(f"/initiatives/{HOUSES_ID}/houses/new")
    assert "<html" in page.text
    assert "<html" not in client.get(f"/initiatives/{HOUSES_ID}/houses/new", headers=HX).text
    response = client.post(f"/initiatives/{HOUSES_ID}/houses/new", data=house_data())
    assert response.status_code == 302
    with app.app_context():
        house = db.session.scalar(db.select(House).order_by(House.id.desc()))
        assert (house.unit.name, house.funds_mobilised, house.status) == ("Huyện đoàn Càng Long", 40_000_000,
                                                                           WorkStatus.DONE)
    btv = login_as("btv", test_client=app.test_client())
    assert "26 căn / 90 căn" in btv.get("/plans/1/initiatives").text


@pytest.mark.parametrize(("change", "message"), [
    ({"handed_over_on": ""}, "Vui lòng nhập ngày bàn giao"),
    ({"handed_over_on": "2022-01-05"}, "năm 2021"),
    ({"status": "building"}, "Chỉ nhập ngày bàn giao khi đã hoàn thành"),
    ({"status": "approved"}, "Vui lòng chọn"),
    ({"cost": "-3"}, "Số tiền không hợp lệ"),
    ({"funds_mobilised": "1e3"}, "Số tiền không hợp lệ"),
    ({"funds_mobilised": "11 tỷ"}, "Số tiền tối đa"),
    ({"beneficiary": ""}, "Vui lòng nhập"),
])
def test_bad_house_input_is_refused(app, client, login_as, change, message):
    login_as("canglong")
    with app.app_context():
        before = snapshot()
    response = client.post(f"/initiatives/{HOUSES_ID}/houses/new", headers=HX, data=house_data(**change))
    assert response.status_code == 200 and message in response.text and "<html" not in response.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("username", ["tracu", "phongtrao", "danvantu", "btv"])
def test_house_edit_refused_for_other_units(app, client, login_as, ids, username):
    login_as(username)
    with app.app_context():
        before = snapshot()
    url = f"/houses/{ids['canglong_house']}/edit"
    assert client.get(url).status_code == 403
    assert client.post(url, data=house_data(version="1")).status_code == 403
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("username", ["danvantu", "tuyengiao", "btv"])
def test_house_add_refused_without_a_share(app, client, login_as, username):
    login_as(username)
    with app.app_context():
        before = snapshot()
    assert client.post(f"/initiatives/{HOUSES_ID}/houses/new", data=house_data()).status_code == 403
    with app.app_context():
        assert snapshot() == before
    # The children initiative has no house list: 404, not a form.
    assert client.get(f"/initiatives/{CHILDREN_ID}/houses/new").status_code in (403, 404)


def test_stale_house_edit_is_shown_not_overwritten(app, client, login_as, ids):
    login_as("canglong")
    url = f"/houses/{ids['canglong_house']}/edit"
    form = client.get(url).text
    assert 'name="version" value="1"' in form
    first = client.post(url, data=house_data(version="1", note="người thứ nhất"))
    assert first.status_code == 302
    second = client.post(url, headers=HX, data=house_data(version="1", beneficiary="Tên người thứ hai"))
    assert second.status_code == 200 and "vừa được người khác cập nhật" in second.text
    assert 'value="Tên người thứ hai"' in second.text and 'name="version" value="2"' in second.text
    with app.app_context():
        house = db.session.get(House, ids["canglong_house"])
        assert house.note == "người thứ nhất" and house.beneficiary != "Tên người thứ hai" and house.version == 2
    again = client.post(url, headers=HX, data=house_data(version="2", beneficiary="Tên người thứ hai"))
    assert again.status_code == 204 and "HX-Redirect" in again.headers


def test_roads_add_edit_and_refusals(app, client, login_as, ids):
    login_as("cauke")
    assert client.post(f"/roads/{ids['canglong_road']}/edit", data={}).status_code == 403
    assert "<html" not in client.get(f"/initiatives/{ROADS_ID}/roads/new", headers=HX).text
    data = {"name": "Tuyến đường ấp Ô Tre", "commune": "xã Hòa Ân", "length_m": "1.500", "status": "done",
            "completed_on": "26/03/2021", "note": ""}
    assert client.post(f"/initiatives/{ROADS_ID}/roads/new", data=data).status_code == 302
    with app.app_context():
        road = db.session.scalar(db.select(Road).order_by(Road.id.desc()))
        assert (road.length_m, road.completed_on) == (1500, date(2021, 3, 26))
        road_id = road.id
    bad = client.post(f"/roads/{road_id}/edit", data={**data, "length_m": "-1", "version": "1"})
    assert bad.status_code == 200 and "Số lượng phải là số nguyên" in bad.text
    ok = client.post(f"/roads/{road_id}/edit", data={**data, "status": "building", "completed_on": "",
                                                       "version": "1"})
    assert ok.status_code == 302
    btv = login_as("btv", test_client=app.test_client())
    assert "5 tuyến / 9 tuyến" in btv.get("/plans/1/initiatives").text


# ---- a unit's own initiatives ----

def own_data(**extra):
    data = {"field": "economy", "title": "Mô hình “Nuôi bò sinh sản”", "description": "", "measure": "child",
            "amount": "20", "label": "hộ thanh niên", "funds": "50 triệu"}
    data.update(extra)
    return data


def test_first_own_initiative_creates_the_units_draft_plan(app, client, login_as, ids):
    login_as("cauke")
    assert "<html" not in client.get(f"/units/{ids['cauke']}/initiatives/new", headers=HX).text
    response = client.post(f"/units/{ids['cauke']}/initiatives/new", data=own_data())
    assert response.status_code == 302
    with app.app_context():
        plan = db.session.scalar(db.select(Plan).where(Plan.owner_unit_id == ids["cauke"]))
        assert plan.parent_plan_id == 1 and plan.status == "draft"
        (initiative,) = plan.initiatives
        assert [(t.measure, t.amount) for t in initiative.targets] == [(Measure.CHILD, 20),
                                                                       (Measure.MONEY, 50_000_000)]
    btv = login_as("btv", test_client=app.test_client())
    assert "Huyện đoàn Cầu Kè" in btv.get("/plans/1/initiatives").text


def test_second_own_initiative_reuses_the_plan(app, client, login_as, ids):
    login_as("canglong")
    with app.app_context():
        plans = count(Plan)
    assert client.post(f"/units/{ids['canglong']}/initiatives/new", data=own_data()).status_code == 302
    with app.app_context():
        assert count(Plan) == plans
        assert count(Initiative, Initiative.lead_unit_id == ids["canglong"]) == 3


@pytest.mark.parametrize("username", ["canglong", "phongtrao", "danvantu", "btv"])
def test_own_initiative_refused_for_another_unit(app, client, login_as, ids, username):
    login_as(username)
    with app.app_context():
        before = snapshot()
    assert client.post(f"/units/{ids['cauke']}/initiatives/new", data=own_data()).status_code == 403
    with app.app_context():
        assert snapshot() == before


def test_own_initiative_count_target_refuses_money_words(app, client, login_as, ids):
    login_as("cauke")
    with app.app_context():
        before = snapshot()
    response = client.post(f"/units/{ids['cauke']}/initiatives/new", data=own_data(amount="3,6 tỷ"))
    assert response.status_code == 200 and "Số lượng phải là số nguyên" in response.text
    with app.app_context():
        assert snapshot() == before


def test_houses_filter_by_unit_and_state_with_the_users_unit_first(app, client, login_as):
    login_as("canglong")
    with app.app_context():
        initiative_id = HOUSES_ID
        canglong = unit_by_name("Huyện đoàn Càng Long")
        own = db.session.scalar(db.select(db.func.count(House.id)).where(House.unit_id == canglong.id))
        building_own = db.session.scalar(db.select(db.func.count(House.id)).where(
            House.unit_id == canglong.id, House.status == WorkStatus.BUILDING))
    page = client.get(f"/initiatives/{initiative_id}").text
    rows = re.findall(r'<tr id="house-\d+"><td>([^<]+) · ', page)
    assert rows[:own] == ["Huyện đoàn Càng Long"] * own  # the user's own unit first
    assert '<option value="">Mọi đơn vị' in page and "Huyện đoàn Càng Long (" in page
    only = client.get(f"/initiatives/{initiative_id}?unit={canglong.id}&state=building").text
    assert len(re.findall(r'<tr id="house-\d+">', only)) == building_own
    assert all(u == "Huyện đoàn Càng Long" for u in re.findall(r'<tr id="house-\d+"><td>([^<]+) · ', only))


def test_saving_a_house_returns_to_its_row(app, client, login_as):
    login_as("canglong")
    with app.app_context():
        house = db.session.scalar(db.select(House).join(Unit).where(Unit.name == "Huyện đoàn Càng Long"))
        house_id, version, initiative_id = house.id, house.version, house.initiative_id
        data = {"commune": house.commune, "beneficiary": "Hộ bà Năm", "status": "building", "version": str(version)}
    response = client.post(f"/houses/{house_id}/edit", data=data)
    assert response.status_code == 302 and response.location.endswith(
        f"/initiatives/{initiative_id}#house-{house_id}")
    assert f'<tr id="house-{house_id}">' in client.get(f"/initiatives/{initiative_id}").text
