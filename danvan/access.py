"""Who may do what: every permission rule of the app, in one screen (PRODUCT.md's table).

Levels, one per endpoint (`@access`), the coarse gate checked before the view runs:
  PUBLIC  login page, /healthz, static files
  MEMBER  every logged-in account: read plans, mô hình, progress, checklists (public inside the Union)
  WRITER  logged in and not a read-only outside body; the object rule below then decides
  ADMIN   administrators only: units, accounts

Object rules, `can_*(user, object)`: each blueprint's scoped getter takes one and applies it to
the object loaded from the database (its own unit, never a unit id from the request), so a view
never checks a permission inline. `require()` is how a getter refuses.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from danvan.database import begin_writing
from danvan.extensions import login_manager
from danvan.orm import (
    LOCAL_UNION_KINDS,
    ChecklistItem,
    CompiledReport,
    Evidence,
    House,
    Initiative,
    Plan,
    PlanStatus,
    ProgressEntry,
    Report,
    ReviewStatus,
    Road,
    Target,
    Task,
    Unit,
    UnitKind,
    User,
)

F = TypeVar("F", bound=Callable)
Rule = Callable[[User, Any], bool]


class Access(enum.StrEnum):
    PUBLIC = "public"
    MEMBER = "member"
    WRITER = "writer"
    ADMIN = "admin"


def access(level: Access, *, reads_first: bool = False) -> Callable[[F], F]:
    """Mark a view with its access level and enforce it; tests check every endpoint has one.

    The account is looked up in a read transaction; a write view's own transaction then begins
    IMMEDIATE, unless it `reads_first` and writes in a `database.write_transaction()` of its own.
    """

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args, **kwargs):
            signed_in = level is Access.PUBLIC or current_user.is_authenticated
            if not reads_first:
                begin_writing()
            if level is not Access.PUBLIC:
                if not signed_in:
                    return login_manager.unauthorized()
                if level is Access.WRITER and is_read_only(current_user):
                    abort(403)
                if level is Access.ADMIN and not current_user.is_admin:
                    abort(403)
            return view(*args, **kwargs)

        wrapped.access_level = level  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def require(rule: Rule | None, obj: Any) -> None:
    """Refuse (403) unless the logged-in account passes `rule` on `obj`; None means reading."""
    if rule is not None and not rule(current_user, obj):
        abort(403)


# ---- who the account is ----

def is_read_only(user: User) -> bool:
    """Accounts of outside bodies (the party mass-mobilisation board) read and never write."""
    return not user.is_admin and user.unit.kind == UnitKind.OUTSIDE


def is_leadership(user: User) -> bool:
    """The standing committee reads everything and signs the province's plans."""
    return user.unit.kind == UnitKind.STANDING_COMMITTEE


def is_standing_unit(user: User, plan: Plan) -> bool:
    """The plan's standing unit (bộ phận thường trực: TCKT for plan 382) or admin runs the plan."""
    return user.is_admin or (plan.standing_unit_id is not None and user.unit_id == plan.standing_unit_id)


def can_write_for(user: User, unit: Unit | int) -> bool:
    """A unit changes what belongs to it; admin changes anything."""
    unit_id = unit if isinstance(unit, int) else unit.id
    return user.is_admin or (user.unit_id == unit_id and not is_read_only(user))


# ---- plans ----

def can_manage_plan(user: User, plan: Plan) -> bool:
    """Province plan: its standing unit and admin; a unit's own plan: that unit and admin."""
    if is_read_only(user):
        return False
    if plan.parent_plan_id is not None:
        return user.is_admin or user.unit_id == plan.owner_unit_id
    return is_standing_unit(user, plan)


def can_sign_plan(user: User, plan: Plan) -> bool:
    """Province plan: the standing committee and admin sign or return it; a unit signs its own."""
    if plan.parent_plan_id is not None:
        return can_manage_plan(user, plan)
    return user.is_admin or is_leadership(user)


def can_submit_plan(user: User, plan: Plan) -> bool:
    """A province plan goes to the standing committee from its standing unit; a unit's own plan never."""
    return plan.parent_plan_id is None and can_manage_plan(user, plan)


def can_return_plan(user: User, plan: Plan) -> bool:
    """The standing committee (or admin) returns a submitted province plan to draft."""
    return plan.parent_plan_id is None and can_sign_plan(user, plan)


def plan_steps(user: User, plan: Plan) -> dict[str, bool]:
    """Which workflow steps the account may take on the plan now (its state and its rights)."""
    own, manage = plan.parent_plan_id is not None, can_manage_plan(user, plan)
    draft = plan.status == PlanStatus.DRAFT
    return {
        "edit": draft and manage,
        "submit": draft and can_submit_plan(user, plan),
        "approve": plan.status == PlanStatus.PENDING and can_return_plan(user, plan),
        "issue_own": draft and own and manage,
        "copy_next": manage,
    }


def can_acknowledge(user: User, plan: Plan, receiving_unit_ids: Collection[int]) -> bool:
    """A unit the plan gives work to confirms its own quán triệt; not the issuer, not read-only."""
    return (not is_read_only(user) and user.unit_id != plan.owner_unit_id
            and user.unit_id in receiving_unit_ids)


# ---- checklists ----

def can_change_task(user: User, task: Task) -> bool:
    """A task's checklist is ticked and edited by its own unit (and admin)."""
    return can_write_for(user, task.unit_id)


def can_comment_task(user: User, task: Task) -> bool:
    """The task's own unit and the units coordinating on its assignment comment on it."""
    return can_comment_on(user, task.unit_id, any(u.id == user.unit_id for u in task.assignment.coordinating_units))


def can_comment_on(user: User, unit_id: int, user_coordinates: bool) -> bool:
    """`can_comment_task` for a task known by its unit and whether the account's unit coordinates on it."""
    return can_write_for(user, unit_id) or (not is_read_only(user) and user_coordinates)


def can_change_item(user: User, item: ChecklistItem) -> bool:
    return can_change_task(user, item.task)


# ---- mô hình ----

def can_edit_initiative(user: User, initiative: Initiative) -> bool:
    """The lead unit, the plan's standing unit or admin allocate an initiative's targets."""
    if is_read_only(user):
        return False
    return user.unit_id == initiative.lead_unit_id or is_standing_unit(user, initiative.plan)


def can_record_progress(user: User, target: Target, share: int | None) -> bool:
    """A unit records progress on a target it has a share of, or one of an initiative it leads."""
    return not is_read_only(user) and (share is not None or target.initiative.lead_unit_id == user.unit_id)


def can_add_works(user: User, initiative: Initiative, shared_target_ids: Collection[int]) -> bool:
    """A unit adds houses or roads to an initiative it leads or has a share of."""
    if is_read_only(user):
        return False
    return initiative.lead_unit_id == user.unit_id or any(t.id in shared_target_ids for t in initiative.targets)


def can_change_works(user: User, item: House | Road) -> bool:
    """A house or road is updated by the unit that built it (and admin)."""
    return can_write_for(user, item.unit_id)


def can_correct_entry(user: User, entry: ProgressEntry) -> bool:
    """A unit corrects only its own progress entries."""
    return not is_read_only(user) and entry.unit_id == user.unit_id


def can_build_own_plan(user: User, unit: Unit) -> bool:
    """A district or affiliated union builds its own mô hình and plan, for itself only."""
    return not is_read_only(user) and unit.id == user.unit_id and unit.kind in LOCAL_UNION_KINDS


# ---- minh chứng (evidence photos) ----

def can_add_evidence(user: User, subject: Initiative | House | Road | ChecklistItem,
                     shared_target_ids: Collection[int] = ()) -> bool:
    """Whoever changes a house, road or checklist item adds its photos; a mô hình's photos are
    added by the units that may add its houses or roads (the lead unit and those with a share)."""
    if isinstance(subject, (House, Road)):
        return can_change_works(user, subject)
    if isinstance(subject, ChecklistItem):
        return can_change_item(user, subject)
    return can_add_works(user, subject, shared_target_ids)


def can_remove_evidence(user: User, evidence: Evidence) -> bool:
    """A photo is removed (hidden, kept in the trace) by the unit whose work it shows, or admin."""
    return can_write_for(user, evidence.unit_id)


# ---- reports ----

def can_write_report(user: User, report: Report) -> bool:
    """A report is saved and submitted by its own unit only (admin reviews, it does not write)."""
    return user.unit_id == report.unit_id and not is_read_only(user)


def can_read_all_reports(user: User, plan: Plan) -> bool:
    """The plan's standing unit (and admin) and the standing committee read every unit's report."""
    return is_standing_unit(user, plan) or is_leadership(user)


def can_read_report(user: User, report: Report) -> bool:
    """Drafts are read by their unit, the standing unit and the standing committee; others get 404."""
    return can_write_report(user, report) or can_read_all_reports(user, report.period.plan)


def can_review_reports(user: User, plan: Plan) -> bool:
    """Open periods, accept or return reports, compile and send: the plan's standing unit and admin."""
    return plan.parent_plan_id is None and is_standing_unit(user, plan)


def can_review_report(user: User, report: Report) -> bool:
    return can_review_reports(user, report.period.plan)


def can_remind_for_initiative(user: User, initiative: Initiative) -> bool:
    """A lead board (and the standing unit) chases the units behind on its mô hình."""
    return can_edit_initiative(user, initiative)


def can_answer_reminder(user: User, reminder) -> bool:
    """A reminder is seen and dismissed by the unit it was sent to."""
    return can_write_for(user, reminder.unit_id)


def can_read_compiled(user: User, plan: Plan, compiled: CompiledReport | None) -> bool:
    """The party mass-mobilisation board reads a compiled report once it has been sent to it."""
    if can_read_all_reports(user, plan):
        return True
    return is_read_only(user) and compiled is not None and compiled.sent_at is not None


# ---- thi đua (registrations, reviews, awards) ----

def can_register(user: User, unit: Unit) -> bool:
    """A unit registers its own mô hình (not admin for it: the responsible person is the unit's word)."""
    return not user.is_admin and not is_read_only(user) and user.unit_id == unit.id


def can_run_reviews(user: User, plan: Plan) -> bool:
    """The plan's standing unit (TCKT for plan 382) and admin open, close and propose from reviews."""
    return plan.parent_plan_id is None and is_standing_unit(user, plan)


def sees_open_scores(user: User, review) -> bool:
    """While a review is open its scores are seen by who runs it and the standing committee only."""
    return can_run_reviews(user, review.plan) or is_leadership(user)


def is_evaluator(user: User, evaluator) -> bool:
    """A board evaluator scores through any login of the board; a named evaluator only as itself."""
    if is_read_only(user):
        return False
    return evaluator.user_id == user.id if evaluator.user_id is not None else evaluator.unit_id == user.unit_id


def can_score(user: User, scorecard) -> bool:
    """An evaluator scores what is assigned to it, never a mô hình of its own unit."""
    return is_evaluator(user, scorecard.evaluator) and scorecard.registration.unit_id != user.unit_id


def can_approve_awards(user: User, review) -> bool:
    """The standing committee (and admin) approves or returns the proposed awards."""
    return user.is_admin or is_leadership(user)


def can_read_results(user: User, review) -> bool:
    """Scores are public inside the Union, and to the read-only party board, once the review is closed."""
    return review.status != ReviewStatus.OPEN or sees_open_scores(user, review)
