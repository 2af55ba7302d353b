"""Thi đua: units register their mô hình, the organisation board reviews them with criteria and
evaluators, and the standing committee approves the recognised models and the commendations.

A registration (a unit carrying out one mô hình in one year) is what gets scored, recognised and
replicated: for a province mô hình shared by nine districts, each district's part is its own.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from danvan.extensions import db
from danvan.orm.org import Unit, User
from danvan.orm.plan import Initiative, Plan
from danvan.orm.report import PeriodKind
from danvan.orm.util import enum_type, utcnow


class Registration(db.Model):
    """A unit's đăng ký: it will carry out this mô hình this year, with a responsible person."""

    __table_args__ = (UniqueConstraint("initiative_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The province plan of the year: a unit's own mô hình sits in its own plan based on it.
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    initiative_id: Mapped[int] = mapped_column(ForeignKey("initiative.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    responsible_name: Mapped[str] = mapped_column(String(120))
    responsible_position: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Withdrawn, never deleted: a review may already have scored it.
    withdrawn_at: Mapped[datetime | None]

    plan: Mapped[Plan] = relationship()
    initiative: Mapped[Initiative] = relationship()
    unit: Mapped[Unit] = relationship()


class ReviewStatus(enum.StrEnum):
    """A review runs open (evaluators score) → closed (results shown) → proposed → approved."""

    OPEN = "open"
    CLOSED = "closed"
    PROPOSED = "proposed"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return REVIEW_STATUS_LABELS[self]


REVIEW_STATUS_LABELS = {
    ReviewStatus.OPEN: "Đang chấm điểm",
    ReviewStatus.CLOSED: "Đã khóa điểm",
    ReviewStatus.PROPOSED: "Chờ Ban Thường vụ duyệt",
    ReviewStatus.APPROVED: "Đã duyệt khen thưởng",
}


class Review(db.Model):
    """A sơ kết or tổng kết of the movement: criteria, evaluators, scorecards, then the awards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind))
    title: Mapped[str] = mapped_column(String(200))
    # The day evaluators should have scored by (shown to them; closing is the board's act).
    scores_due_on: Mapped[date]
    status: Mapped[ReviewStatus] = mapped_column(enum_type(ReviewStatus), default=ReviewStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # The Tờ trình's number and date of issue: the board's choice, as for the compiled report.
    proposal_number: Mapped[str] = mapped_column(String(20), default="")
    proposal_issued_on: Mapped[date | None]
    # Who signs the Tờ trình for the organisation board (its head or deputy), as the board types it.
    proposal_signer_title: Mapped[str] = mapped_column(String(120), default="")
    proposal_signer_name: Mapped[str] = mapped_column(String(120), default="")
    # Travels in the workflow forms: a step taken from an older page is refused, not applied twice.
    version: Mapped[int] = mapped_column(default=1)

    plan: Mapped[Plan] = relationship()
    criteria: Mapped[list[ReviewCriterion]] = relationship(order_by="ReviewCriterion.position",
                                                           back_populates="review")
    evaluators: Mapped[list[Evaluator]] = relationship(order_by="Evaluator.id", back_populates="review")
    recognitions: Mapped[list[Recognition]] = relationship(order_by="Recognition.position",
                                                           back_populates="review")
    commendations: Mapped[list[Commendation]] = relationship(order_by="Commendation.id",
                                                             back_populates="review")

    @property
    def max_points(self) -> int:
        return sum(c.weight for c in self.criteria)


class ReviewCriterion(db.Model):
    """One tiêu chí: a name, the most points it gives (its weight) and how to judge it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]
    guidance: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="criteria")


class Evaluator(db.Model):
    """Who scores: a whole board (any of its logins) or one named login."""

    __table_args__ = (CheckConstraint("(unit_id IS NULL) <> (user_id IS NULL)", name="one_evaluator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    review: Mapped[Review] = relationship(back_populates="evaluators")
    unit: Mapped[Unit | None] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def unit_of(self) -> int:
        """The unit the evaluator belongs to: whose mô hình it may not score."""
        return self.unit_id if self.unit_id is not None else self.user.unit_id

    @property
    def name(self) -> str:
        if self.user is not None:
            return f"{self.user.display_name} ({self.user.unit.short_name})"
        return self.unit.name


class Scorecard(db.Model):
    """One evaluator's phiếu chấm for one registration: a score per criterion and a comment."""

    __table_args__ = (UniqueConstraint("evaluator_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    evaluator_id: Mapped[int] = mapped_column(ForeignKey("evaluator.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    # None until the evaluator saves it; it may be saved again while the review is open.
    scored_at: Mapped[datetime | None]
    scored_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    review: Mapped[Review] = relationship()
    evaluator: Mapped[Evaluator] = relationship()
    registration: Mapped[Registration] = relationship()
    points: Mapped[list[ScorePoint]] = relationship(cascade="all, delete-orphan")

    @property
    def total(self) -> int:
        return sum(p.points for p in self.points)


class ScorePoint(db.Model):
    """The points one scorecard gives on one criterion (0 to the criterion's weight)."""

    scorecard_id: Mapped[int] = mapped_column(ForeignKey("scorecard.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("review_criterion.id"), primary_key=True)
    points: Mapped[int]


class Recognition(db.Model):
    """A mô hình tiêu biểu the board proposes from a review; it counts once the review is approved."""

    __table_args__ = (UniqueConstraint("review_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="recognitions")
    registration: Mapped[Registration] = relationship()


class CommendationKind(enum.StrEnum):
    COLLECTIVE = "collective"
    INDIVIDUAL = "individual"


class Award(enum.StrEnum):
    """What is proposed: the province union's Bằng khen or its Giấy khen."""

    CERTIFICATE_OF_MERIT = "bang_khen"
    LETTER_OF_PRAISE = "giay_khen"

    @property
    def label(self) -> str:
        return AWARD_LABELS[self]


AWARD_LABELS = {
    Award.CERTIFICATE_OF_MERIT: "Bằng khen của Ban Chấp hành Tỉnh đoàn",
    Award.LETTER_OF_PRAISE: "Giấy khen của Ban Thường vụ Tỉnh đoàn",
}


class Commendation(db.Model):
    """A proposed commendation: a collective (a unit) or an individual (name, position, unit)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    kind: Mapped[CommendationKind] = mapped_column(enum_type(CommendationKind))
    award: Mapped[Award] = mapped_column(enum_type(Award))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    person_name: Mapped[str] = mapped_column(String(120), default="")
    person_position: Mapped[str] = mapped_column(String(160), default="")
    achievement: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None]

    review: Mapped[Review] = relationship(back_populates="commendations")
    unit: Mapped[Unit] = relationship()


def approved_recognitions(*, plan_id: int | None = None, initiative_ids: list[int] | None = None,
                          exclude_unit: int | None = None) -> list[Recognition]:
    """Recognised mô hình of approved reviews (the badges), newest year first."""
    query = (db.select(Recognition).join(Recognition.review).join(Recognition.registration)
             .where(Review.status == ReviewStatus.APPROVED)
             .options(selectinload(Recognition.registration).selectinload(Registration.initiative),
                      selectinload(Recognition.registration).selectinload(Registration.unit),
                      selectinload(Recognition.review).selectinload(Review.plan))
             .order_by(Review.id.desc(), Recognition.position))
    if plan_id is not None:
        query = query.where(Review.plan_id == plan_id)
    if initiative_ids is not None:
        query = query.where(Registration.initiative_id.in_(initiative_ids))
    if exclude_unit is not None:
        query = query.where(Registration.unit_id != exclude_unit)
    return list(db.session.scalars(query))
