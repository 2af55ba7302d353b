"""The home page: what the plans ask of the logged-in unit, and for its leaders the whole province."""

from __future__ import annotations

from dataclasses import dataclass

from flask import get_template_attribute, render_template
from flask_login import current_user
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from danvan.access import Access, access, is_leadership, is_read_only, is_standing_unit
from danvan.checklist.completion import counts
from danvan.extensions import db
from danvan.home import bp
from danvan.home.glance import province_glance, units_behind
from danvan.home.todo import checklist_todos, standing_todos
from danvan.models.rollup import my_shares, totals_for
from danvan.orm import Assignment, CompiledReport, Initiative, Plan, Task, Unit, current_province_plan
from danvan.orm.plan import initiative_coordinator
from danvan.pagecache import cached_page, depends_on, kept_part, with_token, without_token
from danvan.reports.workflow import owed_by


@dataclass(frozen=True)
class TaskLine:
    """A task as the home lists it (its counts come fresh: they change with every tick)."""

    id: int
    unit_id: int
    title: str
    plan_code: str
    text: str


@dataclass(frozen=True)
class HomeStanding:
    """What a home shows that no checklist write changes: kept per login, "all" version and day."""

    mine: Markup  # the province link, the unit's shares, its reports
    tail: Markup  # the mô hình it helps on, the plans
    tasks: tuple[TaskLine, ...]
    todo_lines: tuple[tuple[int, str], ...]  # (rank, HTML without the reader's CSRF token)
    unseen: bool

    @property
    def size(self) -> int:
        return len(self.mine) + len(self.tail) + sum(len(html) for _, html in self.todo_lines) + 200 * len(self.tasks)


@bp.get("/")
@access(Access.MEMBER)
@cached_page()
def index():
    """Return the logged-in unit's home: what to do now, then its targets, reports, tasks and plans.

    A tick changes its checklist lines and task counts only: the rest is kept (`standing`)."""
    unit = current_user.unit
    current = current_province_plan()
    sees_province = _sees_province(current)
    # Its own checklist is the only one a unit's home shows; every home shows what is new since
    # its account's last visit.
    depends_on(units=None if sees_province else [unit.id], login=current_user.id)
    standing = kept_part(("home",), lambda: _standing(unit, current))
    task_counts = counts(t.id for t in standing.tasks)  # its to-do lines count the same tasks
    line = get_template_attribute("home/_todo.html", "todo_line")
    lines = [*((rank, with_token(html)) for rank, html in standing.todo_lines),
             *((t.rank, line(t)) for t in checklist_todos(current_user, current, task_counts))]
    return render_template(
        "home/index.html", unit=unit, standing=standing, tasks=standing.tasks, counts=task_counts,
        todo_lines=[html for _rank, html in sorted(lines, key=lambda ranked: ranked[0])],
        unseen=standing.unseen,
        glance=province_glance(current) if sees_province else None,
        behind=units_behind(current) if current and (is_leadership(current_user) or current_user.is_admin)
        else None,
        sent=_sent_compiled() if is_read_only(current_user) else None,
    )


def _standing(unit: Unit, current: Plan | None) -> HomeStanding:
    """Read and render what the home shows that no checklist write changes."""
    # The province's plans and the unit's own; other units' own plans are a click away.
    plans = db.session.scalars(
        db.select(Plan)
        .where(Plan.parent_plan_id.is_(None) | (Plan.owner_unit_id == unit.id))
        .order_by(Plan.year.desc(), Plan.id)
    ).all()
    tasks = db.session.execute(
        db.select(Task.id, Task.unit_id, Assignment.short_title, Plan.code, Assignment.text)
        .join(Task.assignment).join(Assignment.plan)
        .where(Task.unit_id == unit.id)
        .order_by(Plan.year.desc(), Assignment.position)
    ).all()
    helping = db.select(initiative_coordinator.c.initiative_id).where(
        initiative_coordinator.c.unit_id == unit.id
    )
    initiatives = db.session.scalars(
        db.select(Initiative)
        .where(Initiative.id.in_(helping))
        .order_by(Initiative.plan_id.desc(), Initiative.position)
        .options(selectinload(Initiative.targets))
    ).all()
    shares = my_shares(unit)
    todos = standing_todos(current_user, current, shares)
    line = get_template_attribute("home/_todo.html", "todo_line")
    context = {"unit": unit, "plans": plans, "initiatives": initiatives, "shares": shares,
               "standing_unit_id": next((p.standing_unit_id for p in plans), None),
               # A lead unit follows the whole mô hình: every unit's results, not only its own.
               "lead_totals": totals_for([s.target for s in shares if s.lead]),
               "owed_reports": owed_by(unit)}
    return HomeStanding(
        mine=Markup(render_block("home/index.html", "mine", **context)),
        tail=Markup(render_block("home/index.html", "tail", **context)),
        tasks=tuple(TaskLine(*row) for row in tasks),
        todo_lines=tuple((t.rank, without_token(line(t))) for t in todos),
        unseen=any(t.reminder and t.reminder.seen_at is None for t in todos),
    )


def _sees_province(plan: Plan | None) -> bool:
    """The leadership, the standing unit, admin and the party mass-mobilisation board (which
    reads, and has no checklist of its own) see the whole province on their home."""
    return plan is not None and (is_standing_unit(current_user, plan) or is_leadership(current_user)
                                 or is_read_only(current_user))



def _sent_compiled() -> list[CompiledReport]:
    """The compiled reports sent to the party mass-mobilisation board, newest first."""
    return db.session.scalars(
        db.select(CompiledReport).where(CompiledReport.sent_at.is_not(None))
        .order_by(CompiledReport.sent_at.desc()).options(selectinload(CompiledReport.period))).all()
