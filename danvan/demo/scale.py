"""The demo province scaled up (`flask --app app seed-scale --factor 10`), for budgets and benchmarks.

On top of the plan-382 demo it adds (factor - 1) × 20 district and affiliated unions, each with a
login (`dv001`, `dv002`, … with the demo password), plan 382's structure copied for every later
year up to 2025, a task per unit and assignment with a dozen checklist items, allocations,
progress entries, charity houses, youth roads, acknowledgements, a few units' own plans, and a
half-year and an annual reporting period per plan with reports in every state.

Deterministic (one seeded random generator, fixed dates), bulk inserts with explicit ids (about
ten seconds for factor 10), and it refuses to run twice on the same database. Every added row is
sample data ("dữ liệu mẫu"); never load it into a real deployment.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

import click
from sqlalchemy import Table, func, insert, select

from danvan.demo import checklist as demo_checklist
from danvan.demo import plan382 as data
from danvan.extensions import db
from danvan.reports.prefill import numbers_for_units
from danvan.orm import (
    Acknowledgement,
    Allocation,
    Assignment,
    ChecklistItem,
    House,
    Initiative,
    Measure,
    Plan,
    PlanContent,
    PlanPurpose,
    PlanStatus,
    ProgressEntry,
    Recipient,
    Road,
    Target,
    Task,
    Unit,
    UnitKind,
    User,
    WorkStatus,
)
from danvan.orm.plan import assignment_coordinator, assignment_initiative, initiative_coordinator
from danvan.orm.report import (
    EventKind,
    PeriodKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    period_unit,
)

FIRST_USERNAME = "dv001"
LAST_YEAR = 2025
ITEMS_PER_TASK = 12
SAMPLE = "dữ liệu mẫu"
PLACES = ["Long Đức", "Tân An", "Hòa Ân", "Hiếu Tử", "Song Lộc", "Mỹ Long", "Tập Sơn", "Ngũ Lạc",
          "Phương Thạnh", "Châu Điền", "Tân Hùng", "Lương Hòa", "Kim Hòa", "Ngãi Xuyên", "Đôn Xuân",
          "Huyền Hội", "Phong Phú", "Long Thới", "Hiệp Mỹ", "Phước Hưng"]
FAMILIES = ["bà Thạch Thị Sa", "ông Nguyễn Văn Út", "bà Lê Thị Hai", "ông Kim Sóc", "bà Trần Thị Bé",
            "ông Sơn Sà Rươne", "bà Huỳnh Thị Mười", "ông Lâm Văn Tư"]
EXTRA_STEPS = ["Họp Ban Thường vụ đơn vị triển khai nội dung", "Phân công đoàn viên phụ trách",
               "Khảo sát thực tế tại cơ sở", "Vận động nguồn lực xã hội hóa", "Tổ chức ra quân",
               "Kiểm tra tiến độ giữa kỳ", "Chụp ảnh, lưu hồ sơ minh chứng", "Báo cáo nhanh kết quả",
               "Biểu dương gương điển hình", "Rút kinh nghiệm, đề xuất cách làm mới"]


class Ids:
    """Hands out explicit primary keys per table, so bulk inserts need no round trip for ids."""

    def __init__(self) -> None:
        self.next: dict[Table, int] = {}

    def __call__(self, model) -> int:
        table = model.__table__
        if table not in self.next:
            self.next[table] = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def advance_sequences(self) -> None:
        """Move PostgreSQL's id sequences past the ids handed out (SQLite takes max(id) + 1 itself).

        Without it, the first row the app inserts into any of these tables takes an id the
        bulk insert already used, and fails.
        """
        if db.session.get_bind().dialect.name != "postgresql":
            return
        quote = db.session.get_bind().dialect.identifier_preparer.format_table
        for table, following in self.next.items():
            db.session.execute(select(func.setval(func.pg_get_serial_sequence(quote(table), "id"), following - 1)))


def _bulk(target, rows: list[dict]) -> None:
    table = getattr(target, "__table__", target)
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(table), rows[start:start + 5000])


def seed_scale(factor: int = 10, seed: int = 382) -> dict[str, int]:
    """Scale the loaded plan-382 demo up; return row counts added. Refuses a second run."""
    if db.session.scalar(select(User.id).where(User.username == FIRST_USERNAME)):
        raise click.ClickException("Dữ liệu quy mô lớn đã được nạp vào cơ sở dữ liệu này; không nạp lại.")
    base = db.session.scalar(select(Plan).where(Plan.code == data.PLAN["code"]))
    if base is None:
        raise click.ClickException("Chưa có dữ liệu mẫu Kế hoạch 382; chạy `flask --app app seed-demo` trước.")
    rnd = random.Random(seed)
    ids = Ids()
    counts: dict[str, int] = {}
    demo_user = db.session.scalar(select(User).where(User.username == "canglong"))
    province = db.session.scalar(select(Unit).where(Unit.kind == UnitKind.PROVINCE))

    # --- units and logins ---
    position = (db.session.scalar(select(func.max(Unit.position))) or 0) + 1
    unit_rows, user_rows = [], []
    for n in range(1, (factor - 1) * 20 + 1):
        kind = UnitKind.DISTRICT if n % 3 else UnitKind.AFFILIATED
        place = PLACES[n % len(PLACES)]
        name = (f"Đoàn xã {place} số {n:03d}" if kind == UnitKind.DISTRICT
                else f"Đoàn Trường THPT {place} số {n:03d}")
        uid = ids(Unit)
        unit_rows.append(dict(id=uid, parent_id=province.id, kind=kind, name=name, short_name=name,
                              position=position + n, created_at=datetime(2021, 1, 4)))
        user_rows.append(dict(id=ids(User), username=f"dv{n:03d}", full_name=f"Bí thư {name}",
                              unit_id=uid, password_hash=demo_user.password_hash, is_admin=False,
                              active=True, created_at=datetime(2021, 1, 4),
                              password_changed_at=datetime(2021, 1, 4)))
    _bulk(Unit, unit_rows)
    _bulk(User, user_rows)
    counts["units"], counts["users"] = len(unit_rows), len(user_rows)
    users_by_unit = {r["unit_id"]: r["id"] for r in user_rows}
    users_by_unit.update({u.unit_id: u.id for u in db.session.scalars(select(User).order_by(User.id.desc()))})
    local_units = list(db.session.execute(
        select(Unit.id, Unit.kind).where(Unit.kind.in_(data.LOCAL_KINDS)).order_by(Unit.position)).all())
    local_ids = [u.id for u in local_units]
    new_ids = {r["id"] for r in unit_rows}

    # --- plans: 382 for 2021, then a copy of its structure for every later year ---
    plan_ids: dict[int, int] = {base.year: base.id}
    rows: dict[str, list] = {k: [] for k in (
        "plan", "purpose", "content", "recipient", "initiative", "target", "icoord", "assignment",
        "acoord", "ainit", "task", "item", "alloc", "entry", "house", "road", "ack", "period",
        "punit", "report", "event")}
    base_initiatives = list(db.session.scalars(
        select(Initiative).where(Initiative.plan_id == base.id).order_by(Initiative.position)))
    base_assignments = list(db.session.scalars(
        select(Assignment).where(Assignment.plan_id == base.id).order_by(Assignment.position)))
    targets_by_year: dict[int, list[tuple[int, Measure, int, int]]] = {}  # (target, measure, amount, initiative)
    tasks: list[tuple[int, int, int, str]] = []  # (task id, unit id, year, short title)

    base_targets = []
    for initiative in base_initiatives:
        for target in initiative.targets:
            base_targets.append((target.id, target.measure, target.amount, initiative.id))
    targets_by_year[base.year] = base_targets
    existing_tasks = {(a, u) for a, u in db.session.execute(
        select(Task.assignment_id, Task.unit_id).join(Assignment).where(Assignment.plan_id == base.id))}
    for assignment in base_assignments:
        if not assignment.unit_id:
            for unit_id in local_ids:
                if (assignment.id, unit_id) not in existing_tasks:
                    tid = ids(Task)
                    rows["task"].append(_task_row(tid, assignment.id, unit_id, base.year, users_by_unit, rnd))
                    tasks.append((tid, unit_id, base.year, assignment.short_title))

    for year in range(base.year + 1, LAST_YEAR + 1):
        pid = ids(Plan)
        plan_ids[year] = pid
        number = 382 + 37 * (year - base.year)
        rows["plan"].append(dict(
            id=pid, year=year, code=f"{number}-KH/TĐTN-TCKT",
            title=base.title.replace(str(base.year), str(year)), place=base.place,
            issued_on=date(year, 3, 15), status=PlanStatus.ISSUED, owner_unit_id=base.owner_unit_id,
            standing_unit_id=base.standing_unit_id, parent_plan_id=None,
            issuer_heading=base.issuer_heading, organisation_heading=base.organisation_heading,
            basis=base.basis.replace(str(base.year), str(year)),
            initiatives_intro=base.initiatives_intro.replace(str(base.year), str(year)),
            closing=base.closing.replace(str(base.year), str(year)), signer_on_behalf=base.signer_on_behalf,
            signer_title=base.signer_title, signer_name=base.signer_name, archive_note=base.archive_note,
            created_at=datetime(year, 3, 15)))
        for i, text in enumerate(data.PURPOSES):
            rows["purpose"].append(dict(id=ids(PlanPurpose), plan_id=pid, position=i, text=text))
        for i, (field, text) in enumerate(data.CONTENTS):
            rows["content"].append(dict(id=ids(PlanContent), plan_id=pid, field=field, position=i, text=text))
        for i, text in enumerate(data.RECIPIENTS):
            rows["recipient"].append(dict(id=ids(Recipient), plan_id=pid, position=i, text=text))
        initiative_map = {}
        year_targets = []
        for initiative in base_initiatives:
            iid = ids(Initiative)
            initiative_map[initiative.id] = iid
            rows["initiative"].append(dict(
                id=iid, plan_id=pid, field=initiative.field, position=initiative.position,
                title=initiative.title, wording=initiative.wording, description=initiative.description,
                lead_unit_id=initiative.lead_unit_id, created_at=datetime(year, 3, 15)))
            for unit in initiative.coordinating_units:
                rows["icoord"].append(dict(initiative_id=iid, unit_id=unit.id))
            for target in initiative.targets:
                tgid = ids(Target)
                amount = target.amount * factor if target.measure != Measure.OFFICE else target.amount
                rows["target"].append(dict(id=tgid, initiative_id=iid, position=target.position,
                                           measure=target.measure, amount=amount, label=target.label,
                                           approximate=target.approximate))
                year_targets.append((tgid, target.measure, amount, iid))
        targets_by_year[year] = year_targets
        for assignment in base_assignments:
            aid = ids(Assignment)
            rows["assignment"].append(dict(
                id=aid, plan_id=pid, section=assignment.section, position=assignment.position,
                text=assignment.text.replace(str(base.year), str(year)), short_title=assignment.short_title,
                unit_id=assignment.unit_id, unit_kinds=assignment.unit_kinds))
            for unit in assignment.coordinating_units:
                rows["acoord"].append(dict(assignment_id=aid, unit_id=unit.id))
            for initiative in assignment.initiatives:
                rows["ainit"].append(dict(assignment_id=aid, initiative_id=initiative_map[initiative.id]))
            for unit_id in [assignment.unit_id] if assignment.unit_id else local_ids:
                tid = ids(Task)
                rows["task"].append(_task_row(tid, aid, unit_id, year, users_by_unit, rnd))
                tasks.append((tid, unit_id, year, assignment.short_title))

    # --- checklist items: the demo's steps, then sample steps up to a dozen per task ---
    for tid, unit_id, year, short in tasks:
        steps = [s[0] for s in demo_checklist.STEPS.get(short, [])]
        steps += EXTRA_STEPS[: max(0, ITEMS_PER_TASK - len(steps))]
        user_id = users_by_unit.get(unit_id)
        for position, text in enumerate(steps, 1):
            due = date(year, 1, 1) + timedelta(days=rnd.randrange(30, 360))
            done = user_id is not None and rnd.random() < (0.85 if year < LAST_YEAR else 0.45)
            when = datetime(due.year, due.month, due.day, 2) - timedelta(days=rnd.randrange(0, 20))
            rows["item"].append(dict(
                id=ids(ChecklistItem), task_id=tid, position=position, text=text, due_on=due,
                responsible=rnd.choice(["", "", "Bí thư", "Phó Bí thư", "Ủy viên BTV"]),
                done_at=when if done else None, done_by_id=user_id if done else None,
                ticked_at=when if done else None, ticked_by_id=user_id if done else None,
                created_at=datetime(year, 1, 10), created_by_id=user_id, removed_at=None,
                removed_by_id=None))

    # --- allocations, progress entries, houses, roads, acknowledgements per plan and unit ---
    for year, plan_id in plan_ids.items():
        units_this_year = [u for u in local_ids if year > base.year or u in new_ids]
        for tgid, measure, amount, _initiative_id in targets_by_year[year]:
            if measure == Measure.OFFICE:
                continue
            share = max(1, amount // max(1, len(local_ids)))
            for unit_id in units_this_year:
                rows["alloc"].append(dict(id=ids(Allocation), target_id=tgid, unit_id=unit_id, amount=share,
                                          updated_at=datetime(year, 4, 1), updated_by_id=None))
                if measure in (Measure.CHILD, Measure.MONEY):
                    for _ in range(3):
                        day = date(year, 1, 1) + timedelta(days=rnd.randrange(60, 330))
                        value = max(1, share * rnd.randrange(10, 45) // 100)
                        rows["entry"].append(dict(
                            id=ids(ProgressEntry), target_id=tgid, unit_id=unit_id, recorded_on=day,
                            amount=value, note=f"Kết quả đợt {day.month}/{year} ({SAMPLE})",
                            corrects_id=None, created_at=datetime(day.year, day.month, day.day, 3),
                            created_by_id=users_by_unit.get(unit_id)))
        house_initiative = next(t[3] for t in targets_by_year[year] if t[1] == Measure.HOUSE)
        road_initiative = next(t[3] for t in targets_by_year[year] if t[1] == Measure.ROAD)
        for k, unit_id in enumerate(units_this_year):
            place = PLACES[k % len(PLACES)]
            for h in range(3):
                status = rnd.choice([WorkStatus.DONE, WorkStatus.DONE, WorkStatus.BUILDING, WorkStatus.PLANNED])
                rows["house"].append(dict(
                    id=ids(House), initiative_id=house_initiative, unit_id=unit_id, commune=f"xã {place}",
                    beneficiary=f"Gia đình {FAMILIES[(k + h) % len(FAMILIES)]}", cost=40_000_000,
                    funds_mobilised=40_000_000 if status == WorkStatus.DONE else 20_000_000, status=status,
                    handed_over_on=date(year, 6 + h, 10 + k % 15) if status == WorkStatus.DONE else None,
                    note=f"Hộ nghèo, nhà tạm xuống cấp ({SAMPLE})", version=1,
                    created_at=datetime(year, 4, 1), created_by_id=users_by_unit.get(unit_id)))
            status = rnd.choice([WorkStatus.DONE, WorkStatus.BUILDING])
            rows["road"].append(dict(
                id=ids(Road), initiative_id=road_initiative, unit_id=unit_id,
                name=f"Tuyến đường thanh niên xã {place}", commune=f"xã {place}",
                length_m=800 + rnd.randrange(0, 1500), status=status,
                completed_on=date(year, 9, 2) if status == WorkStatus.DONE else None,
                note=f"Trồng hoa, cây xanh ({SAMPLE})", version=1, created_at=datetime(year, 4, 1),
                created_by_id=users_by_unit.get(unit_id)))
            if rnd.random() < 0.8:
                rows["ack"].append(dict(
                    id=ids(Acknowledgement), plan_id=plan_id, unit_id=unit_id,
                    briefed_on=date(year, 4, 1) + timedelta(days=rnd.randrange(0, 40)),
                    members_briefed=rnd.randrange(50, 3000), note=SAMPLE, created_at=datetime(year, 5, 1),
                    created_by_id=users_by_unit.get(unit_id)))
            if rnd.random() < 0.15:
                _own_plan(rows, ids, rnd, plan_id, year, unit_id, users_by_unit.get(unit_id))

        # --- reporting: a half-year and an annual period, a report slot per local unit ---
        owing = local_ids if year > base.year else list(new_ids)
        for kind, name, cut_off, due in (
            (PeriodKind.HALF_YEAR, f"Báo cáo sơ kết 6 tháng đầu năm {year}", date(year, 6, 15), date(year, 6, 30)),
            (PeriodKind.ANNUAL, f"Báo cáo tổng kết năm {year}", date(year, 11, 15), date(year, 11, 30)),
        ):
            if year == base.year and kind == PeriodKind.ANNUAL:
                period_id = db.session.scalar(select(ReportingPeriod.id).where(
                    ReportingPeriod.plan_id == plan_id, ReportingPeriod.kind == PeriodKind.ANNUAL))
            else:
                period_id = None
            if period_id is None:
                period_id = ids(ReportingPeriod)
                rows["period"].append(dict(
                    id=period_id, plan_id=plan_id, name=name, kind=kind, starts_on=date(year, 1, 1),
                    cut_off_on=cut_off, due_on=due, created_at=datetime(year, 1, 5), created_by_id=None))
            for unit_id in owing:
                rows["punit"].append(dict(period_id=period_id, unit_id=unit_id))
                _report(rows, ids, rnd, period_id, unit_id, users_by_unit.get(unit_id), due, year)

    for key, model in (
        ("plan", Plan), ("purpose", PlanPurpose), ("content", PlanContent), ("recipient", Recipient),
        ("initiative", Initiative), ("target", Target), ("icoord", initiative_coordinator),
        ("assignment", Assignment), ("acoord", assignment_coordinator), ("ainit", assignment_initiative),
        ("task", Task), ("item", ChecklistItem), ("alloc", Allocation), ("entry", ProgressEntry),
        ("house", House), ("road", Road), ("ack", Acknowledgement), ("period", ReportingPeriod),
        ("punit", period_unit), ("report", Report), ("event", ReportEvent),
    ):
        _bulk(model, rows[key])
        counts[key] = len(rows[key])
    ids.advance_sequences()
    db.session.flush()
    _snapshots()
    db.session.commit()
    return counts


def _task_row(tid: int, aid: int, unit_id: int, year: int, users: dict, rnd: random.Random) -> dict:
    user_id = users.get(unit_id)
    done = user_id is not None and year < LAST_YEAR and rnd.random() < 0.6
    changed = datetime(year, 1, 1) + timedelta(days=rnd.randrange(20, 340), hours=rnd.randrange(0, 24))
    return dict(id=tid, assignment_id=aid, unit_id=unit_id,
                done_at=datetime(year, 12, 1) if done else None, done_by_id=user_id if done else None,
                done_note=f"Hoàn thành ({SAMPLE})" if done else "",
                changed_at=changed if user_id else None, changed_by_id=user_id)


def _own_plan(rows, ids: Ids, rnd: random.Random, parent_id: int, year: int, unit_id: int, user_id) -> None:
    pid = ids(Plan)
    rows["plan"].append(dict(
        id=pid, year=year, code=f"{rnd.randrange(10, 99)}-KH/ĐTN", title=f"Kế hoạch “Dân vận khéo” năm {year} ({SAMPLE})",
        place="Trà Vinh", issued_on=date(year, 5, 2), status=PlanStatus.DRAFT, owner_unit_id=unit_id,
        standing_unit_id=unit_id, parent_plan_id=parent_id, issuer_heading="BCH ĐOÀN CƠ SỞ",
        organisation_heading="ĐOÀN TNCS HỒ CHÍ MINH", basis=f"Căn cứ kế hoạch của Tỉnh đoàn ({SAMPLE}).",
        initiatives_intro="", closing="", signer_on_behalf="", signer_title="", signer_name="",
        archive_note="", created_at=datetime(year, 5, 2)))
    iid = ids(Initiative)
    rows["initiative"].append(dict(
        id=iid, plan_id=pid, field=rnd.choice(list(data.Field)), position=0,
        title="Mô hình “Tiếp sức em đến trường”", wording="", description=f"Mô hình của đơn vị ({SAMPLE}).",
        lead_unit_id=unit_id, created_at=datetime(year, 5, 2)))
    tgid = ids(Target)
    rows["target"].append(dict(id=tgid, initiative_id=iid, position=0, measure=Measure.CHILD, amount=100,
                               label="em được hỗ trợ học bổng", approximate=False))
    rows["entry"].append(dict(
        id=ids(ProgressEntry), target_id=tgid, unit_id=unit_id, recorded_on=date(year, 10, 30),
        amount=rnd.randrange(20, 100), note=f"Kết quả đến 30/10/{year} ({SAMPLE})", corrects_id=None,
        created_at=datetime(year, 10, 30, 3), created_by_id=user_id))


def _report(rows, ids: Ids, rnd: random.Random, period_id: int, unit_id: int, user_id, due: date,
            year: int) -> None:
    rid = ids(Report)
    roll = rnd.random()
    if user_id is None or (year == LAST_YEAR and roll < 0.5):
        status = ReportStatus.NOT_STARTED
    elif roll < 0.6:
        status = ReportStatus.ACCEPTED
    elif roll < 0.75:
        status = ReportStatus.SUBMITTED
    elif roll < 0.85:
        status = ReportStatus.RETURNED
    elif roll < 0.95:
        status = ReportStatus.DRAFT
    else:
        status = ReportStatus.NOT_STARTED
    submitted = datetime(due.year, due.month, due.day, 2) + timedelta(days=rnd.randrange(-10, 6))
    started = status is not ReportStatus.NOT_STARTED
    text = f"Đơn vị triển khai phong trào theo kế hoạch ({SAMPLE})." if started else ""
    rows["report"].append(dict(
        id=rid, period_id=period_id, unit_id=unit_id, status=status, version=4 if started else 1,
        snapshot=None, saved_at=submitted if started else None, saved_by_id=user_id if started else None,
        first_submitted_at=submitted if status not in (ReportStatus.NOT_STARTED, ReportStatus.DRAFT) else None,
        submitted_at=submitted if status not in (ReportStatus.NOT_STARTED, ReportStatus.DRAFT) else None,
        economy=text, culture_society=text, defence_security="", political_system="", good_practices=text,
        difficulties="", proposals=""))
    if status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED, ReportStatus.RETURNED):
        rows["event"].append(dict(id=ids(ReportEvent), report_id=rid, kind=EventKind.SUBMITTED, at=submitted,
                                  user_id=user_id, unit_id=unit_id, version=2, section="", comment=""))
    if status is ReportStatus.ACCEPTED:
        rows["event"].append(dict(id=ids(ReportEvent), report_id=rid, kind=EventKind.ACCEPTED,
                                  at=submitted + timedelta(days=2), user_id=None, unit_id=None, version=3,
                                  section="", comment=""))
    if status is ReportStatus.RETURNED:
        rows["event"].append(dict(id=ids(ReportEvent), report_id=rid, kind=EventKind.RETURNED,
                                  at=submitted + timedelta(days=2), user_id=None, unit_id=None, version=3,
                                  section="good_practices", comment="Đề nghị nêu rõ cách làm hay."))


def _snapshots() -> None:
    """Freeze the numbers of submitted and accepted reports, as a real submit does (batched)."""
    for period in db.session.scalars(select(ReportingPeriod)):
        reports = list(db.session.scalars(select(Report).where(
            Report.period_id == period.id, Report.snapshot.is_(None),
            Report.status.in_([ReportStatus.SUBMITTED, ReportStatus.ACCEPTED]))))
        if not reports:
            continue
        numbers = numbers_for_units(period, [r.unit_id for r in reports])
        for report in reports:
            report.snapshot = json.dumps(numbers.get(report.unit_id, {}), ensure_ascii=False, default=str)
