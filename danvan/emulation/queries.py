"""Loading thi đua objects scoped to what the account may see, and the ranked results of a review."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from danvan.access import Rule, can_read_results, is_evaluator, require
from danvan.extensions import db
from danvan.formatting import vn_sort_key
from danvan.orm import (
    Allocation,
    Evaluator,
    Field,
    Initiative,
    Plan,
    PlanStatus,
    Registration,
    Review,
    Scorecard,
    Target,
    Unit,
    show_units_of_year,
)
from danvan.orm.plan import initiative_coordinator


def get_province_plan(plan_id: int) -> Plan:
    """Return an issued province plan: the movement's year is run on it (a unit's own plan is 404)."""
    plan = db.get_or_404(Plan, plan_id)
    if plan.parent_plan_id is not None or plan.status != PlanStatus.ISSUED:
        abort(404)
    show_units_of_year(plan.year)
    return plan


def get_review(review_id: int, may: Rule | None = None) -> Review:
    """Return a review with its criteria and evaluators; every login reads its page (scores aside)."""
    review = db.first_or_404(db.select(Review).where(Review.id == review_id).options(
        selectinload(Review.criteria), selectinload(Review.evaluators).selectinload(Evaluator.user),
        selectinload(Review.plan)))
    require(may, review)
    show_units_of_year(review.plan.year)
    return review


def get_scorecard(scorecard_id: int, may: Rule) -> Scorecard:
    """Return a scorecard for its evaluator; everyone else, the scored unit first, is refused."""
    card = db.first_or_404(db.select(Scorecard).where(Scorecard.id == scorecard_id).options(
        selectinload(Scorecard.evaluator).selectinload(Evaluator.user), selectinload(Scorecard.points),
        selectinload(Scorecard.registration).selectinload(Registration.initiative)))
    require(may, card)
    show_units_of_year(card.review.plan.year)
    return card


def registration_candidates(unit: Unit, plan: Plan) -> list[Initiative]:
    """The mô hình a unit may register for the year: province ones it leads, coordinates or has a
    share of, and those of its own plan based on the province plan."""
    shared = (db.select(Target.initiative_id).join(Allocation, Allocation.target_id == Target.id)
              .where(Allocation.unit_id == unit.id))
    coordinated = db.select(initiative_coordinator.c.initiative_id).where(
        initiative_coordinator.c.unit_id == unit.id)
    own_plans = db.select(Plan.id).where(Plan.parent_plan_id == plan.id, Plan.owner_unit_id == unit.id)
    return list(db.session.scalars(
        db.select(Initiative).where(
            ((Initiative.plan_id == plan.id) & ((Initiative.lead_unit_id == unit.id) | Initiative.id.in_(shared)
                                                | Initiative.id.in_(coordinated)))
            | Initiative.plan_id.in_(own_plans))
        .order_by(Initiative.plan_id != plan.id, Initiative.position)))


def registrations_of(plan: Plan, unit_id: int | None = None) -> list[Registration]:
    """The year's registrations that stand (not withdrawn), by field, mô hình and unit."""
    query = (db.select(Registration).join(Registration.initiative)
             .where(Registration.plan_id == plan.id, Registration.withdrawn_at.is_(None))
             .options(selectinload(Registration.initiative), selectinload(Registration.unit)))
    if unit_id is not None:
        query = query.where(Registration.unit_id == unit_id)
    rows = list(db.session.scalars(query))
    fields = list(Field)
    return sorted(rows, key=lambda r: (fields.index(r.initiative.field), r.initiative.plan_id != plan.id,
                                       r.initiative.position, r.unit.position))


def by_field(registrations: list[Registration]) -> list[tuple[Field, list[Registration]]]:
    grouped: dict[Field, list[Registration]] = defaultdict(list)
    for r in registrations:
        grouped[r.initiative.field].append(r)
    return [(f, grouped[f]) for f in Field if grouped[f]]


def my_scorecards(review: Review) -> list[Scorecard]:
    """The scorecards assigned to the account: as a named evaluator or through its board."""
    mine = [e.id for e in review.evaluators if is_evaluator(current_user, e)]
    if not mine:
        return []
    return list(db.session.scalars(
        db.select(Scorecard).where(Scorecard.evaluator_id.in_(mine))
        .options(selectinload(Scorecard.points),
                 selectinload(Scorecard.registration).selectinload(Registration.initiative),
                 selectinload(Scorecard.registration).selectinload(Registration.unit))
        .order_by(Scorecard.id)))


@dataclass
class Result:
    """One registration's standing in a review: the mean of its saved scorecards."""

    registration: Registration
    scored: int
    assigned: int
    total: int  # the sum of the saved scorecards' points
    criteria: dict[int, float]  # criterion id → mean points
    rank: int = 0
    comments: tuple[str, ...] = ()

    @property
    def mean(self) -> float | None:
        return self.total / self.scored if self.scored else None


def results(review: Review) -> list[Result]:
    """Rank the review's registrations by mean score (unscored last), ties by unit name."""
    cards = list(db.session.scalars(
        db.select(Scorecard).where(Scorecard.review_id == review.id)
        .options(selectinload(Scorecard.points),
                 selectinload(Scorecard.registration).selectinload(Registration.initiative),
                 selectinload(Scorecard.registration).selectinload(Registration.unit))))
    by_registration: dict[int, list[Scorecard]] = defaultdict(list)
    for card in cards:
        by_registration[card.registration_id].append(card)
    found = []
    for group in by_registration.values():
        saved = [c for c in group if c.scored_at is not None]
        sums: dict[int, int] = defaultdict(int)
        for card in saved:
            for p in card.points:
                sums[p.criterion_id] += p.points
        found.append(Result(group[0].registration, len(saved), len(group), sum(c.total for c in saved),
                            {k: v / len(saved) for k, v in sums.items()},
                            comments=tuple(c.comment for c in saved if c.comment)))
    found.sort(key=lambda r: (r.mean is None, -(r.mean or 0), vn_sort_key(r.registration.unit.name)))
    for rank, result in enumerate(found, 1):
        result.rank = rank
    return found


def visible_results(review: Review) -> list[Result]:
    """The ranked results, or none while the review is open to an account that may not see them."""
    return results(review) if can_read_results(current_user, review) else []


def saved_scorecards(review: Review) -> list[Scorecard]:
    """Every saved scorecard of a review, by evaluator (the workbook's second sheet)."""
    return list(db.session.scalars(
        db.select(Scorecard).where(Scorecard.review_id == review.id, Scorecard.scored_at.is_not(None))
        .options(selectinload(Scorecard.points), selectinload(Scorecard.evaluator).selectinload(Evaluator.user),
                 selectinload(Scorecard.registration).selectinload(Registration.initiative),
                 selectinload(Scorecard.registration).selectinload(Registration.unit))
        .order_by(Scorecard.evaluator_id, Scorecard.id)))
