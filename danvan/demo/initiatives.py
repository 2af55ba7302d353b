"""Sample allocations and progress for plan 382 (dữ liệu mẫu), so a newcomer sees a living province.

Nothing here comes from the plan document: every row says "dữ liệu mẫu" in its note or
description, and the pages show a "Dữ liệu mẫu" tag on such rows.
"""

from __future__ import annotations

from datetime import date, datetime, time

from danvan.extensions import db
from danvan.orm import (
    Allocation,
    Field,
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
from danvan.plan.drafts import new_unit_plan

SAMPLE = "dữ liệu mẫu"
DISTRICTS = ["tptravinh", "txduyenhai", "canglong", "cauke", "tieucan", "chauthanh", "caungang",
             "tracu", "duyenhai"]
COMMUNES = {
    "tptravinh": ["Phường 7", "Phường 9", "xã Long Đức"],
    "txduyenhai": ["Phường 1", "xã Trường Long Hòa", "xã Dân Thành"],
    "canglong": ["xã Tân An", "xã Phương Thạnh", "xã Huyền Hội"],
    "cauke": ["xã Hòa Ân", "xã Châu Điền", "xã Phong Phú"],
    "tieucan": ["xã Hiếu Tử", "xã Tân Hùng", "xã Long Thới"],
    "chauthanh": ["xã Hòa Lợi", "xã Song Lộc", "xã Lương Hòa"],
    "caungang": ["xã Mỹ Long Bắc", "xã Hiệp Mỹ Đông", "xã Kim Hòa"],
    "tracu": ["xã Phước Hưng", "xã Tập Sơn", "xã Ngãi Xuyên"],
    "duyenhai": ["xã Long Khánh", "xã Ngũ Lạc", "xã Đôn Xuân"],
}
FAMILIES = ["bà Thạch Thị Sa", "ông Nguyễn Văn Út", "bà Lê Thị Hai", "ông Kim Sóc", "bà Trần Thị Bé",
            "ông Sơn Sà Rươne", "bà Huỳnh Thị Mười", "ông Lâm Văn Tư"]
# (handed over, building) houses per district union: 25 handed over, 10 building in all.
HOUSES = {"tptravinh": (4, 1), "txduyenhai": (2, 1), "canglong": (3, 2), "cauke": (3, 1),
          "tieucan": (4, 1), "chauthanh": (3, 1), "caungang": (2, 1), "tracu": (2, 1), "duyenhai": (2, 1)}
ROADS_DONE = {"tptravinh", "canglong", "tieucan", "chauthanh", "tracu"}
ROADS_BUILDING = {"cauke", "caungang", "duyenhai"}
# Children cared for, and money spent, per unit: a few entries dated in 2021.
CHILD_ENTRIES = [
    ("canglong", date(2021, 7, 15), 120, 24_000_000), ("canglong", date(2021, 10, 20), 95, 19_000_000),
    ("tptravinh", date(2021, 8, 2), 150, 30_000_000), ("cauke", date(2021, 9, 10), 80, 16_000_000),
    ("tieucan", date(2021, 9, 28), 210, 42_000_000), ("tracu", date(2021, 11, 5), 130, 26_000_000),
    ("thieunhi", date(2021, 6, 1), 300, 60_000_000), ("caungang", date(2021, 12, 1), 60, 12_000_000),
]
# A district union's own initiatives: (unit, field, title, measure, amount, label, done so far).
OWN = [
    ("canglong", Field.ECONOMY, "Mô hình “Vốn ưu đãi giúp thanh niên khởi nghiệp”", Measure.MONEY,
     200_000_000, "vốn hỗ trợ thanh niên khởi nghiệp", 90_000_000),
    ("canglong", Field.CULTURE_SOCIETY, "Mô hình “Tiếp sức em đến trường”", Measure.CHILD, 100,
     "em được hỗ trợ học bổng", 64),
    ("tracu", Field.CULTURE_SOCIETY, "Mô hình “Lớp học tình thương song ngữ Việt – Khmer”", Measure.CHILD, 60,
     "em được học", 45),
    ("tieucan", Field.POLITICAL_SYSTEM, "Mô hình “Cơ quan Huyện đoàn xanh – sạch – đẹp”", Measure.OFFICE, 1,
     "cơ quan Huyện đoàn", 1),
    ("dhtravinh", Field.CULTURE_SOCIETY, "Mô hình “Sinh viên tình nguyện dạy kèm thiếu nhi”", Measure.CHILD,
     200, "em được dạy kèm", 120),
]


def load(units: dict[str, Unit]) -> None:
    """Add sample allocations, progress, houses, roads and own initiatives to plan 382."""
    plan = db.session.scalar(db.select(Plan).where(Plan.parent_plan_id.is_(None)).order_by(Plan.id))
    by_title = {i.position: i for i in plan.initiatives}
    children, houses, roads = by_title[0], by_title[1], by_title[2]
    child_t, child_money = children.targets
    house_t, house_money = houses.targets
    (road_t,) = roads.targets

    for key in DISTRICTS:
        unit = units[key]
        db.session.add_all([
            Allocation(target=child_t, unit=unit, amount=300),
            Allocation(target=child_money, unit=unit, amount=60_000_000),
            Allocation(target=house_t, unit=unit, amount=10),
            Allocation(target=house_money, unit=unit, amount=400_000_000),
            Allocation(target=road_t, unit=unit, amount=1),
        ])
    db.session.add_all([Allocation(target=child_t, unit=units["thieunhi"], amount=300),
                        Allocation(target=child_money, unit=units["thieunhi"], amount=60_000_000)])

    for key, day, count, money in CHILD_ENTRIES:
        note = f"Trao quà, học bổng cho thiếu nhi ({SAMPLE})"
        # Recorded on the day it happened.
        at = datetime.combine(day, time(3))
        db.session.add_all([
            ProgressEntry(target=child_t, unit=units[key], recorded_on=day, amount=count, note=note, created_at=at),
            ProgressEntry(target=child_money, unit=units[key], recorded_on=day, amount=money, note=note,
                          created_at=at),
        ])

    n = 0
    for key, (done, building) in HOUSES.items():
        for i in range(done + building):
            is_done = i < done
            db.session.add(House(
                initiative=houses, unit=units[key], commune=COMMUNES[key][i % 3],
                beneficiary=f"Gia đình {FAMILIES[n % len(FAMILIES)]}",
                cost=40_000_000, funds_mobilised=40_000_000 if is_done else 25_000_000,
                status=WorkStatus.DONE if is_done else WorkStatus.BUILDING,
                handed_over_on=date(2021, 7 + (n % 5), 5 + (n % 20)) if is_done else None,
                note=f"Hộ nghèo, nhà tạm xuống cấp ({SAMPLE})"))
            n += 1

    for key in DISTRICTS:
        if key in ROADS_DONE or key in ROADS_BUILDING:
            done = key in ROADS_DONE
            db.session.add(Road(
                initiative=roads, unit=units[key], name=f"Tuyến đường thanh niên {COMMUNES[key][0]}",
                commune=COMMUNES[key][0], length_m=1200 + 150 * DISTRICTS.index(key),
                status=WorkStatus.DONE if done else WorkStatus.BUILDING,
                completed_on=date(2021, 9, 2) if done else None,
                note=f"Trồng hoa, cây xanh, đặt thùng rác ({SAMPLE})"))

    own_plans: dict[str, Plan] = {}
    for key, field, title, measure, amount, label, achieved in OWN:
        unit = units[key]
        if key not in own_plans:
            own_plans[key] = new_unit_plan(None, unit, plan)
            own_plans[key].basis = f"Căn cứ Kế hoạch số {plan.code} ({SAMPLE})."
        target = Target(position=0, measure=measure, amount=amount, label=label)
        db.session.add(Initiative(
            plan=own_plans[key], field=field, position=len(own_plans[key].initiatives), title=title,
            description=f"Mô hình của đơn vị ({SAMPLE}).", lead_unit=unit, targets=[target]))
        db.session.add(ProgressEntry(target=target, unit=unit, recorded_on=date(2021, 10, 30),
                                     amount=achieved, note=f"Kết quả đến 30/10/2021 ({SAMPLE})"))
    db.session.flush()
