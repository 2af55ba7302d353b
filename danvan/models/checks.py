"""Rules of progress input that a field alone cannot check: dates in the plan year, absurd amounts.

Each check appends its Vietnamese message beside the field and returns False when it refuses.
"""

from __future__ import annotations

from danvan import clock
from danvan.models.queries import amount_text
from danvan.formatting import format_date
from danvan.orm import Report, Target, WorkStatus

# A figure more than ten times the unit's share (or the whole target) is a typing slip.
ABSURD_FACTOR = 10


def check_day(day, year: int, future_message: str) -> bool:
    """A date of progress (entry, hand-over, completion) lies in the plan year and not in the future."""
    if day.data is None:
        return True
    if day.data.year != year:
        day.errors.append(f"Ngày phải nằm trong năm {year} của kế hoạch.")
        return False
    if day.data > clock.today():
        day.errors.append(future_message)
        return False
    return True


def check_progress(form, target: Target, share: int | None) -> bool:
    """A progress entry: a positive amount, a date in the plan year, not absurd."""
    ok = check_day(form.recorded_on, target.initiative.plan.year, "Ngày ghi nhận không được ở tương lai.")
    amount = form.amount.data
    if amount is not None:
        limit = ABSURD_FACTOR * share if share else target.amount
        if amount <= 0:
            form.amount.errors.append("Kết quả phải lớn hơn 0.")
            ok = False
        elif amount > limit:
            basis = (f"gấp {ABSURD_FACTOR} lần phần chỉ tiêu của đơn vị ({amount_text(share, target.measure)})"
                     if share else f"toàn bộ chỉ tiêu ({amount_text(target.amount, target.measure)})")
            form.amount.errors.append(f"Con số này vượt quá {basis}. Vui lòng kiểm tra lại.")
            ok = False
    return ok


def check_correction(form, net: int, share: int | None, target: Target) -> bool:
    """A correction gives a new value that differs from today's and is not absurd."""
    value = form.amount.data
    limit = ABSURD_FACTOR * share if share else target.amount
    if value == net:
        form.amount.errors.append("Giá trị đúng trùng với giá trị hiện tại; không có gì để sửa.")
        return False
    if value > limit:
        form.amount.errors.append("Con số này vượt xa chỉ tiêu. Vui lòng kiểm tra lại.")
        return False
    return True


def check_finished_on(form, status_field: str, date_field: str, year: int, done_label: str) -> bool:
    """A house's hand-over or a road's opening date is given exactly when it is done, in the plan year."""
    status = getattr(form, status_field).data
    day = getattr(form, date_field)
    if status == WorkStatus.DONE.value and day.data is None:
        day.errors.append(f"Vui lòng nhập {done_label} khi đã hoàn thành.")
        return False
    if day.data is not None and status != WorkStatus.DONE.value:
        day.errors.append(f"Chỉ nhập {done_label} khi đã hoàn thành.")
        return False
    return check_day(day, year, "Ngày không được ở tương lai.")


def check_house(form, year: int) -> bool:
    ok = check_finished_on(form, "status", "handed_over_on", year, "ngày bàn giao")
    cost, funds = form.cost.data, form.funds_mobilised.data
    if cost is not None and funds is not None and cost > 0 and funds > ABSURD_FACTOR * cost:
        form.funds_mobilised.errors.append("Kinh phí vận động vượt quá 10 lần chi phí xây dựng; vui lòng kiểm tra.")
        ok = False
    return ok


def check_road(form, year: int) -> bool:
    return check_finished_on(form, "status", "completed_on", year, "ngày ra mắt")


def check_cutoff(form, report: Report | None) -> bool:
    """A date after the cut-off of a report the unit still owes counts in the next report, not this
    one: say so beside the date and save only once the unit has said it knows."""
    day = form.recorded_on.data
    if report is None or day is None or day <= report.period.cut_off_on or form.after_cutoff.data:
        return True
    form.recorded_on.errors.append(
        f"Ngày này sau thời điểm lấy số liệu ({format_date(report.period.cut_off_on)}) của "
        f"“{report.period.name}”: kết quả sẽ không có trong báo cáo đó mà tính vào kỳ báo cáo sau. "
        "Đánh dấu “Vẫn ghi nhận” để lưu, hoặc sửa ngày.")
    form.cutoff_report = report
    return False
