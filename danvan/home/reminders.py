"""Đôn đốc: the organisation board and lead boards remind units of what is late; units answer.

A reminder shows on the unit's home until the unit acts on it (the report it is about handed in)
or dismisses it; the sender sees when it was seen. Every one is traced. Where the deployment has
a mail server (`MAIL_SERVER`), the same text also goes by e-mail to the unit's logins that have
an address; the app needs no outside service otherwise.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan import clock
from danvan.access import (
    Access,
    access,
    can_answer_reminder,
    can_remind_for_initiative,
    can_review_reports,
    require,
)
from danvan.extensions import db
from danvan.formatting import format_date
from danvan.home import bp
from danvan.home.todo import active_reminders
from danvan.models import rollup
from danvan.models.queries import get_initiative
from danvan.orm import OPEN_STATES, Reminder, Report, Unit, User, record_change, utcnow
from danvan.reports.queries import get_period
from danvan.text import clean_text
from danvan.web import after_write, form_error, render_page

log = logging.getLogger(__name__)
FORM = "home/remind.html"
TEXT_LIMIT = 1000


def _late_reports(period) -> list[Report]:
    """The period's reports still owed after its due date."""
    if clock.today() <= period.due_on:
        return []
    return db.session.scalars(db.select(Report).join(Unit).where(
        Report.period_id == period.id, Report.status.in_(OPEN_STATES)).order_by(Unit.position)
        .options(selectinload(Report.unit))).all()


def _behind(initiative) -> list[tuple[Unit, int, int]]:
    """Units with a share of the mô hình's targets and less than their share recorded."""
    totals = rollup.initiative_totals(initiative)
    seen: dict[int, tuple[Unit, int, int]] = {}
    for total in totals:
        for line in total.units:
            if line.share and line.actual < line.share and line.unit.id not in seen:
                seen[line.unit.id] = (line.unit, line.actual, line.share)
    return list(seen.values())


def _send(units: list[Unit], text: str, reports: dict[int, int] | None = None) -> int:
    """Record one reminder per unit (about its report, if any), traced; return how many."""
    for unit in units:
        reminder = Reminder(sender_user_id=current_user.id, sender_unit_id=current_user.unit_id,
                            unit_id=unit.id, text=text, report_id=(reports or {}).get(unit.id))
        db.session.add(reminder)
        db.session.flush()
        record_change(current_user, "remind", "unit", unit.id, reminder=reminder.id, text=text)
    db.session.commit()
    mail(units, text)
    return len(units)


def mail(units: list[Unit], text: str) -> None:
    """Send the reminder to the units' logins with an e-mail address, when a mail server is set.

    Best effort after the commit: the reminder on the home page is what counts, so a mail server
    that is down is logged, never an error for the sender.
    """
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return
    addresses = [a for a in db.session.scalars(db.select(User.email).where(
        User.unit_id.in_([u.id for u in units]), User.active.is_(True), User.email != ""))]
    if not addresses:
        return
    message = EmailMessage()
    message["Subject"] = "Đôn đốc – Dân vận khéo"
    message["From"] = config.get("MAIL_FROM", "dan-van-kheo@localhost")
    message["Bcc"] = ", ".join(addresses)
    message.set_content(f"{current_user.unit.name}:\n\n{text}\n")
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 25), timeout=10) as smtp:
            if config.get("MAIL_USERNAME"):
                smtp.starttls()
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("Reminder e-mail not sent (%s): %s", config["MAIL_SERVER"], error)
        return
    db.session.execute(db.update(Reminder).where(Reminder.text == text, Reminder.mailed_at.is_(None),
                                                 Reminder.unit_id.in_([u.id for u in units]))
                       .values(mailed_at=utcnow()))
    db.session.commit()


def _form(what: str, url: str, candidates: list[tuple[Unit, str]], chosen: set[int], text: str,
          error: str = "", back: str = ""):
    return dict(what=what, action=url, candidates=candidates, chosen=chosen, text=text, error=error,
                back=back, limit=TEXT_LIMIT)


def _chosen_and_text(candidates: list[tuple[Unit, str]]) -> tuple[list[Unit], str, str]:
    """The units ticked among the candidates and the message; an error when either is missing."""
    allowed = {u.id: u for u, _why in candidates}
    chosen = [allowed[i] for i in request.form.getlist("unit", type=int) if i in allowed]
    text = clean_text(request.form.get("text", ""), multiline=True)
    error = ("Chọn ít nhất một đơn vị." if not chosen else "Vui lòng nhập nội dung đôn đốc." if not text
             else f"Tối đa {TEXT_LIMIT} ký tự." if len(text) > TEXT_LIMIT else "")
    return chosen, text, error


@bp.route("/periods/<id:period_id>/remind", methods=["GET", "POST"])
@access(Access.WRITER)
def remind_period(period_id: int):
    """Remind the units late on a period's reports (all of them ticked, or the one asked for)."""
    period = get_period(period_id, may=can_review_reports)  # who reviews the reports chases them
    reports = _late_reports(period)
    candidates = [(r.unit, f"trễ {(clock.today() - period.due_on).days} ngày, {r.status.label.lower()}")
                  for r in reports]
    back = url_for("reports.period", period_id=period.id)
    url = url_for("home.remind_period", period_id=period.id)
    what = f"các đơn vị trễ hạn “{period.name}”"
    if request.method == "POST":
        chosen, text, error = _chosen_and_text(candidates)
        if error:
            return form_error(FORM, "form", **_form(what, url, candidates, {u.id for u in chosen}, text, error,
                                                   back))
        sent = _send(chosen, text, {r.unit_id: r.id for r in reports})
        return after_write(back, f"Đã đôn đốc {sent} đơn vị.")
    only = request.args.get("unit", type=int)
    chosen = {u.id for u, _ in candidates if only in (None, u.id)}
    text = (f"Đề nghị đơn vị khẩn trương hoàn thành và nộp “{period.name}” (hạn nộp {format_date(period.due_on)}, "
            f"đã quá hạn). Xin cảm ơn.")
    return render_page(FORM, "form", **_form(what, url, candidates, chosen, text, back=back))


@bp.route("/initiatives/<id:initiative_id>/remind", methods=["GET", "POST"])
@access(Access.WRITER)
def remind_initiative(initiative_id: int):
    """Remind the units behind on their share of a mô hình (the lead board, the standing unit)."""
    initiative = get_initiative(initiative_id, may=can_remind_for_initiative)
    candidates = [(unit, f"đạt {actual:,}/{share:,}".replace(",", ".")) for unit, actual, share in _behind(initiative)]
    back = url_for("models.initiative", initiative_id=initiative.id)
    url = url_for("home.remind_initiative", initiative_id=initiative.id)
    what = f"các đơn vị chưa đạt phần chỉ tiêu “{initiative.title}”"
    if request.method == "POST":
        chosen, text, error = _chosen_and_text(candidates)
        if error:
            return form_error(FORM, "form", **_form(what, url, candidates, {u.id for u in chosen}, text, error,
                                                   back))
        sent = _send(chosen, text)
        return after_write(back, f"Đã đôn đốc {sent} đơn vị.")
    text = (f"Đề nghị đơn vị đẩy mạnh thực hiện và cập nhật kết quả {initiative.title} trên phần mềm. "
            "Xin cảm ơn.")
    return render_page(FORM, "form", **_form(what, url, candidates, {u.id for u, _ in candidates}, text,
                                             back=back))


def get_reminder(reminder_id: int) -> Reminder:
    """Return a reminder sent to the user's unit; 404, or 403 for another unit's."""
    reminder = db.get_or_404(Reminder, reminder_id)
    require(can_answer_reminder, reminder)
    return reminder


@bp.post("/reminders/<id:reminder_id>/dismiss")
@access(Access.WRITER)
def dismiss_reminder(reminder_id: int):
    """The unit puts a reminder away (done, or not for it); the sender sees that it was seen."""
    reminder = get_reminder(reminder_id)
    if reminder.dismissed_at is None:
        now = utcnow()
        reminder.dismissed_at = now
        reminder.seen_at = reminder.seen_at or now
        reminder.seen_by_id = reminder.seen_by_id or current_user.id
        record_change(current_user, "dismiss", "reminder", reminder.id)
        db.session.commit()
    return after_write(url_for("home.index"), "Đã cất lời đôn đốc.",
                       lambda: render_page("home/index.html", "todo_notice", message="Đã cất lời đôn đốc."))


@bp.post("/reminders/seen")
@access(Access.WRITER)
def seen_reminders():
    """Mark the unit's reminders shown on its home as seen (the page posts this once it shows them)."""
    now = utcnow()
    unseen = [r for r in active_reminders(current_user.unit) if r.seen_at is None]
    for reminder in unseen:
        reminder.seen_at, reminder.seen_by_id = now, current_user.id
    if unseen:
        record_change(current_user, "seen", "reminder", None, reminders=[r.id for r in unseen])
        db.session.commit()
    return "", 204


@bp.get("/reminders/sent")
@access(Access.MEMBER)
def sent_reminders():
    """Return the reminders the user's unit sent, newest first, with who has seen them."""
    reminders = db.session.scalars(
        db.select(Reminder).where(Reminder.sender_unit_id == current_user.unit_id)
        .order_by(Reminder.created_at.desc()).limit(200)
        .options(selectinload(Reminder.unit), selectinload(Reminder.sender))).all()
    return render_page("home/sent.html", "list", reminders=reminders)
