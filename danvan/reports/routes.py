"""Reports: the schedule, the organisation board's table, a unit's report, its review, its .docx."""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from danvan.access import (
    Access,
    access,
    can_read_all_reports,
    can_review_report,
    can_review_reports,
    can_write_report,
    is_read_only,
)
from danvan.extensions import db
from danvan.orm import OPEN_STATES, Initiative, KeptDraft, Plan, ProgressEntry, Target
from danvan.orm.report import (
    SECTION_LABELS,
    SECTIONS,
    CompiledReport,
    EventKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
)
from danvan.reports import bp, exports
from danvan.reports.compile import period_reports
from danvan.reports.forms import PeriodForm, ReportForm, ReviewForm
from danvan.reports.kept import kept_for, kept_form
from danvan.reports.prefill import checklist_text, live_numbers
from danvan.reports.queries import (
    compiled_of,
    get_period,
    get_plan_for_schedule,
    get_report,
    schedulable_units,
)
from danvan.reports.workflow import (
    create_period,
    days_late,
    default_owing_units,
    is_repeat_submit,
    owed_by,
    review,
    save_draft,
    submit,
    submitted_late,
    today,
)
from danvan.web import DOCX, after_write, download, form_error, render_page

REPORT = "reports/report.html"
STATE_FILTERS = [(s.value, s.label) for s in ReportStatus] + [("late", "Trễ hạn")]
RESULT_SECTIONS = [key for key, _label in SECTIONS[:4]]


def _last_return(report: Report) -> ReportEvent | None:
    if report.status is not ReportStatus.RETURNED:
        return None
    returns = [e for e in report.events if e.kind is EventKind.RETURNED]
    return returns[-1] if returns else None


def report_context(report: Report, form: ReportForm | None = None, review_form: ReviewForm | None = None,
                   conflict: bool = False, message: str = "", error: str = "",
                   typed: ReportForm | None = None) -> dict:
    """Return what the report page shows: the unit's form while it is open, else the report read-only."""
    owner = can_write_report(current_user, report)
    editable = owner and report.status in OPEN_STATES
    if editable and form is None:
        form = ReportForm(formdata=None, obj=report)
    numbers = report.numbers if report.snapshot else live_numbers(report.period, report.unit_id)
    reviewer = can_review_reports(current_user, report.period.plan)
    if reviewer and review_form is None and report.status is ReportStatus.SUBMITTED:
        review_form = ReviewForm(formdata=None)
    returned = _last_return(report)
    counted = counted_entries(report) if not report.snapshot else []
    return dict(
        report=report, period=report.period, form=form,
        editable=editable, owner=owner, numbers=numbers, live=not report.snapshot,
        coordinator=reviewer, review_form=review_form, returned=returned,
        pinned={returned.section: returned.comment} if returned else {},
        conflict=conflict, message=message, error=error, typed=typed,
        days_late=days_late(report, report.period),
        section_labels=SECTION_LABELS, results_sections=RESULT_SECTIONS, checklist_text=checklist_text,
        counted=counted,
    )


def counted_entries(report: Report) -> list[ProgressEntry]:
    """The unit's progress entries this report counts: dated from the period's start to its cut-off."""
    period = report.period
    return db.session.scalars(
        db.select(ProgressEntry).join(ProgressEntry.target).join(Target.initiative)
        .where(ProgressEntry.unit_id == report.unit_id, Initiative.plan_id == period.plan_id,
               ProgressEntry.recorded_on.between(period.starts_on, period.cut_off_on))
        .order_by(ProgressEntry.recorded_on, ProgressEntry.id)
        .options(selectinload(ProgressEntry.target))).all()


def _refused(report: Report, status: int = 200, **context):
    """The report again with why the write did not go through; typed text kept, nothing stored."""
    return form_error(REPORT, "report_body", status=status, **report_context(report, **context))


def _written(report: Report, message: str):
    """After a save, submit or review: the report as it now is (htmx), or a redirect to it."""
    def fragment() -> str:
        db.session.refresh(report)
        return render_page(REPORT, "report_body", **report_context(get_report(report.id), message=message))

    return after_write(url_for("reports.report", report_id=report.id), message, fragment)


@bp.get("/reports")
@access(Access.MEMBER)
def index():
    """Return the reporting periods: the board sees every table, a unit its own reports."""
    periods = db.session.scalars(
        db.select(ReportingPeriod).order_by(ReportingPeriod.due_on.desc())
        .options(selectinload(ReportingPeriod.plan))
    ).all()
    readable = [p for p in periods if can_read_all_reports(current_user, p.plan)]
    counts: dict[int, dict[str, int]] = {}
    if readable:
        for period_id, status, n in db.session.execute(
            db.select(Report.period_id, Report.status, func.count())
            .where(Report.period_id.in_([p.id for p in readable]))
            .group_by(Report.period_id, Report.status)
        ):
            counts.setdefault(period_id, {})[status.value] = n
    sent = []
    if is_read_only(current_user) or readable:
        sent = db.session.scalars(
            db.select(CompiledReport).where(CompiledReport.sent_at.is_not(None))
            .options(selectinload(CompiledReport.period))
        ).all()
    plans = db.session.scalars(db.select(Plan).where(Plan.parent_plan_id.is_(None))).all()
    return render_page(
        "reports/index.html", "main", readable=readable, counts=counts, sent=sent,
        owed=owed_by(current_user.unit), statuses=list(ReportStatus),
        creatable=[p for p in plans if can_review_reports(current_user, p)],
    )


@bp.route("/plans/<id:plan_id>/periods/new", methods=["GET", "POST"])
@access(Access.WRITER)
def new_period(plan_id: int):
    """Return the form for a new reporting period; on POST create it with a slot per owing unit."""
    plan = get_plan_for_schedule(plan_id)
    choosable = schedulable_units()
    form = PeriodForm()
    form.units.choices = [SelectChoice(u.id, u.name) for u in choosable]
    if request.method == "GET":
        form.units.data = [u.id for u in default_owing_units()]
    if form.validate_on_submit():
        units = [u for u in choosable if u.id in set(form.units.data)]
        period = create_period(
            current_user, plan, units, name=form.name.data, kind=form.kind.data,
            starts_on=form.starts_on.data, cut_off_on=form.cut_off_on.data, due_on=form.due_on.data,
        )
        db.session.commit()
        return after_write(url_for("reports.period", period_id=period.id),
                           f"Đã tạo kỳ báo cáo và {len(units)} báo cáo cho các đơn vị.")
    return render_page("reports/new_period.html", "form", plan=plan, form=form)


@bp.get("/periods/<id:period_id>")
@access(Access.MEMBER)
def period(period_id: int):
    """Return the organisation board's table: every unit's report state and days late."""
    period = get_period(period_id)
    reports = period_reports(period)
    on = today()
    rows = [(r, days_late(r, period, on), submitted_late(r, period)) for r in reports]
    counts = {value: 0 for value, _label in STATE_FILTERS}
    for r, late, _ in rows:
        counts[r.status.value] += 1
        counts["late"] += 1 if late else 0
    state = request.args.get("state", "")
    if state == "late":
        rows = [row for row in rows if row[1]]
    elif state in counts:
        rows = [row for row in rows if row[0].status.value == state]
    else:
        state = ""
    return render_page(
        "reports/period.html", "table", period=period, rows=rows, counts=counts, state=state,
        filters=STATE_FILTERS, compiled=compiled_of(period),
        coordinator=can_review_reports(current_user, period.plan), total=len(reports),
    )


@bp.get("/reports/<id:report_id>")
@access(Access.MEMBER)
def report(report_id: int):
    """Return a report: the form for its unit while open, else the read-only report and its history."""
    report = get_report(report_id)
    # Typed before a session ended and not saved (someone saved meanwhile): shown beside it.
    kept = kept_for(current_user, report)
    return render_page(REPORT, "report_body", **report_context(report, typed=kept_form(kept) if kept else None))


@bp.post("/reports/<id:report_id>")
@access(Access.WRITER)
def save(report_id: int):
    """Save the unit's report as a draft, or submit it (action=submit); only its own unit may."""
    report = get_report(report_id, may=can_write_report)
    action = "submit" if request.form.get("action") == "submit" else "draft"
    form_version = request.form.get("version", type=int)
    form = ReportForm()
    if report.status not in OPEN_STATES:
        if action == "submit" and is_repeat_submit(report, form_version):
            return _written(report, "Báo cáo đã được nộp.")
        return _refused(report, status=409, typed=form,
                        error=f"Báo cáo đang ở trạng thái “{report.status.label}”, đơn vị không sửa được nữa.")
    if form_version != report.version:
        return _refused(report, form=form, conflict=True)
    if not form.validate():
        return _refused(report, form=form)
    if action == "submit" and not any(form.narrative()[key].strip() for key in RESULT_SECTIONS):
        form.economy.errors = ["Cần ghi kết quả ít nhất một lĩnh vực trước khi nộp."]
        return _refused(report, form=form)
    if not save_draft(current_user, report, form_version, form.narrative(), form.extra_lines()):
        db.session.rollback()
        return _refused(get_report(report_id), form=form, conflict=True)
    if action == "submit":
        submit(current_user, report, form_version)
    db.session.execute(db.delete(KeptDraft).where(KeptDraft.user_id == current_user.id,
                                                  KeptDraft.report_id == report.id))
    db.session.commit()
    return _written(report, "Đã nộp báo cáo." if action == "submit" else "Đã lưu bản nháp.")


@bp.post("/reports/<id:report_id>/review")
@access(Access.WRITER)
def review_report(report_id: int):
    """Accept a submitted report or return it with a comment; the organisation board only."""
    report = get_report(report_id, may=can_review_report)
    accept = request.form.get("action") == "accept"
    compiled = compiled_of(report.period)
    if compiled is not None and compiled.sent_at is not None:
        return _refused(report, status=409,
                        error="Báo cáo tổng hợp của kỳ này đã gửi; không thay đổi được nữa.")
    if accept and report.status is ReportStatus.ACCEPTED:
        return _written(report, "Báo cáo đã được tiếp nhận.")
    if report.status is not ReportStatus.SUBMITTED:
        return _refused(report, status=409,
                        error=f"Chỉ tiếp nhận hoặc trả lại báo cáo đã nộp; báo cáo này đang ở "
                                f"trạng thái “{report.status.label}”.")
    form = ReviewForm()
    if not form.validate():
        return _refused(report, review_form=form)
    if not accept and not form.comment.data:
        form.comment.errors = ["Vui lòng ghi lý do trả lại để đơn vị sửa."]
        return _refused(report, review_form=form)
    if not review(current_user, report, accept, form.section.data or "", form.comment.data or ""):
        db.session.rollback()
        report = get_report(report_id)
        return _refused(report, status=409, error=f"Báo cáo vừa được người khác xử lý; hiện ở trạng thái "
                                                  f"“{report.status.label}”.")
    db.session.commit()
    return _written(report, "Đã tiếp nhận báo cáo." if accept else "Đã trả lại báo cáo cho đơn vị.")


@bp.get("/reports/<id:report_id>/docx")
@access(Access.MEMBER)
def report_docx(report_id: int):
    """Return the report as a Word section the unit pastes into its annual report."""
    report = get_report(report_id)
    numbers = report.numbers or live_numbers(report.period, report.unit_id)
    return download(exports.report_docx(report, numbers),
                    f"Báo cáo Dân vận khéo – {report.unit.short_name}.docx", DOCX)
