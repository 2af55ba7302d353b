"""The compiled province report of a period: compile, edit the narrative, send, Word and Excel."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, can_review_reports
from danvan.extensions import db
from danvan.orm import Unit, claim_version, record_change, utcnow
from danvan.orm.report import CompiledReport, Report, ReportingPeriod, ReportStatus
from danvan.reports import bp, exports
from danvan.reports.compile import compile_period
from danvan.reports.forms import CompiledForm
from danvan.reports.queries import compiled_of, get_compiled, get_compiled_to_change, get_period
from danvan.web import DOCX, XLSX, after_write, download, form_error, render_page

PAGE = "reports/compiled.html"
CONFIRM = "reports/confirm.html"
SENT = "Báo cáo tổng hợp của kỳ này đã gửi Ban Dân vận Tỉnh ủy; không thay đổi được nữa."


def compiled_context(period: ReportingPeriod, compiled: CompiledReport | None, form: CompiledForm | None = None,
                     conflict: bool = False, message: str = "", error: str = "") -> dict:
    """Return what the compiled report's page shows; its standing unit edits it until it is sent."""
    reviewer = can_review_reports(current_user, period.plan)
    editable = reviewer and compiled is not None and compiled.sent_at is None
    if editable and form is None:
        form = CompiledForm(formdata=None, obj=compiled)
    return dict(period=period, compiled=compiled, data=compiled.totals if compiled else {}, form=form,
                editable=editable, coordinator=reviewer, conflict=conflict, message=message, error=error)


def _not_accepted(period: ReportingPeriod) -> list[Report]:
    """The period's reports that are owed but not accepted (what a compile now would leave out)."""
    return db.session.scalars(
        db.select(Report).join(Unit).where(Report.period_id == period.id, Report.status != ReportStatus.ACCEPTED)
        .order_by(Unit.position).options(selectinload(Report.unit))).all()


@bp.get("/periods/<id:period_id>/compile")
@access(Access.WRITER)
def confirm_compile(period_id: int):
    """Ask before compiling with only some reports accepted: say which are missing."""
    period = get_period(period_id, may=can_review_reports)
    missing = _not_accepted(period)
    owing = db.session.scalar(db.select(func.count()).where(Report.period_id == period.id))
    return render_template(CONFIRM, period=period, missing=missing, owing=owing, step="compile",
                           action=url_for("reports.compile_report", period_id=period.id),
                           regenerate=request.args.get("regenerate") == "1")


@bp.post("/periods/<id:period_id>/compile")
@access(Access.WRITER)
def compile_report(period_id: int):
    """Compile the province report from the accepted reports; the organisation board only.

    With reports still missing, the board first confirms on a page that lists them.
    """
    period = get_period(period_id, may=can_review_reports)
    compiled = compiled_of(period)
    if compiled is not None and compiled.sent_at is not None:
        return form_error(PAGE, None, status=409, refusal=SENT, **compiled_context(period, compiled))
    accepted = db.session.scalar(db.select(func.count()).where(
        Report.period_id == period.id, Report.status == ReportStatus.ACCEPTED))
    regenerate = request.form.get("regenerate") == "1"
    if not accepted:
        return after_write(url_for("reports.period", period_id=period.id),
                           "Chưa có báo cáo nào được tiếp nhận để tổng hợp.")
    if _not_accepted(period) and request.form.get("confirm") != "1":
        return after_write(url_for("reports.confirm_compile", period_id=period.id,
                                   regenerate="1" if regenerate else None))
    compile_period(current_user, period, regenerate_text=regenerate)
    db.session.commit()
    return after_write(url_for("reports.compiled", period_id=period.id),
                       f"Đã tổng hợp từ {accepted} báo cáo đã tiếp nhận.")


@bp.get("/periods/<id:period_id>/compiled")
@access(Access.MEMBER)
def compiled(period_id: int):
    """Return the compiled province report: totals, narrative, exports."""
    return render_page(PAGE, "narrative", **compiled_context(*get_compiled(period_id)))


@bp.post("/periods/<id:period_id>/compiled")
@access(Access.WRITER)
def save_compiled(period_id: int):
    """Save the edited compiled narrative (a stale version is a conflict); the organisation board only."""
    period, compiled = get_compiled_to_change(period_id)
    form = CompiledForm()
    if compiled.sent_at is not None:
        return form_error(PAGE, "narrative", status=409, **compiled_context(period, compiled, error=SENT))
    seen = request.form.get("version", type=int)
    if seen != compiled.version:
        return form_error(PAGE, "narrative", **compiled_context(period, compiled, form=form, conflict=True))
    if not form.validate():
        return form_error(PAGE, "narrative", **compiled_context(period, compiled, form=form))
    if not claim_version(compiled, seen):
        db.session.rollback()
        period, compiled = get_compiled_to_change(period_id)
        return form_error(PAGE, "narrative", **compiled_context(period, compiled, form=form, conflict=True))
    for key, text in form.narrative().items():
        setattr(compiled, key, text)
    compiled.code = form.code.data or ""
    compiled.issued_on = form.issued_on.data
    compiled.saved_at = utcnow()
    record_change(current_user, "save", "compiled_report", compiled.id, version=compiled.version)
    db.session.commit()
    message = "Đã lưu báo cáo tổng hợp."
    return after_write(url_for("reports.compiled", period_id=period.id), message,
                       lambda: render_page(PAGE, "narrative", **compiled_context(period, compiled, message=message)))


@bp.get("/periods/<id:period_id>/compiled/send")
@access(Access.WRITER)
def confirm_send(period_id: int):
    """Ask before sending what cannot be taken back: the reports left out, a missing number."""
    period, compiled = get_compiled_to_change(period_id)
    owing = db.session.scalar(db.select(func.count()).where(Report.period_id == period.id))
    return render_template(CONFIRM, period=period, missing=_not_accepted(period), owing=owing, step="send",
                           compiled=compiled, action=url_for("reports.send_compiled", period_id=period.id))


@bp.post("/periods/<id:period_id>/compiled/send")
@access(Access.WRITER)
def send_compiled(period_id: int):
    """Mark the compiled report sent to the party mass-mobilisation board, which may then read it.

    Sending cannot be undone: without a number, or with reports left out, the board confirms first.
    """
    period, compiled = get_compiled_to_change(period_id)
    if compiled.sent_at is None and request.form.get("confirm") != "1" and (
            not compiled.code or _not_accepted(period)):
        return after_write(url_for("reports.confirm_send", period_id=period.id))
    # Once, whoever clicks first: a repeated or simultaneous send changes nothing more.
    sent = db.session.execute(
        db.update(CompiledReport).where(CompiledReport.id == compiled.id, CompiledReport.sent_at.is_(None))
        .values(sent_at=utcnow(), sent_by_id=current_user.id).execution_options(synchronize_session=False))
    if sent.rowcount == 1:
        record_change(current_user, "send", "compiled_report", compiled.id)
        db.session.commit()
    return after_write(url_for("reports.compiled", period_id=period.id),
                       "Đã gửi báo cáo tổng hợp đến Ban Dân vận Tỉnh ủy.")


@bp.get("/periods/<id:period_id>/compiled.docx")
@access(Access.MEMBER)
def compiled_docx(period_id: int):
    """Return the compiled province report as a Word document in the official layout."""
    period, compiled = get_compiled(period_id)
    if compiled is None:
        abort(404)
    return download(exports.compiled_docx(period, compiled, period.plan),
                    f"Báo cáo tổng hợp – {period.name}.docx", DOCX)


@bp.get("/periods/<id:period_id>/compiled.xlsx")
@access(Access.MEMBER)
def compiled_xlsx(period_id: int):
    """Return the compiled workbook: totals, a sheet per mô hình, report states."""
    period, compiled = get_compiled(period_id)
    if compiled is None:
        abort(404)
    return download(exports.compiled_xlsx(period, compiled), f"Tổng hợp – {period.name}.xlsx", XLSX)
