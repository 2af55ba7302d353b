"""Nothing typed is lost: a report saved after the session ended is kept, then saved at the next login.

A unit may type its report for an hour on a slow link; if the session has ended meanwhile, the
"Lưu nháp" that arrives is refused (no session, no CSRF token). What it carried is kept on the
server for the account its cookie names (never in a URL) and saved as the draft it was meant
to be once the user logs in again — unless someone saved the report meanwhile, in which case the
report page shows the kept text beside the newer one (nothing overwritten either way).
"""

from __future__ import annotations

import json

from flask import request
from werkzeug.datastructures import MultiDict

from danvan.access import can_write_report
from danvan.auth.sessions import keep_typed_text
from danvan.extensions import db
from danvan.orm import OPEN_STATES, KeptDraft, Report, User
from danvan.reports.forms import ReportForm
from danvan.reports.workflow import save_draft

KEPT = "Đã lưu bản nháp báo cáo bạn gõ trước khi phiên đăng nhập hết hạn."
KEPT_CONFLICT = ("Báo cáo đã được lưu lúc bạn chưa đăng nhập lại: nội dung bạn gõ trước khi phiên hết hạn "
                 "vẫn được giữ, xem ở trang báo cáo.")


def keep_report(user: User) -> None:
    """Keep the typed report (the refused POST's fields) for `user`, if it is a report it writes."""
    report = db.session.get(Report, request.view_args.get("report_id", 0))
    if report is None or not can_write_report(user, report):
        return
    fields = {k: v for k, v in request.form.items(multi=True) if k not in ("csrf_token", "action")}
    db.session.add(KeptDraft(user_id=user.id, report_id=report.id, version=request.form.get("version", type=int),
                             form_data=json.dumps(fields, ensure_ascii=False)))
    db.session.commit()


def kept_form(kept: KeptDraft) -> ReportForm:
    """The report form as it was typed, errors and all."""
    form = ReportForm(formdata=MultiDict(json.loads(kept.form_data)), meta={"csrf": False})
    form.validate()
    return form


def restore_reports(user: User) -> str | None:
    """At login: save each report the user typed when the session had ended; return what to tell."""
    kept = db.session.scalars(db.select(KeptDraft).where(KeptDraft.user_id == user.id)
                              .order_by(KeptDraft.id)).all()
    if not kept:
        return None
    message = KEPT
    for draft in kept:
        report = db.session.get(Report, draft.report_id)
        form = kept_form(draft)
        if (report is not None and can_write_report(user, report) and report.status in OPEN_STATES
                and not form.errors and save_draft(user, report, draft.version, form.narrative(),
                                                   form.extra_lines())):
            db.session.delete(draft)
        else:
            message = KEPT_CONFLICT  # kept: the report page offers it beside the newer version
    db.session.commit()
    return message


def kept_for(user: User, report: Report) -> KeptDraft | None:
    """Return what the user typed into this report before a session ended, not yet saved."""
    return db.session.scalar(db.select(KeptDraft).where(KeptDraft.user_id == user.id,
                                                        KeptDraft.report_id == report.id)
                             .order_by(KeptDraft.id.desc()).limit(1))


keep_typed_text("reports.save", keep_report, restore_reports)
