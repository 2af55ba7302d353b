"""Roll-ups of mô hình targets: unit → initiative → field → plan, in a fixed number of queries.

The one rule of where a target's progress comes from lives here (`source_of`):
  - a HOUSE target counts the handed-over charity houses of its initiative;
  - the MONEY target of an initiative that has a HOUSE target sums funds_mobilised of its
    handed-over houses (see `house_counted`);
  - a ROAD target counts the completed youth roads of its initiative;
  - every other target sums ProgressEntry rows (net of corrections).
Nobody types a total that a list already knows. A period (start..end) bounds every source the
same way: an entry by its date, a house by its hand-over date, a road by its completion date.
The mô hình pages (`totals_for`, `plan_rollup`, `unit_progress`) and the reports' pre-filled
numbers (`period_rollup`) all read progress through `load_facts`: one rule, one place.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func

from danvan.extensions import db
from danvan.orm import (
    Allocation,
    Field,
    House,
    Initiative,
    Measure,
    Plan,
    ProgressEntry,
    Road,
    Target,
    Unit,
    WorkStatus,
)


class Source(enum.StrEnum):
    ENTRIES = "entries"
    HOUSES = "houses"
    HOUSE_FUNDS = "house_funds"
    ROADS = "roads"


def source_of(measure: Measure, initiative_measures: Iterable[Measure]) -> Source:
    """Return where a target of `measure` gets its progress, given its initiative's measures."""
    if measure == Measure.HOUSE:
        return Source.HOUSES
    if measure == Measure.ROAD:
        return Source.ROADS
    if measure == Measure.MONEY and Measure.HOUSE in set(initiative_measures):
        return Source.HOUSE_FUNDS
    return Source.ENTRIES


def target_source(target: Target) -> Source:
    """Return the progress source of a loaded target (its initiative's targets must be loaded)."""
    return source_of(target.measure, [t.measure for t in target.initiative.targets])


@dataclass
class UnitLine:
    """One unit's share of a target and what it achieved."""

    unit: Unit
    share: int | None
    actual: int

    @property
    def percent(self) -> int | None:
        return percent(self.actual, self.share) if self.share else None


@dataclass
class TargetTotal:
    """A target with its progress: the total, what was allocated, and the line of each unit."""

    target: Target
    source: Source
    actual: int
    allocated: int
    units: list[UnitLine] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return percent(self.actual, self.target.amount)

    @property
    def gap(self) -> int:
        """Target minus what was allocated: positive means some of it is not shared out."""
        return self.target.amount - self.allocated

    @property
    def from_list(self) -> bool:
        return self.source != Source.ENTRIES

    @property
    def chart_max(self) -> int:
        """The largest share or result of a unit: the scale of the breakdown chart."""
        return max([1] + [ln.share or 0 for ln in self.units] + [ln.actual for ln in self.units])


@dataclass
class FieldRollup:
    field: Field
    initiatives: list[tuple[Initiative, list[TargetTotal]]]

    @property
    def sums(self) -> dict[Measure, tuple[int, int]]:
        return measure_sums(t for _i, totals in self.initiatives for t in totals)


@dataclass
class PlanRollup:
    plan: Plan
    fields: list[FieldRollup]

    @property
    def sums(self) -> dict[Measure, tuple[int, int]]:
        return measure_sums(t for f in self.fields for _i, totals in f.initiatives for t in totals)

    @property
    def initiative_count(self) -> int:
        return sum(len(f.initiatives) for f in self.fields)


def percent(actual: int, target: int) -> int:
    """Whole percent of actual over target, rounded half up (27,8 % → 28), not capped above.

    It says 100 only once the target is met: 99,6 % of it shows as 99. 0 when the target is 0.
    """
    if target <= 0:
        return 0
    rounded = (actual * 200 + target) // (2 * target)
    return min(rounded, 99) if actual < target else rounded


def measure_sums(totals: Iterable[TargetTotal]) -> dict[Measure, tuple[int, int]]:
    """Sum (target, actual) per measure; only like is added to like."""
    sums: dict[Measure, list[int]] = {}
    for total in totals:
        pair = sums.setdefault(total.target.measure, [0, 0])
        pair[0] += total.target.amount
        pair[1] += total.actual
    return {m: (a, b) for m, (a, b) in sums.items()}


@dataclass
class Facts:
    """Grouped rows, as the aggregate queries return them; `combine` turns them into totals."""

    allocations: dict[int, dict[int, int]]  # target id → unit id → share
    entries: dict[int, dict[int, int]]  # target id → unit id → net sum
    houses_done: dict[int, dict[int, int]]  # initiative id → unit id → handed-over houses
    house_funds: dict[int, dict[int, int]]  # initiative id → unit id → funds of handed-over houses
    roads_done: dict[int, dict[int, int]]  # initiative id → unit id → completed roads
    road_length: dict[int, dict[int, int]] = field(default_factory=dict)  # … → metres completed


def combine(targets: list[Target], facts: Facts, units: dict[int, Unit]) -> dict[int, TargetTotal]:
    """Build each target's total from grouped facts (pure: no query), keyed by target id."""
    by_initiative: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_initiative[target.initiative_id].append(target)
    result: dict[int, TargetTotal] = {}
    for target in targets:
        source = source_of(target.measure, [t.measure for t in by_initiative[target.initiative_id]])
        actual_by_unit = {
            Source.ENTRIES: facts.entries.get(target.id, {}),
            Source.HOUSES: facts.houses_done.get(target.initiative_id, {}),
            Source.HOUSE_FUNDS: facts.house_funds.get(target.initiative_id, {}),
            Source.ROADS: facts.roads_done.get(target.initiative_id, {}),
        }[source]
        shares = facts.allocations.get(target.id, {})
        unit_ids = sorted(set(shares) | {u for u, v in actual_by_unit.items() if v},
                          key=lambda u: (units[u].position, u) if u in units else (0, u))
        lines = [UnitLine(units[u], shares.get(u), actual_by_unit.get(u, 0)) for u in unit_ids if u in units]
        result[target.id] = TargetTotal(
            target=target, source=source, actual=sum(actual_by_unit.values()),
            allocated=sum(shares.values()), units=lines,
        )
    return result


def _nest(rows) -> dict[int, dict[int, int]]:
    nested: dict[int, dict[int, int]] = defaultdict(dict)
    for outer, inner, value in rows:
        nested[outer][inner] = int(value or 0)
    return nested


def house_counted(start: date | None = None, end: date | None = None):
    """Return the SQL condition under which a house counts: handed over (within start..end).

    Rule decision: a house's funds count together with the house itself, when it is handed over,
    never while it is being built. The plan's target is "90 căn, kinh phí khoảng 3,6 tỷ đồng" for
    houses built and given; a report for a period states the houses handed over in it and the money
    raised for them, and the periods add up to the year (counting a house still being built in every
    period's funds would count its money twice). The mô hình pages use the same rule, so a report
    for the whole year equals the mô hình page.
    """
    condition = House.status == WorkStatus.DONE
    if start is not None or end is not None:
        condition = condition & House.handed_over_on.between(start or date.min, end or date.max)
    return condition


def road_counted(start: date | None = None, end: date | None = None):
    """Return the SQL condition under which a youth road counts: completed (within start..end)."""
    condition = Road.status == WorkStatus.DONE
    if start is not None or end is not None:
        condition = condition & Road.completed_on.between(start or date.min, end or date.max)
    return condition


def load_facts(targets: list[Target], start: date | None = None, end: date | None = None,
               unit_ids: Iterable[int] | None = None) -> Facts:
    """Run the four aggregate queries (GROUP BY) for these targets, optionally for a period or units."""
    target_ids = [t.id for t in targets]
    initiative_ids = sorted({t.initiative_id for t in targets})
    if not target_ids:
        return Facts({}, {}, {}, {}, {}, {})

    alloc_q = db.select(Allocation.target_id, Allocation.unit_id, Allocation.amount).where(
        Allocation.target_id.in_(target_ids))
    entry_q = (db.select(ProgressEntry.target_id, ProgressEntry.unit_id, func.sum(ProgressEntry.amount))
               .where(ProgressEntry.target_id.in_(target_ids))
               .group_by(ProgressEntry.target_id, ProgressEntry.unit_id))
    if start is not None or end is not None:
        # A correction carries the date of the entry it corrects, so net sums stay in their period.
        entry_q = entry_q.where(ProgressEntry.recorded_on.between(start or date.min, end or date.max))
    house_done, road_done = house_counted(start, end), road_counted(start, end)
    house_q = (db.select(House.initiative_id, House.unit_id, func.sum(case((house_done, 1), else_=0)),
                         func.sum(case((house_done, House.funds_mobilised), else_=0)))
               .where(House.initiative_id.in_(initiative_ids))
               .group_by(House.initiative_id, House.unit_id))
    road_q = (db.select(Road.initiative_id, Road.unit_id, func.sum(case((road_done, 1), else_=0)),
                        func.sum(case((road_done, Road.length_m), else_=0)))
              .where(Road.initiative_id.in_(initiative_ids))
              .group_by(Road.initiative_id, Road.unit_id))
    if unit_ids is not None:
        ids = list(unit_ids)
        alloc_q = alloc_q.where(Allocation.unit_id.in_(ids))
        entry_q = entry_q.where(ProgressEntry.unit_id.in_(ids))
        house_q = house_q.where(House.unit_id.in_(ids))
        road_q = road_q.where(Road.unit_id.in_(ids))
    house_rows = db.session.execute(house_q).all()
    road_rows = db.session.execute(road_q).all()
    return Facts(
        allocations=_nest(db.session.execute(alloc_q).all()),
        entries=_nest(db.session.execute(entry_q).all()),
        houses_done=_nest((i, u, done) for i, u, done, _f in house_rows),
        house_funds=_nest((i, u, funds) for i, u, _d, funds in house_rows),
        roads_done=_nest((i, u, done) for i, u, done, _m in road_rows),
        road_length=_nest((i, u, metres) for i, u, _d, metres in road_rows),
    )


def _units_for(facts: Facts) -> dict[int, Unit]:
    ids: set[int] = set()
    for nested in (facts.allocations, facts.entries, facts.houses_done, facts.house_funds, facts.roads_done,
                   facts.road_length):
        for inner in nested.values():
            ids.update(inner)
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(db.select(Unit).where(Unit.id.in_(ids)))}


def totals_for(targets: list[Target], start: date | None = None,
               end: date | None = None) -> dict[int, TargetTotal]:
    """Return every target's total keyed by target id (optionally for a period): five queries."""
    facts = load_facts(targets, start, end)
    return combine(targets, facts, _units_for(facts))


@dataclass
class UnitWorks:
    """What one unit's lists say for a period: houses handed over (and their funds), roads done."""

    houses: int = 0
    funds: int = 0
    roads: int = 0
    length_m: int = 0


@dataclass
class PeriodRollup:
    """Totals of targets for a period with each unit's line, and each unit's houses and roads."""

    totals: dict[int, TargetTotal]
    works: dict[int, UnitWorks]

    def line(self, target_id: int, unit_id: int) -> UnitLine | None:
        """Return the unit's line of a target (None when it has neither share nor result)."""
        total = self.totals.get(target_id)
        return next((ln for ln in total.units if ln.unit.id == unit_id), None) if total else None

    def active_unit_ids(self) -> list[int]:
        """Return the units that achieved anything in the period, in no particular order."""
        ids = {ln.unit.id for t in self.totals.values() for ln in t.units if ln.actual}
        ids |= {u for u, w in self.works.items() if w.houses or w.roads}
        return sorted(ids)


def period_rollup(targets: list[Target], start: date | None, end: date | None,
                  unit_ids: Iterable[int] | None = None) -> PeriodRollup:
    """Return the period's totals of these targets (for these units only, if given): six queries."""
    facts = load_facts(targets, start, end, unit_ids)
    works: dict[int, UnitWorks] = defaultdict(UnitWorks)
    for nested, name in ((facts.houses_done, "houses"), (facts.house_funds, "funds"),
                         (facts.roads_done, "roads"), (facts.road_length, "length_m")):
        for per_unit in nested.values():
            for unit_id, value in per_unit.items():
                setattr(works[unit_id], name, getattr(works[unit_id], name) + value)
    return PeriodRollup(combine(targets, facts, _units_for(facts)), dict(works))


def initiative_totals(initiative: Initiative) -> list[TargetTotal]:
    """Return the totals of one initiative's targets, in the document's order."""
    totals = totals_for(list(initiative.targets))
    return [totals[t.id] for t in initiative.targets]


def plan_rollup(plan: Plan, initiatives: list[Initiative] | None = None) -> PlanRollup:
    """Return a plan's roll-up by field (the four fields in order), each initiative with its totals."""
    if initiatives is None:
        initiatives = list(db.session.scalars(
            db.select(Initiative).where(Initiative.plan_id == plan.id).order_by(Initiative.position)
            .options(db.selectinload(Initiative.targets), db.selectinload(Initiative.lead_unit))))
    totals = totals_for([t for i in initiatives for t in i.targets])
    fields = []
    for f in Field:
        rows = [(i, [totals[t.id] for t in i.targets]) for i in initiatives if i.field == f]
        fields.append(FieldRollup(f, rows))
    return PlanRollup(plan, fields)


@dataclass
class UnitProgress:
    """One target as seen by one unit: its share (None if none) and what it achieved."""

    target: Target
    initiative: Initiative
    share: int | None
    actual: int
    lead: bool
    source: Source = Source.ENTRIES

    @property
    def percent(self) -> int | None:
        return percent(self.actual, self.share) if self.share else None

    @property
    def from_list(self) -> bool:
        return self.source != Source.ENTRIES


def unit_progress(unit_id: int, start: date | None = None, end: date | None = None,
                  plan_ids: Iterable[int] | None = None) -> list[UnitProgress]:
    """Return what a unit achieved between start and end on every target it shares or leads.

    A house counts when handed over in the period, a road when completed in it, an entry on
    its date (a correction carries the date of the entry it corrects).
    """
    allocated = db.select(Allocation.target_id).where(Allocation.unit_id == unit_id)
    query = (db.select(Target).join(Target.initiative)
             .where((Initiative.lead_unit_id == unit_id) | Target.id.in_(allocated))
             .order_by(Initiative.plan_id, Initiative.position, Target.position)
             .options(db.selectinload(Target.initiative).selectinload(Initiative.targets)))
    if plan_ids is not None:
        query = query.where(Initiative.plan_id.in_(list(plan_ids)))
    targets = list(db.session.scalars(query))
    facts = load_facts(targets, start, end, unit_ids=[unit_id])
    unit = db.session.get(Unit, unit_id)
    totals = combine(targets, facts, {unit_id: unit} if unit else {})
    return [
        UnitProgress(t, t.initiative, facts.allocations.get(t.id, {}).get(unit_id),
                     totals[t.id].actual, t.initiative.lead_unit_id == unit_id, totals[t.id].source)
        for t in targets
    ]


def my_shares(unit: Unit) -> list[UnitProgress]:
    """Return the unit's shares (and the targets it leads) with progress, for its home page."""
    return unit_progress(unit.id)


def own_initiative_counts(plan: Plan) -> tuple[list[tuple[Unit, int]], dict[int, dict[Field, int]]]:
    """Count initiatives of unit plans based on `plan` per owner unit and field (one GROUP BY).

    Returns the units with their own plan's id, and unit id → field → count.
    """
    rows = db.session.execute(
        db.select(Plan.owner_unit_id, Plan.id, Initiative.field, func.count(Initiative.id))
        .join(Initiative, Initiative.plan_id == Plan.id)
        .where(Plan.parent_plan_id == plan.id)
        .group_by(Plan.owner_unit_id, Plan.id, Initiative.field)
    ).all()
    counts: dict[int, dict[Field, int]] = defaultdict(dict)
    plan_of: dict[int, int] = {}
    for unit_id, plan_id, f, n in rows:
        counts[unit_id][Field(f)] = counts[unit_id].get(Field(f), 0) + n
        plan_of[unit_id] = plan_id
    units = []
    if counts:
        units = [(u, plan_of[u.id]) for u in db.session.scalars(
            db.select(Unit).where(Unit.id.in_(list(counts))).order_by(Unit.position))]
    return units, counts
