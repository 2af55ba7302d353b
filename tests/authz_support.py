"""Shared plumbing of the authorization, purity and bad-input tests (TRUST.md R15–R28).

One app per test module on its own copy of the demo database, every actor logged in once,
a cheap "did anything change?" check, and a restore of the database after an allowed write.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text

from danvan.extensions import db
from tests.conftest import PASSWORD, make_app
from tests.engines import ENGINE

ANON, DISABLED = "anonymous", "disabled"
LOGINS = ("admin", "btv", "tckt", "phongtrao", "canglong", "cauke", "dhtravinh", "danvantu")
ACTORS = (ANON, *LOGINS, DISABLED)


@dataclass
class World:
    """An app on a private database with logged-in actors and the demo objects of district A."""

    app: object
    url: str
    pristine: str
    cookies: dict[str, str]
    ids: dict[str, int]
    pristine_hash: tuple = ()
    _commits: object = field(repr=False, default=None)
    _version: int = 0
    restores: int = 0

    # --- requests ---------------------------------------------------------------------
    def client(self, actor: str):
        c = self.app.test_client()
        if actor in self.cookies:
            c.set_cookie("session", self.cookies[actor])
        return c

    def call(self, actor: str, method: str, url: str, data=None, headers=None):
        return self.client(actor).open(url, method=method, data=data, headers=headers)

    def scalar(self, sql: str, **params):
        """Read one value straight from the database, outside the app's session."""
        with self.app.app_context():
            with db.engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()

    def row(self, sql: str, **params) -> dict:
        with self.app.app_context():
            with db.engine.connect() as conn:
                found = conn.execute(text(sql), params).mappings().first()
                return dict(found) if found else {}

    # --- change detection ---------------------------------------------------------------
    def changed(self) -> bool:
        """Return True if anything committed to the database since the last mark.

        SQLite counts commits of other connections; PostgreSQL counts transaction ids taken
        (only a write takes one), and a rolled-back write is told apart by the content.
        """
        if self._commits() == self._version:
            return False
        return ENGINE.name == "sqlite" or self.snapshot() != self.pristine_hash

    def mark(self) -> None:
        self._version = self._commits()

    def snapshot(self) -> tuple[str, dict[str, int]]:
        return ENGINE.content(self.url)

    def restore(self) -> None:
        """Put the database back as it was after setup (logins included)."""
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        ENGINE.restore(self.url, self.pristine)
        self.restores += 1
        self.mark()

    def close(self) -> None:
        self._commits.close()
        with self.app.app_context():
            db.engine.dispose()
        ENGINE.drop(self.url)
        ENGINE.drop(self.pristine)


@cache
def small_jpeg() -> bytes:
    """A real photo to post to the upload endpoints (a 64×48 JPEG)."""
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 60)).save(out, "JPEG")
    return out.getvalue()


def outcome(response) -> str:
    """Classify a response: "allowed", "refused" (403/404, or sent to the login page), or odd."""
    status = response.status_code
    if status in (403, 404):
        return "refused"
    location = response.headers.get("Location") or response.headers.get("HX-Redirect")
    if location and urlsplit(location).path == "/login":
        return "refused"
    if status < 400:
        return "allowed"
    return f"status {status}"


def _login_cookie(app, username: str) -> str:
    c = app.test_client()
    response = c.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"login as {username} failed"
    return c.get_cookie("session").value


def _prepare_objects(world_ids: dict[str, int]) -> None:
    """Give district A (Càng Long) a saved draft, a submitted report and a compiled period."""
    from danvan.orm import (
        ChecklistItem,
        Evidence,
        House,
        Initiative,
        Measure,
        Plan,
        ProgressEntry,
        Road,
        Target,
        Task,
        Unit,
        User,
    )
    from danvan.orm.report import (
        CompiledReport,
        PeriodKind,
        Report,
        ReportingPeriod,
        ReportStatus,
    )
    from danvan.reports.compile import compile_period
    from tests.factories import make_user, unit_by_name, user_by_name

    a = unit_by_name("Huyện đoàn Càng Long")
    b = unit_by_name("Huyện đoàn Cầu Kè")
    tckt = user_by_name("tckt")
    canglong = user_by_name("canglong")
    first = db.session.scalar
    province_plan = first(db.select(Plan).where(Plan.parent_plan_id.is_(None)).order_by(Plan.id))
    own_plan = first(db.select(Plan).where(Plan.owner_unit_id == a.id, Plan.parent_plan_id.is_not(None)))
    task = first(db.select(Task).where(Task.unit_id == a.id).order_by(Task.id))
    item = first(db.select(ChecklistItem).where(ChecklistItem.task_id == task.id,
                                                ChecklistItem.removed_at.is_(None)).order_by(ChecklistItem.id))
    house = first(db.select(House).where(House.unit_id == a.id).order_by(House.id))
    road = first(db.select(Road).where(Road.unit_id == a.id).order_by(Road.id))
    evidence = first(db.select(Evidence).where(Evidence.unit_id == a.id).order_by(Evidence.id))  # a demo photo
    own_initiative = first(db.select(Initiative).where(Initiative.plan_id == own_plan.id).order_by(Initiative.id))
    own_target = first(db.select(Target).where(Target.initiative_id == own_initiative.id).order_by(Target.id))
    entry = first(db.select(ProgressEntry).where(ProgressEntry.unit_id == a.id,
                                                 ProgressEntry.corrects_id.is_(None)).order_by(ProgressEntry.id))
    house_initiative = first(db.select(Initiative).join(Target).where(
        Initiative.plan_id == province_plan.id, Target.measure == Measure.HOUSE))
    road_initiative = first(db.select(Initiative).join(Target).where(
        Initiative.plan_id == province_plan.id, Target.measure == Measure.ROAD))
    period = first(db.select(ReportingPeriod).where(ReportingPeriod.plan_id == province_plan.id))

    # A's report of the demo period becomes a saved draft with words only A, TCKT, BTV may read.
    draft = first(db.select(Report).where(Report.period_id == period.id, Report.unit_id == a.id))
    draft.status = ReportStatus.DRAFT
    draft.economy = "Bản nháp riêng của Càng Long"
    draft.version = 2
    # A second period where A has submitted (so the board can review it) and B has a draft.
    second = ReportingPeriod(plan=province_plan, name="Sơ kết 6 tháng đầu năm 2021",
                             kind=PeriodKind.HALF_YEAR, starts_on=date(2021, 1, 1),
                             cut_off_on=date(2021, 6, 15), due_on=date(2021, 6, 30),
                             owing_units=[a, b], created_by_id=tckt.id)
    db.session.add(second)
    submitted = Report(period=second, unit=a, status=ReportStatus.SUBMITTED, version=3,
                       economy="Kết quả đã nộp của Càng Long", snapshot="{}")
    b_draft = Report(period=second, unit=b, status=ReportStatus.DRAFT, version=2,
                     economy="Bản nháp riêng của Cầu Kè")
    db.session.add_all([submitted, b_draft])
    db.session.flush()
    compile_period(tckt, period, regenerate_text=True)
    compiled = first(db.select(CompiledReport).where(CompiledReport.period_id == period.id))

    # Lines of A's own (draft) plan, for the plan editor's per-line endpoints.
    from danvan.orm import Assignment, PlanPurpose, Recipient

    purpose = PlanPurpose(plan_id=own_plan.id, position=0, text="Mục đích của Càng Long")
    recipient = Recipient(plan_id=own_plan.id, position=0, text="Các cơ sở đoàn;")
    assignment = Assignment(plan_id=own_plan.id, section="Cấp huyện", position=0, text="Giao việc",
                            short_title="Giao việc", unit_id=a.id)
    db.session.add_all([purpose, recipient, assignment])
    # A reminder the organisation board sent to A.
    from danvan.orm import Reminder

    reminder = Reminder(sender_user_id=tckt.id, sender_unit_id=tckt.unit_id, unit_id=a.id,
                        text="Đề nghị nộp báo cáo", report_id=draft.id)
    db.session.add(reminder)
    db.session.flush()
    # A disabled login of district A: logged in first, then disabled (see make_world).
    make_user("khoa", a, password=PASSWORD)
    db.session.commit()
    world_ids.update(
        unit_a=a.id, unit_b=b.id, plan=province_plan.id, own_plan=own_plan.id, task=task.id, item=item.id,
        house=house.id, house_version=house.version, road=road.id, road_version=road.version,
        initiative=own_initiative.id, target=own_target.id, entry=entry.id,
        house_initiative=house_initiative.id, road_initiative=road_initiative.id,
        period=period.id, draft=draft.id, draft_version=draft.version, submitted=submitted.id,
        b_draft=b_draft.id, period2=second.id, compiled=compiled.id, compiled_version=compiled.version,
        user_a=canglong.id, reminder=reminder.id, purpose=purpose.id, recipient=recipient.id, assignment=assignment.id,
        evidence=evidence.id,
    )
    assert db.session.get(Unit, a.id) and db.session.get(User, canglong.id)


def _prepare_emulation(world_ids: dict[str, int]) -> None:
    """Three more reviews of the year, one in each step before approval (the demo's is approved):
    open, with Ban Phong trào scoring A's registration; closed, with a commendation; proposed."""
    from danvan.orm import (
        Award,
        Commendation,
        CommendationKind,
        Evaluator,
        PeriodKind,
        Registration,
        Review,
        ReviewCriterion,
        ReviewStatus,
        Scorecard,
    )
    from tests.factories import unit_by_name, user_by_name

    first = db.session.scalar
    a = unit_by_name("Huyện đoàn Càng Long")
    approved = first(db.select(Review).where(Review.status == ReviewStatus.APPROVED))
    registration = first(db.select(Registration).where(Registration.unit_id == a.id).order_by(Registration.id))
    phongtrao = user_by_name("phongtrao").unit_id
    reviews = {}
    for status in (ReviewStatus.OPEN, ReviewStatus.CLOSED, ReviewStatus.PROPOSED):
        review = Review(plan_id=approved.plan_id, kind=PeriodKind.HALF_YEAR, title=f"Đợt {status.value}",
                        scores_due_on=date(2021, 12, 10), status=status,
                        criteria=[ReviewCriterion(position=0, name="Kết quả", weight=100)],
                        evaluators=[Evaluator(unit_id=phongtrao)])
        db.session.add(review)
        reviews[status] = review
    db.session.flush()
    card, closed_card = (Scorecard(review_id=reviews[s].id, evaluator_id=reviews[s].evaluators[0].id,
                                   registration_id=registration.id) for s in (ReviewStatus.OPEN, ReviewStatus.CLOSED))
    for status in (ReviewStatus.CLOSED, ReviewStatus.PROPOSED):
        db.session.add(Commendation(review_id=reviews[status].id, kind=CommendationKind.COLLECTIVE,
                                    award=Award.LETTER_OF_PRAISE, unit_id=a.id, achievement="Ma trận"))
    db.session.add_all([card, closed_card])
    db.session.flush()
    commendation = first(db.select(Commendation.id).where(Commendation.review_id == reviews[ReviewStatus.CLOSED].id))
    db.session.commit()
    world_ids.update(
        review_approved=approved.id, review_open=reviews[ReviewStatus.OPEN].id,
        review_closed=reviews[ReviewStatus.CLOSED].id, review_proposed=reviews[ReviewStatus.PROPOSED].id,
        scorecard=card.id, criterion=reviews[ReviewStatus.OPEN].criteria[0].id, registration=registration.id,
        commendation=commendation, evaluator_board=phongtrao,
    )


def make_world(tmp_path_factory, seeded_db: str, **config) -> World:
    """Clone the seeded demo database, add A's objects, log every actor in, keep a pristine copy.

    On SQLite the copy lives in /dev/shm when there is one: the app asks for synchronous=FULL,
    and a few hundred fsyncs on a busy disk would dominate the run time.
    """
    shm = Path("/dev/shm")
    tmp_dir = Path(tempfile.mkdtemp(prefix="danvan-authz-", dir=shm if shm.is_dir() else tmp_path_factory.getbasetemp()))
    url = ENGINE.clone(seeded_db, tmp_dir / "world")
    app = make_app(url, LIVE_STREAM_SECONDS=0, LIVE_POLL_SECONDS=0, LIVE_KEEPALIVE_SECONDS=0, **config)
    ids: dict[str, int] = {}
    with app.app_context():
        _prepare_objects(ids)
        _prepare_emulation(ids)
    cookies = {name: _login_cookie(app, name) for name in LOGINS}
    cookies[DISABLED] = _login_cookie(app, "khoa")
    with app.app_context():
        from danvan.orm import User

        db.session.execute(db.update(User).where(User.username == "khoa").values(active=False))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    pristine = ENGINE.clone(url, tmp_dir / "pristine")
    world = World(app=app, url=url, pristine=pristine, cookies=cookies, ids=ids,
                  pristine_hash=ENGINE.content(pristine), _commits=ENGINE.commit_counter(url))
    world.mark()
    return world
