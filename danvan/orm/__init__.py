"""Every SQLAlchemy class of the app, one module per capability.

The mô hình class is `Initiative` (never "Model") so it cannot be confused with ORM models.
"""

from danvan.orm.cascade import Acknowledgement
from danvan.orm.checklist import ChecklistItem, LiveEvent, TaskComment
from danvan.orm.inbox import KeptDraft, Reminder
from danvan.orm.org import (
    LOCAL_UNION_KINDS,
    LoginFailure,
    LoginSession,
    Unit,
    UnitKind,
    UnitSuccession,
    UnitVersion,
    User,
    change_unit,
    open_local_unions,
    period_start,
    show_units_as_on,
    show_units_of_year,
    successors_of,
)
from danvan.orm.plan import (
    Assignment,
    Field,
    Initiative,
    Measure,
    Plan,
    PlanContent,
    PlanPurpose,
    PlanStatus,
    Recipient,
    Target,
    Task,
    current_province_plan,
)
from danvan.orm.report import (
    CompiledReport,
    OPEN_STATES,
    EventKind,
    PeriodKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportLine,
    ReportStatus,
)
from danvan.orm.progress import Allocation, House, ProgressEntry, Road, WorkStatus
from danvan.orm.version import DataVersion
from danvan.orm.trace import Change, record_change
from danvan.orm.util import claim_version, lock_row, utcnow

__all__ = [
    "KeptDraft",
    "Reminder",
    "LOCAL_UNION_KINDS",
    "OPEN_STATES",
    "Acknowledgement",
    "CompiledReport",
    "EventKind",
    "PeriodKind",
    "Report",
    "ReportEvent",
    "ReportingPeriod",
    "ReportLine",
    "ReportStatus",
    "ChecklistItem",
    "LiveEvent",
    "TaskComment",
    "Allocation",
    "House",
    "ProgressEntry",
    "Road",
    "WorkStatus",
    "current_province_plan",
    "open_local_unions",
    "UnitSuccession",
    "UnitVersion",
    "change_unit",
    "period_start",
    "show_units_as_on",
    "show_units_of_year",
    "successors_of",
    "Assignment",
    "Change",
    "DataVersion",
    "Field",
    "Initiative",
    "LoginFailure",
    "LoginSession",
    "Measure",
    "Plan",
    "PlanContent",
    "PlanPurpose",
    "PlanStatus",
    "Recipient",
    "Target",
    "Task",
    "Unit",
    "UnitKind",
    "User",
    "record_change",
    "claim_version",
    "lock_row",
    "utcnow",
]
