"""A starting checklist for every task of plan 382: realistic steps, some ticked, a few late.

Due dates are counted from the day the demo is loaded, so a fresh demo always shows a few
overdue items and most still ahead, whatever the date.
"""

from __future__ import annotations

from datetime import timedelta

from danvan.extensions import db
from danvan.orm import Assignment, ChecklistItem, Task, User, utcnow
from danvan import clock

# Per assignment (by its short title): (text, due in days from today or None, person, ticked).
STEPS = {
    "Xây dựng và triển khai Kế hoạch": [
        ("Dự thảo Kế hoạch thực hiện phong trào thi đua “Dân vận khéo” năm 2021", -30, "Đ/c Trưởng ban", True),
        ("Trình Ban Thường vụ Tỉnh đoàn duyệt, ký ban hành", -20, "", True),
        ("Gửi Kế hoạch đến các Huyện, Thị, Thành đoàn và Đoàn trực thuộc", -15, "Văn thư", True),
        ("Theo dõi các đơn vị quán triệt, xây dựng kế hoạch của đơn vị", 20, "Đ/c Phó ban", False),
    ],
    "Bộ phận thường trực, chế độ báo cáo": [
        ("Phân công cán bộ theo dõi từng Huyện, Thị, Thành đoàn và Đoàn trực thuộc", -10, "", True),
        ("Lập lịch chế độ báo cáo sơ kết 6 tháng và tổng kết năm", -3, "Đ/c Phó ban", False),
        ("Đôn đốc các đơn vị gửi báo cáo đúng hạn", 45, "", False),
        ("Tổng hợp báo cáo gửi Ban Dân vận Tỉnh ủy", 60, "Đ/c Trưởng ban", False),
    ],
    "Tuyên truyền phong trào thi đua": [
        ("Đăng tin, bài về phong trào trên Trang thông tin điện tử Tỉnh đoàn", 7, "Đ/c phụ trách truyền thông", True),
        ("Thiết kế pa-nô, áp phích “Dân vận khéo” gửi các đơn vị", 14, "", False),
        ("Giới thiệu gương điển hình “Dân vận khéo” trên fanpage Tuổi trẻ Trà Vinh", 30, "", False),
        ("Phối hợp Báo Trà Vinh đưa tin các mô hình tiêu biểu", 40, "Đ/c Trưởng ban", False),
    ],
    "Nhà Nhân ái và tuyến đường thanh niên": [
        ("Rà soát danh sách hộ nghèo cần hỗ trợ Nhà Nhân ái cùng các Huyện đoàn", -12, "Đ/c Phó ban", True),
        ("Vận động doanh nghiệp, nhà hảo tâm đóng góp kinh phí xây nhà", -2, "Đ/c Trưởng ban", False),
        ("Khởi công 30 căn Nhà Nhân ái đợt 1", 21, "", False),
        ("Chọn 09 tuyến đường thanh niên “Xanh – Sạch – Đẹp”, mỗi huyện một tuyến", 10, "", True),
        ("Tổ chức ra quân trồng cây, vệ sinh các tuyến đường", 35, "", False),
        ("Bàn giao nhà, tổng hợp kinh phí vận động", 90, "Đ/c Trưởng ban", False),
    ],
    "Chăm lo thiếu nhi có hoàn cảnh khó khăn": [
        ("Khảo sát, lập danh sách thiếu nhi có hoàn cảnh khó khăn", -7, "", True),
        ("Vận động học bổng, quà tặng cho 3.000 em", 30, "Đ/c Phó ban", False),
        ("Tổ chức trao quà dịp Tết Trung thu", 60, "", False),
        ("Tổng hợp kinh phí chăm lo (khoảng 600 triệu đồng)", 90, "", False),
    ],
    "Cơ quan “Xanh - sạch - đẹp - văn minh”": [
        ("Thống nhất với Công đoàn cơ sở nội dung thực hiện", -14, "Bí thư Chi đoàn", True),
        ("Tổ chức tổng vệ sinh cơ quan định kỳ ngày thứ Sáu cuối tháng", 5, "", False),
        ("Trồng, chăm sóc cây xanh, bồn hoa trong khuôn viên", 15, "", False),
    ],
    "Xây dựng kế hoạch, mô hình của đơn vị": [
        ("Quán triệt Kế hoạch 382 đến Ban Chấp hành và cơ sở Đoàn", -20, "Bí thư", True),
        ("Xây dựng kế hoạch của đơn vị căn cứ Kế hoạch 382", -5, "Phó Bí thư", None),
        ("Chọn ít nhất 01 mô hình “Dân vận khéo” của đơn vị", 15, "", False),
        ("Gửi kế hoạch, mô hình về Ban Tổ chức – Kiểm tra Tỉnh đoàn", 25, "", False),
    ],
    "Báo cáo kết quả trong báo cáo năm": [
        ("Thu thập số liệu, hình ảnh kết quả mô hình", 120, "", False),
        ("Viết phần “Dân vận khéo” trong báo cáo tổng kết năm", 150, "Phó Bí thư", False),
        ("Gửi báo cáo năm về Ban Thường vụ Tỉnh đoàn (qua Ban Tổ chức – Kiểm tra)", 160, "", False),
    ],
}


def load() -> int:
    """Give every task without items its starting checklist; return how many items were added."""
    today = clock.today()
    users = {u.unit_id: u for u in db.session.scalars(db.select(User).order_by(User.id))}
    tasks = db.session.scalars(
        db.select(Task).join(Task.assignment).order_by(Assignment.position, Task.id)
    ).all()
    has_items = set(db.session.scalars(db.select(ChecklistItem.task_id).distinct()))
    added = 0
    for number, task in enumerate(tasks):
        if task.id in has_items:
            continue
        user = users.get(task.unit_id)
        for position, (text, days, person, ticked) in enumerate(STEPS.get(task.assignment.short_title, []), 1):
            # None: ticked by every other local union, so districts are not all alike.
            done = (number % 2 == 0) if ticked is None else ticked
            done = done and user is not None
            when = utcnow() - timedelta(days=max(1, -days) if days < 0 else 1, hours=number)
            db.session.add(ChecklistItem(
                task_id=task.id, position=position, text=text, responsible=person,
                due_on=today + timedelta(days=days) if days is not None else None,
                created_by_id=user.id if user else None,
                done_at=when if done else None, done_by_id=user.id if done else None,
                ticked_at=when if done else None, ticked_by_id=user.id if done else None,
            ))
            added += 1
        if user is not None:
            task.changed_at, task.changed_by_id = utcnow() - timedelta(hours=number), user.id
    db.session.flush()
    return added


__all__ = ["load"]
