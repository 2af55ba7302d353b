"""A starting checklist for every task of plan 382: realistic steps, most ticked, a few late.

Every date falls in the plan's own year, as the demo's "today" (plan382.DEMO_TODAY) sees it:
deadlines after the plan was issued (22/06/2021), ticks on working days before today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from danvan.demo.plan382 import DEMO_TODAY, PLAN
from danvan.demo.reports import STATES
from danvan.extensions import db
from danvan.orm import Assignment, ChecklistItem, Task, User

# A step its unit ticked when it handed its annual report in (demo/reports.py), else not.
WITH_REPORT = "report"

# Per assignment (by its short title): (text, due, person, ticked). ticked None: by every other
# local union, so districts are not all alike.
STEPS = {
    "Xây dựng và triển khai Kế hoạch": [
        ("Gửi Kế hoạch đến các Huyện, Thị, Thành đoàn và Đoàn trực thuộc", date(2021, 6, 25), "Văn thư", True),
        ("Hướng dẫn các đơn vị xây dựng kế hoạch, chọn mô hình “Dân vận khéo”", date(2021, 7, 9),
         "Đ/c Trưởng ban", True),
        ("Theo dõi các đơn vị quán triệt, xây dựng kế hoạch của đơn vị", date(2021, 7, 30), "Đ/c Phó ban", True),
        ("Kiểm tra việc thực hiện tại một số đơn vị", date(2021, 10, 15), "Đ/c Trưởng ban", False),
    ],
    "Bộ phận thường trực, chế độ báo cáo": [
        ("Phân công cán bộ theo dõi từng Huyện, Thị, Thành đoàn và Đoàn trực thuộc", date(2021, 6, 30), "", True),
        ("Lập lịch chế độ báo cáo tổng kết năm", date(2021, 8, 16), "Đ/c Phó ban", True),
        ("Đôn đốc các đơn vị gửi báo cáo đúng hạn", date(2021, 11, 30), "", False),
        ("Tổng hợp báo cáo gửi Ban Dân vận Tỉnh ủy", date(2021, 12, 15), "Đ/c Trưởng ban", False),
    ],
    "Tuyên truyền phong trào thi đua": [
        ("Đăng tin, bài về phong trào trên Trang thông tin điện tử Tỉnh đoàn", date(2021, 7, 15),
         "Đ/c phụ trách truyền thông", True),
        ("Thiết kế pa-nô, áp phích “Dân vận khéo” gửi các đơn vị", date(2021, 7, 30), "", True),
        ("Giới thiệu gương điển hình “Dân vận khéo” trên fanpage Tuổi trẻ Trà Vinh", date(2021, 9, 30), "", True),
        ("Phối hợp Báo Trà Vinh đưa tin các mô hình tiêu biểu", date(2021, 12, 10), "Đ/c Trưởng ban", False),
    ],
    "Nhà Nhân ái và tuyến đường thanh niên": [
        ("Rà soát danh sách hộ nghèo cần hỗ trợ Nhà Nhân ái cùng các Huyện đoàn", date(2021, 7, 15),
         "Đ/c Phó ban", True),
        ("Vận động doanh nghiệp, nhà hảo tâm đóng góp kinh phí xây nhà", date(2021, 8, 31), "Đ/c Trưởng ban", True),
        ("Khởi công 30 căn Nhà Nhân ái đợt 1", date(2021, 9, 15), "", True),
        ("Chọn 09 tuyến đường thanh niên “Xanh – Sạch – Đẹp”, mỗi huyện một tuyến", date(2021, 7, 31), "", True),
        ("Tổ chức ra quân trồng cây, vệ sinh các tuyến đường", date(2021, 9, 26), "", None),
        ("Bàn giao nhà, tổng hợp kinh phí vận động", date(2021, 11, 30), "Đ/c Trưởng ban", False),
    ],
    "Chăm lo thiếu nhi có hoàn cảnh khó khăn": [
        ("Khảo sát, lập danh sách thiếu nhi có hoàn cảnh khó khăn", date(2021, 7, 15), "", True),
        ("Vận động học bổng, quà tặng cho 3.000 em", date(2021, 8, 31), "Đ/c Phó ban", True),
        ("Tổ chức trao quà dịp Tết Trung thu", date(2021, 9, 20), "", True),
        ("Tổng hợp kinh phí chăm lo (khoảng 600 triệu đồng)", date(2021, 11, 30), "", False),
    ],
    "Cơ quan “Xanh - sạch - đẹp - văn minh”": [
        ("Thống nhất với Công đoàn cơ sở nội dung thực hiện", date(2021, 7, 9), "Bí thư Chi đoàn", True),
        ("Tổ chức tổng vệ sinh cơ quan định kỳ ngày thứ Sáu cuối tháng", date(2021, 11, 26), "", False),
        ("Trồng, chăm sóc cây xanh, bồn hoa trong khuôn viên", date(2021, 10, 29), "", True),
    ],
    "Xây dựng kế hoạch, mô hình của đơn vị": [
        ("Quán triệt Kế hoạch 382 đến Ban Chấp hành và cơ sở Đoàn", date(2021, 7, 15), "Bí thư", True),
        ("Xây dựng kế hoạch của đơn vị căn cứ Kế hoạch 382", date(2021, 7, 30), "Phó Bí thư", True),
        ("Chọn ít nhất 01 mô hình “Dân vận khéo” của đơn vị", date(2021, 8, 16), "", None),
        ("Gửi kế hoạch, mô hình về Ban Tổ chức – Kiểm tra Tỉnh đoàn", date(2021, 8, 31), "", None),
    ],
    "Báo cáo kết quả trong báo cáo năm": [
        ("Thu thập số liệu, hình ảnh kết quả mô hình", date(2021, 11, 10), "", True),
        ("Viết phần “Dân vận khéo” trong báo cáo tổng kết năm", date(2021, 11, 25), "Phó Bí thư", None),
        ("Gửi báo cáo năm về Ban Thường vụ Tỉnh đoàn (qua Ban Tổ chức – Kiểm tra)", date(2021, 11, 30), "",
         WITH_REPORT),
    ],
}


def tick_moment(due: date, number: int) -> datetime:
    """When a step was ticked: a few days before its deadline, after the plan, before today (UTC)."""
    day = min(due, DEMO_TODAY - timedelta(days=1)) - timedelta(days=number % 5)
    day = max(day, PLAN["issued_on"] + timedelta(days=1))
    if day.weekday() >= 5:  # the office ticks on working days: the Friday before, else the Monday after
        friday = day - timedelta(days=day.weekday() - 4)
        day = friday if friday > PLAN["issued_on"] else day + timedelta(days=7 - day.weekday())
    return datetime(day.year, day.month, day.day, 1 + number % 8, 7 * number % 60)


def load() -> int:
    """Give every task without items its starting checklist; return how many items were added."""
    users = {u.unit_id: u for u in db.session.scalars(db.select(User).order_by(User.id))}
    handed_in = {unit_id for unit_id, u in users.items() if STATES.get(u.username, (None, None, None))[2]}
    tasks = db.session.scalars(
        db.select(Task).join(Task.assignment).order_by(Assignment.position, Task.id)
    ).all()
    has_items = set(db.session.scalars(db.select(ChecklistItem.task_id).distinct()))
    added = 0
    for number, task in enumerate(tasks):
        if task.id in has_items:
            continue
        user = users.get(task.unit_id)
        last = None
        for position, (text, due, person, ticked) in enumerate(STEPS.get(task.assignment.short_title, []), 1):
            if ticked is WITH_REPORT:
                ticked = task.unit_id in handed_in
            elif ticked is None:
                ticked = number % 2 == 0
            done = ticked and user is not None
            when = tick_moment(due, number + position) if done else None
            db.session.add(ChecklistItem(
                task_id=task.id, position=position, text=text, responsible=person, due_on=due,
                created_at=datetime(2021, 6, 23, 2), created_by_id=user.id if user else None,
                done_at=when, done_by_id=user.id if done else None,
                ticked_at=when, ticked_by_id=user.id if done else None,
            ))
            last = max(filter(None, (last, when)), default=None)
            added += 1
        if user is not None and last is not None:
            task.changed_at, task.changed_by_id = last, user.id
    db.session.flush()
    return added


__all__ = ["load"]
