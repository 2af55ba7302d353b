"""Sample acknowledgements (quán triệt) of plan 382, marked as sample data."""

from datetime import date

from danvan.extensions import db
from danvan.orm import Acknowledgement, Plan, Unit

# unit name, day in July 2021, members briefed
SAMPLE = [
    ("Ban Tổ chức – Kiểm tra Tỉnh đoàn", 1, 6),
    ("Ban Phong trào Tỉnh đoàn", 2, 5),
    ("Ban Thanh thiếu nhi – Trường học Tỉnh đoàn", 2, 5),
    ("Ban Tuyên giáo Tỉnh đoàn", 5, 4),
    ("Thành đoàn Trà Vinh", 6, 1840),
    ("Huyện đoàn Càng Long", 8, 2315),
    ("Huyện đoàn Cầu Kè", 9, 1460),
    ("Huyện đoàn Tiểu Cần", 12, 1720),
    ("Huyện đoàn Châu Thành", 14, 2105),
    ("Huyện đoàn Trà Cú", 15, 2480),
    ("Đoàn Trường Đại học Trà Vinh", 20, 3650),
]


def load(plan: Plan, units: dict[str, Unit]) -> None:
    """Add the sample acknowledgements to the session."""
    by_name = {u.name: u for u in units.values()}
    for name, day, members in SAMPLE:
        db.session.add(Acknowledgement(plan_id=plan.id, unit_id=by_name[name].id,
                                       briefed_on=date(2021, 7, day), members_briefed=members,
                                       note="Dữ liệu mẫu"))
