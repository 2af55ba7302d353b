"""Every SQLAlchemy class of the app, one module per capability.

The mô hình class is `Initiative` (never "Model") so it cannot be confused with ORM models.
"""

from danvan.orm.cascade import Acknowledgement
from danvan.orm.checklist import ChecklistItem, LiveEvent, TaskComment
from danvan.orm.org import LoginFailure, LoginSession, Unit, UnitKind, User
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
    EventKind,
    PeriodKind,
    Report,
    ReportEvent,
    ReportingPeriod,
    ReportLine,
    ReportStatus,
)
from danvan.orm.progress import Allocation, House, ProgressEntry, Road, WorkStatus
from danvan.orm.trace import Change, record_change
from danvan.orm.util import utcnow

__all__ = [
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
    "Assignment",
    "Change",
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
    "utcnow",
]
