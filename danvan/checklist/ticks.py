"""A tick: one conditional UPDATE, so two taps, two tabs or two servers never record it twice."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from danvan.checklist.events import announce
from danvan.extensions import db
from danvan.orm import ChecklistItem, User, record_change, utcnow


def set_done(item: ChecklistItem, want: bool, user: User) -> bool:
    """Set the item done (or not) if it still is the other way and not removed; return whether it changed.

    Run inside the write transaction. The WHERE clause re-reads what the page was loaded with,
    so a tap that lost a race to another one changes nothing and records nothing.
    """
    now = utcnow()
    values = {"done_at": now if want else None, "done_by_id": user.id if want else None,
              "ticked_at": now, "ticked_by_id": user.id}
    still = ChecklistItem.done_at.is_(None) if want else ChecklistItem.done_at.is_not(None)
    changed = db.session.execute(
        update(ChecklistItem)
        .where(ChecklistItem.id == item.id, ChecklistItem.removed_at.is_(None), still)
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if changed:
        for name, value in values.items():
            set_committed_value(item, name, value)
        set_committed_value(item, "ticked_by", user)
        record_change(user, "tick" if want else "untick", "checklist_item", item.id, task_id=item.task_id)
        announce(item.task, user, "item", item.id)
    else:  # another tap won: show the item as it now is
        db.session.refresh(item, ["done_at", "done_by_id", "ticked_at", "ticked_by_id", "ticked_by", "removed_at"])
    return changed
