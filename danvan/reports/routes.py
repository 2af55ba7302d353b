"""Reports: the schedule, a unit's report, review, the compiled province report, exports."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, is_coordinator, is_read_only
from danvan.extensions import db
from danvan.formatting import _to_vn
from danvan.orm import Plan, Unit, UnitKind, record_change, utcnow
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
from danvan.reports.compile import compile_period, period_reports
from danvan.reports.forms import CompiledForm, PeriodForm, ReportForm, ReviewForm
from danvan.reports.prefill import checklist_text, live_numbers
from danvan.reports.workflow import (
    EDITABLE,
    can_read_all,
    create_period,
    days_late,
    default_owing_units,
    is_owner,
    is_repeat_submit,
    owed_by,
    review,
    save_draft,
    submit,
    submitted_late,
    today,
)
from danvan.web import render_page

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATE_FILTERS = [(s.value, s.label) for s in ReportStatus] + [("late", "Trễ hạn")]
RESULT_SECTIONS = [key for key, _label in SECTIONS[:4]]


def get_report(report_id: int) -> Report:
    """Return a report its unit, the organisation board or the standing committee may see; else 404."""
    report = db.session.scalar(
        db.select(Report).where(Report.id == report_id).options(
            selectinload(Report.period).selectinload(ReportingPeriod.plan),
            selectinload(Report.unit), selectinload(Report.lines),
            selectinload(Report.events).selectinload(ReportEvent.user),
        )
    )
    if report is None or not (is_owner(current_user, report) or can_read_all(current_user, report.period.plan)):
        abort(404)
    return report


def get_period(period_id: int) -> ReportingPeriod:
    """Return a period for the organisation board or the standing committee; anyone else gets 404."""
    period = db.session.scalar(
        db.select(ReportingPeriod).where(ReportingPeriod.id == period_id)
        .options(selectinload(ReportingPeriod.plan))
    )
    if period is None or not can_read_all(current_user, period.plan):
        abort(404)
    return period


def get_compiled(period_id: int) -> tuple[ReportingPeriod, CompiledReport | None]:
    """Return a period and its compiled report; the read-only body sees it only once sent."""
    period = db.session.scalar(
        db.select(ReportingPeriod).where(ReportingPeriod.id == period_id)
        .options(selectinload(ReportingPeriod.plan))
    )
    if period is None:
        abort(404)
    compiled = db.session.scalar(db.select(CompiledReport).where(CompiledReport.period_id == period.id))
    if can_read_all(current_user, period.plan):
        return period, compiled
    if is_read_only(current_user) and compiled is not None and compiled.sent_at is not None:
        return period, compiled
    abort(404)


def get_compiled_to_change(period_id: int) -> tuple[ReportingPeriod, CompiledReport]:
    """Return a period and its existing compiled report for the organisation board; else 403/404."""
    period, compiled = get_compiled(period_id)
    if not is_coordinator(current_user, period.plan):
        abort(403)
    if compiled is None:
        abort(404)
    return period, compiled


def _go(url: str):
    """Redirect after a POST; htmx gets HX-Redirect so it loads the whole page."""
    if request.htmx:
        return Response(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _last_return(report: Report) -> ReportEvent | None:
    if report.status is not ReportStatus.RETURNED:
        return None
    returns = [e for e in report.events if e.kind is EventKind.RETURNED]
    return returns[-1] if returns else None


def _render_report(report: Report, form: ReportForm | None = None, review_form: ReviewForm | None = None,
                   conflict: bool = False, message: str = "", typed: ReportForm | None = None,
                   status: int = 200):
    owner = is_owner(current_user, report)
    editable = owner and report.status in EDITABLE
    if editable and form is None:
        form = ReportForm(formdata=None, obj=report)
    numbers = report.numbers if report.snapshot else live_numbers(report.period, report.unit_id)
    coordinator = is_coordinator(current_user, report.period.plan)
    if coordinator and review_form is None and report.status is ReportStatus.SUBMITTED:
        review_form = ReviewForm(formdata=None)
    returned = _last_return(report)
    html = render_page(
        "reports/report.html", "report_body", report=report, period=report.period, form=form,
        editable=editable, owner=owner, numbers=numbers, live=not report.snapshot,
        coordinator=coordinator, review_form=review_form, returned=returned,
        pinned={returned.section: returned.comment} if returned else {},
        conflict=conflict, message=message, typed=typed, days_late=days_late(report, report.period),
        section_labels=SECTION_LABELS, results_sections=RESULT_SECTIONS, checklist_text=checklist_text,
    )
    return html, status


@bp.get("/reports")
@access(Access.MEMBER)
def index():
    """Return the reporting periods: the board sees every table, a unit its own reports."""
    periods = db.session.scalars(
        db.select(ReportingPeriod).order_by(ReportingPeriod.due_on.desc())
        .options(selectinload(ReportingPeriod.plan))
    ).all()
    readable = [p for p in periods if can_read_all(current_user, p.plan)]
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
        creatable=[p for p in plans if is_coordinator(current_user, p)],
    )


@bp.route("/plans/<id:plan_id>/periods/new", methods=["GET", "POST"])
@access(Access.WRITER)
def new_period(plan_id: int):
    """Return the form for a new reporting period; on POST create it with a slot per owing unit."""
    plan = db.get_or_404(Plan, plan_id)
    if plan.parent_plan_id is not None:
        # A unit's own plan has no schedule: its standing unit (the district itself) must not
        # oblige other units to report to it, nor read their reports as that plan's coordinator.
        abort(404)
    if not is_coordinator(current_user, plan):
        abort(403)
    choosable = db.session.scalars(
        db.select(Unit).where(Unit.kind.in_([UnitKind.DISTRICT, UnitKind.AFFILIATED, UnitKind.BOARD,
                                            UnitKind.OFFICE_CELL, UnitKind.OFFICE_UNION]),
                              Unit.closed_on.is_(None))
        .order_by(Unit.position)
    ).all()
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
        flash(f"Đã tạo kỳ báo cáo và {len(units)} báo cáo cho các đơn vị.")
        return _go(url_for("reports.period", period_id=period.id))
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
    compiled = db.session.scalar(db.select(CompiledReport).where(CompiledReport.period_id == period.id))
    return render_page(
        "reports/period.html", "table", period=period, rows=rows, counts=counts, state=state,
        filters=STATE_FILTERS, compiled=compiled, coordinator=is_coordinator(current_user, period.plan),
        total=len(reports),
    )


@bp.get("/reports/<id:report_id>")
@access(Access.MEMBER)
def report(report_id: int):
    """Return a report: the form for its unit while open, else the read-only report and its history."""
    return _render_report(get_report(report_id))


@bp.post("/reports/<id:report_id>")
@access(Access.WRITER)
def save(report_id: int):
    """Save the unit's report as a draft, or submit it (action=submit); only its own unit may."""
    report = get_report(report_id)
    if not is_owner(current_user, report):
        abort(403)
    action = "submit" if request.form.get("action") == "submit" else "draft"
    form_version = request.form.get("version", type=int)
    form = ReportForm()
    if report.status not in EDITABLE:
        if action == "submit" and is_repeat_submit(report, form_version):
            return _after_save(report, "Báo cáo đã được nộp.")
        return _render_report(report, typed=form, status=200 if request.htmx else 409,
                              message=f"Báo cáo đang ở trạng thái “{report.status.label}”, "
                                      "đơn vị không sửa được nữa.")
    if form_version != report.version:
        return _render_report(report, form=form, conflict=True)
    if not form.validate():
        return _render_report(report, form=form)
    if action == "submit" and not any(form.narrative()[key].strip() for key in RESULT_SECTIONS):
        form.economy.errors = ["Cần ghi kết quả ít nhất một lĩnh vực trước khi nộp."]
        return _render_report(report, form=form)
    save_draft(current_user, report, form.narrative(), form.extra_lines())
    if action == "submit":
        submit(current_user, report, form_version)
    db.session.commit()
    return _after_save(report, "Đã nộp báo cáo." if action == "submit" else "Đã lưu bản nháp.")


def _after_save(report: Report, message: str):
    if request.htmx:
        db.session.refresh(report)
        return _render_report(get_report(report.id), message=message)
    flash(message)
    return redirect(url_for("reports.report", report_id=report.id))


@bp.post("/reports/<id:report_id>/review")
@access(Access.WRITER)
def review_report(report_id: int):
    """Accept a submitted report or return it with a comment; the organisation board only."""
    report = get_report(report_id)
    if not is_coordinator(current_user, report.period.plan):
        abort(403)
    accept = request.form.get("action") == "accept"
    compiled = db.session.scalar(
        db.select(CompiledReport).where(CompiledReport.period_id == report.period_id))
    if compiled is not None and compiled.sent_at is not None:
        return _render_report(report, status=409,
                              message="Báo cáo tổng hợp của kỳ này đã gửi; không thay đổi được nữa.")
    if accept and report.status is ReportStatus.ACCEPTED:
        return _after_save(report, "Báo cáo đã được tiếp nhận.")
    if report.status is not ReportStatus.SUBMITTED:
        return _render_report(report, status=409,
                              message=f"Chỉ tiếp nhận hoặc trả lại báo cáo đã nộp; báo cáo này đang ở "
                                      f"trạng thái “{report.status.label}”.")
    form = ReviewForm()
    if not form.validate():
        return _render_report(report, review_form=form)
    if not accept and not form.comment.data:
        form.comment.errors = ["Vui lòng ghi lý do trả lại để đơn vị sửa."]
        return _render_report(report, review_form=form)
    review(current_user, report, accept, form.section.data or "", form.comment.data or "")
    db.session.commit()
    return _after_save(report, "Đã tiếp nhận báo cáo." if accept else "Đã trả lại báo cáo cho đơn vị.")


@bp.get("/reports/<id:report_id>/docx")
@access(Access.MEMBER)
def report_docx(report_id: int):
    """Return the report as a Word section the unit pastes into its annual report."""
    report = get_report(report_id)
    numbers = report.numbers or live_numbers(report.period, report.unit_id)
    return _download(exports.report_docx(report, numbers),
                     f"Báo cáo Dân vận khéo – {report.unit.short_name}.docx", DOCX)


@bp.post("/periods/<id:period_id>/compile")
@access(Access.WRITER)
def compile_report(period_id: int):
    """Compile the province report from the accepted reports; the organisation board only."""
    period = get_period(period_id)
    if not is_coordinator(current_user, period.plan):
        abort(403)
    compiled = db.session.scalar(db.select(CompiledReport).where(CompiledReport.period_id == period.id))
    if compiled is not None and compiled.sent_at is not None:
        abort(409)
    accepted = db.session.scalar(db.select(func.count()).where(
        Report.period_id == period.id, Report.status == ReportStatus.ACCEPTED))
    if not accepted:
        flash("Chưa có báo cáo nào được tiếp nhận để tổng hợp.")
        return _go(url_for("reports.period", period_id=period.id))
    compile_period(current_user, period, regenerate_text=request.form.get("regenerate") == "1")
    db.session.commit()
    flash(f"Đã tổng hợp từ {accepted} báo cáo đã tiếp nhận.")
    return _go(url_for("reports.compiled", period_id=period.id))


def _render_compiled(period, compiled, form=None, conflict=False, status=200):
    coordinator = is_coordinator(current_user, period.plan)
    editable = coordinator and compiled is not None and compiled.sent_at is None
    if editable and form is None:
        form = CompiledForm(formdata=None, obj=compiled)
    html = render_page("reports/compiled.html", "narrative", period=period, compiled=compiled,
                       data=compiled.totals if compiled else {}, form=form, editable=editable,
                       coordinator=coordinator, conflict=conflict)
    return html, status


@bp.get("/periods/<id:period_id>/compiled")
@access(Access.MEMBER)
def compiled(period_id: int):
    """Return the compiled province report: totals, narrative, exports."""
    period, compiled = get_compiled(period_id)
    return _render_compiled(period, compiled)


@bp.post("/periods/<id:period_id>/compiled")
@access(Access.WRITER)
def save_compiled(period_id: int):
    """Save the edited compiled narrative (a stale version is a conflict); the organisation board only."""
    period, compiled = get_compiled_to_change(period_id)
    if compiled.sent_at is not None:
        return _render_compiled(period, compiled, status=409)
    form = CompiledForm()
    if request.form.get("version", type=int) != compiled.version:
        return _render_compiled(period, compiled, form=form, conflict=True)
    if not form.validate():
        return _render_compiled(period, compiled, form=form)
    for key, text in form.narrative().items():
        setattr(compiled, key, text)
    compiled.code = form.code.data or ""
    compiled.version += 1
    compiled.saved_at = utcnow()
    record_change(current_user, "save", "compiled_report", compiled.id, version=compiled.version)
    db.session.commit()
    if request.htmx:
        return _render_compiled(period, compiled)
    flash("Đã lưu báo cáo tổng hợp.")
    return redirect(url_for("reports.compiled", period_id=period.id))


@bp.post("/periods/<id:period_id>/compiled/send")
@access(Access.WRITER)
def send_compiled(period_id: int):
    """Mark the compiled report sent to the party mass-mobilisation board, which may then read it."""
    period, compiled = get_compiled_to_change(period_id)
    if compiled.sent_at is None:
        compiled.sent_at = utcnow()
        compiled.sent_by_id = current_user.id
        record_change(current_user, "send", "compiled_report", compiled.id)
        db.session.commit()
    flash("Đã gửi báo cáo tổng hợp đến Ban Dân vận Tỉnh ủy.")
    return _go(url_for("reports.compiled", period_id=period.id))


@bp.get("/periods/<id:period_id>/compiled.docx")
@access(Access.MEMBER)
def compiled_docx(period_id: int):
    """Return the compiled province report as a Word document in the official layout."""
    period, compiled = get_compiled(period_id)
    if compiled is None:
        abort(404)
    signed_on = _to_vn(compiled.sent_at or compiled.saved_at or compiled.compiled_at).date()
    return _download(exports.compiled_docx(period, compiled, period.plan, signed_on),
                     f"Báo cáo tổng hợp – {period.name}.docx", DOCX)


@bp.get("/periods/<id:period_id>/compiled.xlsx")
@access(Access.MEMBER)
def compiled_xlsx(period_id: int):
    """Return the compiled workbook: totals, a sheet per mô hình, report states."""
    period, compiled = get_compiled(period_id)
    if compiled is None:
        abort(404)
    return _download(exports.compiled_xlsx(period, compiled), f"Tổng hợp – {period.name}.xlsx", XLSX)
