"""Loading plans, shared by the plan views."""

from __future__ import annotations

from sqlalchemy.orm import selectinload

from danvan.extensions import db
from danvan.orm import Initiative, Plan


def get_plan(plan_id: int) -> Plan:
    """Return a plan with everything its document shows, or 404; every login may read plans."""
    return db.first_or_404(
        db.select(Plan)
        .where(Plan.id == plan_id)
        .options(
            selectinload(Plan.purposes),
            selectinload(Plan.contents),
            selectinload(Plan.recipients),
            selectinload(Plan.initiatives).selectinload(Initiative.targets),
            selectinload(Plan.assignments),
        )
    )
