"""What the plan's document page shows beside the document: its workflow steps and quán triệt."""

from __future__ import annotations

import json

from flask_login import current_user

from danvan import clock
from danvan.access import can_acknowledge, plan_steps
from danvan.extensions import db
from danvan.orm import Acknowledgement, Plan
from danvan.plan.drafts import LOCKED
from danvan.plan.forms import AcknowledgeForm
from danvan.plan.queries import TRANSITIONS, history, next_year_plan, receiving_unit_ids

DOCUMENT = "plan/document.html"
RETURN_NOTE_LIMIT = 1000


def own_acknowledgement(plan: Plan) -> Acknowledgement | None:
    """Return the logged-in unit's quán triệt of the plan, if it has recorded one."""
    return db.session.scalar(db.select(Acknowledgement).where(
        Acknowledgement.plan_id == plan.id, Acknowledgement.unit_id == current_user.unit_id))


def acknowledgement_context(plan: Plan, form: AcknowledgeForm | None = None) -> dict:
    """Return what the page needs to show and take the unit's quán triệt (the form, when it may)."""
    allowed = can_acknowledge(current_user, plan, receiving_unit_ids(plan))
    ack = own_acknowledgement(plan)
    if allowed and form is None:
        form = AcknowledgeForm(formdata=None, obj=ack)
        if ack is None:
            form.briefed_on.data = clock.today()
    return {"ack": ack, "ack_form": form if allowed else None, "can_acknowledge": allowed}


def actions_context(plan: Plan, message: str = "", error: str = "") -> dict:
    """Return what the action block needs: the steps the account may take, the history, next year's plan."""
    steps = plan_steps(current_user, plan)
    return {
        "plan": plan,
        "may": steps,
        "next_plan": next_year_plan(plan) if steps["copy_next"] else None,
        "history": [(c, json.loads(c.detail or "{}").get("note", "")) for c in history(plan)],
        "transitions": TRANSITIONS,
        "locked_note": LOCKED.get(plan.status),
        "action_message": message,
        "action_error": error,
        "return_limit": RETURN_NOTE_LIMIT,
    }


def document_context(plan: Plan, message: str = "", error: str = "", ack_form=None) -> dict:
    """Return the whole document page's context."""
    return acknowledgement_context(plan, ack_form) | actions_context(plan, message, error)
