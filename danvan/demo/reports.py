"""Demo reporting schedule: the 2021 annual report, with reports in every state (sample text)."""

from __future__ import annotations

import json
from datetime import date, datetime

from danvan.extensions import db
from danvan.orm import Plan, Unit, User
from danvan.orm.report import EventKind, ReportEvent, ReportingPeriod, ReportLine, ReportStatus
from danvan.reports.prefill import live_numbers
from danvan.reports.workflow import create_period, default_owing_units

PERIOD_NAME = "Báo cáo tổng kết năm 2021"
SAMPLE = " (dữ liệu mẫu)"

NARRATIVE = {
    "economy": "Vận động đoàn viên thanh niên tham gia 3 tổ hợp tác, hỗ trợ 15 hộ thanh niên vay vốn "
               "phát triển kinh tế.",
    "culture_society": "Phối hợp xây dựng Nhà Nhân ái, tặng quà thiếu nhi có hoàn cảnh khó khăn; ra quân "
                       "tuyến đường thanh niên “Xanh – Sạch – Đẹp”.",
    "good_practices": "Mỗi chi đoàn nhận đỡ đầu một em thiếu nhi có hoàn cảnh khó khăn.",
    "difficulties": "Nguồn vận động kinh phí còn hạn chế do ảnh hưởng dịch COVID-19.",
    "proposals": "Đề nghị Tỉnh đoàn hỗ trợ thêm nguồn vận động xây dựng Nhà Nhân ái.",
}

# username: (status, saved at, submitted at, return comment)
STATES = {
    "tptravinh": (ReportStatus.ACCEPTED, datetime(2021, 11, 24, 2), datetime(2021, 11, 24, 3), None),
    "txduyenhai": (ReportStatus.SUBMITTED, datetime(2021, 11, 29, 8), datetime(2021, 11, 29, 9), None),
    "cauke": (ReportStatus.RETURNED, datetime(2021, 11, 26, 1), datetime(2021, 11, 26, 2),
              ("good_practices", "Đề nghị nêu rõ cách làm hay: ai làm, làm thế nào, kết quả ra sao.")),
    "tieucan": (ReportStatus.DRAFT, datetime(2021, 11, 27, 7), None, None),
    "chauthanh": (ReportStatus.DRAFT, datetime(2021, 11, 28, 4), None, None),
}


def load() -> None:
    """Create the 2021 annual reporting period of plan 382 and some reports, once."""
    plan = db.session.scalar(db.select(Plan).where(Plan.code == "382-KH/TĐTN-TCKT"))
    if plan is None or db.session.scalar(
        db.select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id, ReportingPeriod.name == PERIOD_NAME)
    ):
        return
    tckt = db.session.scalar(db.select(User).where(User.username == "tckt"))
    period = create_period(
        tckt, plan, default_owing_units(), name=PERIOD_NAME, kind="annual",
        starts_on=date(2021, 1, 1), cut_off_on=date(2021, 11, 15), due_on=date(2021, 11, 30),
    )
    users = {u.username: u for u in db.session.scalars(db.select(User).join(Unit))}
    for report in period.reports:
        user = next((u for u in users.values() if u.unit_id == report.unit_id), None)
        if user is None or user.username not in STATES:
            continue
        status, saved_at, submitted_at, returned = STATES[user.username]
        for key, text in NARRATIVE.items():
            setattr(report, key, text + SAMPLE)
        report.lines = [ReportLine(position=0, label="Buổi tuyên truyền về “Dân vận khéo”" + SAMPLE,
                                   amount=12, measure="buổi")]
        report.status, report.saved_at, report.saved_by_id = status, saved_at, user.id
        report.version = 2
        if submitted_at:
            report.first_submitted_at = report.submitted_at = submitted_at
            report.snapshot = json.dumps(live_numbers(period, report.unit_id), ensure_ascii=False)
            db.session.add(ReportEvent(report_id=report.id, kind=EventKind.SUBMITTED, at=submitted_at,
                                       user_id=user.id, unit_id=user.unit_id, version=2))
            report.version = 3
        if status is ReportStatus.ACCEPTED:
            db.session.add(ReportEvent(report_id=report.id, kind=EventKind.ACCEPTED, at=datetime(2021, 11, 30, 2),
                                       user_id=tckt.id, unit_id=tckt.unit_id, version=4))
            report.version = 4
        if returned:
            report.snapshot = None
            db.session.add(ReportEvent(report_id=report.id, kind=EventKind.RETURNED, at=datetime(2021, 11, 27, 2),
                                       user_id=tckt.id, unit_id=tckt.unit_id, version=4,
                                       section=returned[0], comment=returned[1]))
            report.version = 4
    db.session.flush()
