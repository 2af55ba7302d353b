""""Cần làm ngay": what each account must do now, most urgent first, built from what the app knows.

One list per home page; each line says what and why in a few words and links to the place to act.
A unit sees what is returned, reminded, late or due; the organisation board what waits for it;
a lead board who is behind on its mô hình; the standing committee what waits for its signature.
An evaluator sees the scorecards it still owes. A fixed number of queries whatever the size of the
province (S3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from danvan import clock
from danvan.access import can_review_reports, is_leadership, is_read_only
from danvan.checklist.completion import counts
from danvan.database import run
from danvan.extensions import db
from danvan.formatting import format_date
from danvan.models import rollup
from danvan.orm import (
    OPEN_STATES,
    Acknowledgement,
    Assignment,
    CompiledReport,
    Evaluator,
    House,
    Initiative,
    LoginSession,
    Plan,
    PlanStatus,
    ProgressEntry,
    Registration,
    Reminder,
    Report,
    ReportingPeriod,
    ReportStatus,
    Review,
    ReviewStatus,
    Road,
    Scorecard,
    Task,
    TaskComment,
    Unit,
    User,
    WorkStatus,
)
from danvan.orm.org import short_name_then
from danvan.orm.report import EventKind, ReportEvent
from danvan.plan.queries import receiving_unit_ids

DUE_SOON = timedelta(days=7)
# Quán triệt is expected within a month of the plan's issue; a house or road a season in the building.
BRIEFING_TIME = timedelta(days=30)
STUCK_BUILDING = timedelta(days=60)
MAX_LINES = 8  # of one kind; the rest are counted ("và 3 việc khác")

# Most urgent first.
RETURNED, SIGN, REMINDED, LATE, REVIEW, OVERDUE, COMPILE, DUE, COMMENT, BEHIND, QUIET = range(11)


@dataclass
class Todo:
    """One line of "Cần làm ngay": what, a detail, where to act."""

    rank: int
    text: str
    url: str
    detail: str = ""
    reminder: Reminder | None = None  # a reminder the unit may dismiss from its home
    extra: dict = field(default_factory=dict)


def _truncate(text: str, size: int = 120) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _capped(todos: list[Todo], rank: int, what: str) -> list[Todo]:
    """Keep the first MAX_LINES of one kind and count the others in one more line."""
    if len(todos) <= MAX_LINES:
        return todos
    rest = todos[MAX_LINES:]
    return todos[:MAX_LINES] + [Todo(rank, f"và {len(rest)} {what} khác", rest[0].url)]


def unit_todos(user: User, unit: Unit, plan: Plan | None,
               shares: list[rollup.UnitProgress] | None = None) -> list[Todo]:
    """A unit's own but its checklist's: returned, reminded, late or due reports; quiet shares."""
    today = clock.today()
    todos: list[Todo] = []
    reports = db.session.scalars(
        db.select(Report).join(Report.period).where(Report.unit_id == unit.id, Report.status.in_(OPEN_STATES))
        .order_by(ReportingPeriod.due_on).options(selectinload(Report.period))).all()
    returns = {e.report_id: e for e in db.session.scalars(
        db.select(ReportEvent).where(ReportEvent.report_id.in_([r.id for r in reports]),
                                     ReportEvent.kind == EventKind.RETURNED).order_by(ReportEvent.id))}
    for report in reports:
        url = url_for("reports.report", report_id=report.id)
        due, event = report.period.due_on, returns.get(report.id)
        if report.status is ReportStatus.RETURNED and event is not None:
            where = f"Mục: {event.section_label}. " if event.section_label else ""
            todos.append(Todo(RETURNED, f"Báo cáo “{report.period.name}” bị trả lại: sửa và nộp lại", url,
                              f"{where}Góp ý: {_truncate(event.comment)}"))
        elif today > due:
            todos.append(Todo(LATE, f"Nộp báo cáo “{report.period.name}”: trễ {(today - due).days} ngày",
                              url, f"Hạn nộp {format_date(due)}"))
        elif due - today <= DUE_SOON:
            todos.append(Todo(DUE, f"Nộp báo cáo “{report.period.name}” trước {format_date(due)}", url,
                              f"Còn {(due - today).days} ngày"))
    for reminder in active_reminders(unit):
        todos.append(Todo(REMINDED, f"{reminder.sender_unit.name} đôn đốc: {_truncate(reminder.text, 160)}",
                          url_for("reports.report", report_id=reminder.report_id) if reminder.report_id
                          else url_for("home.index"),
                          f"Gửi {format_date(reminder.created_at)}", reminder=reminder))
    if plan is not None:
        todos += _quiet_shares(unit, plan, today, shares)
    return todos


def active_reminders(unit: Unit) -> list[Reminder]:
    """Reminders the unit has neither dismissed nor acted on (the report it is about handed in)."""
    return db.session.scalars(
        db.select(Reminder).outerjoin(Report, Reminder.report_id == Report.id)
        .where(Reminder.unit_id == unit.id, Reminder.dismissed_at.is_(None),
               Reminder.report_id.is_(None) | Report.status.in_(OPEN_STATES))
        .order_by(Reminder.created_at.desc()).options(selectinload(Reminder.sender_unit))).all()


# Built once: a home renewed by a tick reads its checklist lines with these (the rest is kept).
TASK_TITLES = (select(Task.id, Assignment.short_title).join(Assignment, Assignment.id == Task.assignment_id)
               .where(Task.unit_id == bindparam("unit_id"), Assignment.plan_id == bindparam("plan_id")))
PREVIOUS_VISIT = (select(LoginSession.created_at)
                  .where(LoginSession.user_id == bindparam("user_id"),
                         LoginSession.id != bindparam("session_id"))
                  .order_by(LoginSession.created_at.desc()).limit(1))
OTHERS_COMMENTS = (select(TaskComment.task_id, TaskComment.text, Unit.id.label("unit_id"),
                          Unit._short_name.label("short_name"))
                   .join(Unit, Unit.id == TaskComment.unit_id)
                   .where(TaskComment.task_id.in_(bindparam("task_ids", expanding=True)),
                          TaskComment.unit_id != bindparam("unit_id"),
                          TaskComment.created_at > bindparam("since"))
                   .order_by(TaskComment.created_at.desc()))


def checklist_todos(user: User, plan: Plan | None, counted: dict[int, tuple[int, int, int]]) -> list[Todo]:
    """What the unit's checklist asks now: its overdue items, and comments since the last visit.

    Apart from `standing_todos`, since it changes with every tick; no other kind of line has
    their ranks (OVERDUE, COMMENT), so the two lists merge by rank alone. `counted`: the counts
    of its tasks the caller has read already (the home's); a task not among them is counted here."""
    if plan is None or is_read_only(user):
        return []
    unit_id = user.unit_id
    titles = dict(run(TASK_TITLES, {"unit_id": unit_id, "plan_id": plan.id}).all())
    counted = {**counts(task_id for task_id in titles if task_id not in counted), **counted}
    todos = []
    for task_id in titles:
        _done, _total, late = counted[task_id]
        if late:
            todos.append(Todo(OVERDUE, f"{late} việc quá hạn: {titles[task_id]}",
                              url_for("checklist.unit", unit_id=unit_id, _anchor=f"task-{task_id}")))
    # "New since the last visit": since the account logged in before this session.
    since = run(PREVIOUS_VISIT, {"user_id": user.id, "session_id": user.login_session_id}).scalar()
    if since is not None and titles:
        since = clock.on_app_clock(since)  # a login is on the real clock, a comment on the app's
        comments = run(OTHERS_COMMENTS, {"task_ids": list(titles), "unit_id": unit_id, "since": since}).all()
        todos += _capped([Todo(COMMENT, f"{short_name_then(c.unit_id, c.short_name)} góp ý về "
                                        f"“{titles[c.task_id]}”",
                               url_for("checklist.unit", unit_id=unit_id, _anchor=f"task-{c.task_id}"),
                               _truncate(c.text)) for c in comments], COMMENT, "góp ý")
    return todos


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quiet_shares(unit: Unit, plan: Plan, today: date, progress: list[rollup.UnitProgress] | None) -> list[Todo]:
    """The unit's shares of typed targets with no result recorded this quarter (within the plan year).

    `progress` is the unit's progress on every plan when the caller has it (the home page does).
    """
    if today.year != plan.year:
        return []
    if progress is None:
        progress = rollup.unit_progress(unit.id, plan_ids=[plan.id])
    shares = [p for p in progress if p.initiative.plan_id == plan.id
              and p.share and p.source == rollup.Source.ENTRIES and p.actual < p.share]
    if not shares:
        return []
    recorded = set(db.session.scalars(
        db.select(ProgressEntry.target_id).where(ProgressEntry.unit_id == unit.id,
                                                 ProgressEntry.target_id.in_([p.target.id for p in shares]),
                                                 ProgressEntry.recorded_on >= quarter_start(today))))
    return [Todo(QUIET, f"Chưa ghi nhận kết quả quý này: {p.target.label}",
                 url_for("models.record", target_id=p.target.id), p.initiative.title)
            for p in shares if p.target.id not in recorded]


def board_todos(plan: Plan) -> list[Todo]:
    """The organisation board's: reports waiting for review, late units, quán triệt, periods to compile."""
    today = clock.today()
    todos: list[Todo] = []
    periods = db.session.scalars(db.select(ReportingPeriod).where(ReportingPeriod.plan_id == plan.id)).all()
    period_ids = [p.id for p in periods]
    waiting = db.session.scalars(
        db.select(Report).where(Report.period_id.in_(period_ids), Report.status == ReportStatus.SUBMITTED)
        .order_by(Report.submitted_at).options(selectinload(Report.unit), selectinload(Report.period))).all()
    todos += _capped([Todo(REVIEW, f"Xem và tiếp nhận báo cáo của {r.unit.name}",
                           url_for("reports.report", report_id=r.id),
                           f"{r.period.name} · nộp {format_date(r.submitted_at)}" if r.submitted_at
                           else r.period.name)
                      for r in waiting], REVIEW, "báo cáo chờ tiếp nhận")
    states = dict(((pid, status), n) for pid, status, n in db.session.execute(
        db.select(Report.period_id, Report.status, func.count()).where(Report.period_id.in_(period_ids))
        .group_by(Report.period_id, Report.status)).all())
    compiled = set(db.session.scalars(db.select(CompiledReport.period_id)
                                      .where(CompiledReport.period_id.in_(period_ids))))
    for period in periods:
        late = sum(states.get((period.id, s), 0) for s in OPEN_STATES) if today > period.due_on else 0
        if late:
            todos.append(Todo(LATE, f"{late} đơn vị trễ hạn nộp “{period.name}”",
                              url_for("reports.period", period_id=period.id, state="late"),
                              f"Hạn nộp {format_date(period.due_on)}: đôn đốc các đơn vị",
                              extra={"remind": url_for("home.remind_period", period_id=period.id)}))
        owing = sum(n for (pid, _s), n in states.items() if pid == period.id)
        accepted = states.get((period.id, ReportStatus.ACCEPTED), 0)
        if owing and accepted == owing and period.id not in compiled:
            todos.append(Todo(COMPILE, f"Tổng hợp “{period.name}”: {accepted}/{owing} báo cáo đã tiếp nhận",
                              url_for("reports.period", period_id=period.id)))
    if plan.issued_on and today - plan.issued_on > BRIEFING_TIME:
        briefed = set(db.session.scalars(db.select(Acknowledgement.unit_id)
                                         .where(Acknowledgement.plan_id == plan.id)))
        missing = receiving_unit_ids(plan) - briefed - {plan.owner_unit_id}
        if missing:
            todos.append(Todo(LATE, f"{len(missing)} đơn vị chưa báo cáo quán triệt Kế hoạch {plan.code}",
                              url_for("plan.cascade", plan_id=plan.id),
                              f"Ban hành {format_date(plan.issued_on)}"))
    return todos


def lead_todos(unit: Unit, plan: Plan) -> list[Todo]:
    """A lead board's: the units furthest behind on the mô hình it leads, and works stuck in building."""
    initiatives = db.session.scalars(
        db.select(Initiative).where(Initiative.plan_id == plan.id, Initiative.lead_unit_id == unit.id)
        .options(selectinload(Initiative.targets))).all()
    if not initiatives:
        return []
    totals = rollup.totals_for([t for i in initiatives for t in i.targets])
    behind = []
    for initiative in initiatives:
        for target in initiative.targets:
            for line in totals[target.id].units:
                if line.share and line.actual < line.share:
                    behind.append((line.actual / line.share, initiative, target, line))
    behind.sort(key=lambda row: row[0])
    todos = _capped([Todo(BEHIND, f"{line.unit.name}: đạt {rollup.percent(line.actual, line.share)}% "
                                  f"phần được giao",
                          url_for("models.initiative", initiative_id=initiative.id),
                          f"{target.label}: {line.actual:,}/{line.share:,}".replace(",", ".")
                          + f" · {initiative.title}",
                          extra={"remind": url_for("home.remind_initiative", initiative_id=initiative.id)})
                     for _ratio, initiative, target, line in behind], BEHIND, "đơn vị chậm")
    ids = [i.id for i in initiatives]
    since = datetime.combine(clock.today() - STUCK_BUILDING, datetime.min.time())
    stuck = []
    for model, what, anchor, name in ((House, "Nhà Nhân ái", "#nha", House.beneficiary),
                                      (Road, "Tuyến đường", "#duong", Road.name)):
        for item_name, initiative_id, unit_name, created in db.session.execute(
                db.select(name, model.initiative_id, Unit.short_name, model.created_at).join(Unit)
                .where(model.initiative_id.in_(ids), model.status == WorkStatus.BUILDING, model.created_at < since)
                .order_by(model.created_at)):
            stuck.append(Todo(BEHIND, f"{what} “{item_name}” ({unit_name}) còn đang xây dựng",
                              url_for("models.initiative", initiative_id=initiative_id) + anchor,
                              f"Thêm vào danh sách {format_date(created)}"))
    return todos + _capped(stuck, BEHIND, "công trình đang xây")


def leadership_todos() -> list[Todo]:
    """The standing committee's: province plans waiting for its signature."""
    todos = [Todo(SIGN, f"Ký ban hành Kế hoạch {p.code}", url_for("plan.document", plan_id=p.id), p.title)
             for p in db.session.scalars(db.select(Plan).where(Plan.status == PlanStatus.PENDING,
                                                               Plan.parent_plan_id.is_(None)))]
    return todos + [Todo(SIGN, "Duyệt đề nghị khen thưởng", url_for("emulation.review", review_id=r.id), r.title)
                    for r in db.session.scalars(db.select(Review).where(Review.status == ReviewStatus.PROPOSED))]


def scoring_todos(user: User) -> list[Todo]:
    """An evaluator's unscored scorecards of open reviews (its board's, or its own as a named one)."""
    rows = db.session.execute(
        db.select(Review.id, Review.title, Review.scores_due_on, func.count(Scorecard.id))
        .join(Scorecard, Scorecard.review_id == Review.id).join(Evaluator, Scorecard.evaluator_id == Evaluator.id)
        .join(Registration, Scorecard.registration_id == Registration.id)
        .where(Review.status == ReviewStatus.OPEN, Scorecard.scored_at.is_(None),
               (Evaluator.unit_id == user.unit_id) | (Evaluator.user_id == user.id),
               Registration.unit_id != user.unit_id)
        .group_by(Review.id, Review.title, Review.scores_due_on)).all()
    today = clock.today()
    return [Todo(LATE if due < today else DUE, f"Chấm điểm {n} mô hình: hạn {format_date(due)}",
                 url_for("emulation.review", review_id=review_id), title) for review_id, title, due, n in rows]


def standing_todos(user: User, plan: Plan | None, shares: list[rollup.UnitProgress] | None = None) -> list[Todo]:
    """Everything the account must do now but what its checklist asks (`checklist_todos`), most
    urgent first ([] when there is nothing).

    `shares`: the unit's progress on every plan (`rollup.my_shares`), when the caller has it.
    """
    unit = user.unit
    if is_read_only(user):
        return []
    todos = unit_todos(user, unit, plan, shares)
    if plan is not None and can_review_reports(user, plan):
        todos += board_todos(plan)
    if plan is not None:
        todos += lead_todos(unit, plan)
    if is_leadership(user) or user.is_admin:
        todos += leadership_todos()
    todos += scoring_todos(user)
    return sorted(todos, key=lambda t: t.rank)
