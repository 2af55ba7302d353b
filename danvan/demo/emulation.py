"""The 2021 thi đua of plan 382 as sample data (dữ liệu mẫu): registrations in July, the annual review
scored by three boards in late November, closed, proposed and approved, so a newcomer sees the whole year.
"""

from __future__ import annotations

import random
from datetime import date

from danvan import clock
from danvan.emulation.forms import DEFAULT_CRITERIA
from danvan.emulation.queries import registration_candidates, results
from danvan.extensions import db
from danvan.orm import (
    Award,
    Commendation,
    CommendationKind,
    Evaluator,
    PeriodKind,
    Plan,
    Recognition,
    Registration,
    Review,
    ReviewCriterion,
    ReviewStatus,
    Scorecard,
    ScorePoint,
    Unit,
    User,
)

SAMPLE = "dữ liệu mẫu"
REVIEW_TITLE = "Tổng kết phong trào thi đua “Dân vận khéo” năm 2021"
REGISTERING = ["tptravinh", "txduyenhai", "canglong", "cauke", "tieucan", "chauthanh", "caungang", "tracu",
               "duyenhai", "dhtravinh", "chidoancq"]
# Who is responsible in each unit (sample names) and how well its year went (0–1, drives the scores).
PEOPLE = {
    "tptravinh": ("Nguyễn Thị Thu Hà", "Phó Bí thư Thành đoàn", 0.78),
    "txduyenhai": ("Lê Văn Phúc", "Phó Bí thư Thị đoàn", 0.66),
    "canglong": ("Trần Minh Tâm", "Phó Bí thư Huyện đoàn", 0.9),
    "cauke": ("Thạch Thị Sa Rát", "Ủy viên Ban Thường vụ Huyện đoàn", 0.6),
    "tieucan": ("Phạm Quốc Khánh", "Phó Bí thư Huyện đoàn", 0.7),
    "chauthanh": ("Kim Thị Bích Ngọc", "Phó Bí thư Huyện đoàn", 0.64),
    "caungang": ("Huỳnh Văn Lợi", "Phó Bí thư Huyện đoàn", 0.72),
    "tracu": ("Sơn Thị Ánh Tuyết", "Phó Bí thư Huyện đoàn", 0.86),
    "duyenhai": ("Võ Thanh Tùng", "Phó Bí thư Huyện đoàn", 0.68),
    "dhtravinh": ("Đặng Hoàng Nam", "Phó Bí thư Đoàn trường", 0.74),
    "chidoancq": ("Ngô Thị Kiều", "Bí thư Chi đoàn", 0.8),
}
EVALUATING = ["tckt", "tuyengiao", "phongtrao"]
COMMENTS = ["Cách làm sáng tạo, có minh chứng rõ ràng.", "Cần bổ sung hình ảnh bàn giao.",
            "Huy động được nhiều nguồn lực xã hội.", ""]


def load() -> None:
    """Register, review, score, recognise and approve the 2021 year of plan 382, once."""
    plan = db.session.scalar(db.select(Plan).where(Plan.code == "382-KH/TĐTN-TCKT"))
    if plan is None or db.session.scalar(db.select(Review.id).where(Review.plan_id == plan.id)):
        return
    users = {u.username: u for u in db.session.scalars(db.select(User).where(
        User.username.in_(REGISTERING + EVALUATING)))}
    units = {key: user.unit for key, user in users.items()}
    with clock.pinned(date(2021, 7, 5)):
        registrations = _register(plan, units, users)
    with clock.pinned(date(2021, 11, 22)):
        review = Review(plan_id=plan.id, kind=PeriodKind.ANNUAL, title=REVIEW_TITLE,
                        scores_due_on=date(2021, 11, 30), opened_by_id=users["tckt"].id)
        review.criteria = [ReviewCriterion(position=n, name=name, weight=weight, guidance=guidance)
                           for n, (name, weight, guidance) in enumerate(DEFAULT_CRITERIA)]
        review.evaluators = [Evaluator(unit_id=units[key].id) for key in EVALUATING]
        db.session.add(review)
        db.session.flush()
    _score(review, registrations, units, users)
    with clock.pinned(date(2021, 12, 1)):
        review.status, review.closed_at = ReviewStatus.CLOSED, clock.utcnow()
    db.session.flush()
    _awards(review, users)


def _register(plan: Plan, units: dict[str, Unit], users: dict[str, User]) -> list[Registration]:
    found = []
    for key in REGISTERING:
        name, position, _quality = PEOPLE[key]
        for initiative in registration_candidates(units[key], plan):
            registration = Registration(plan_id=plan.id, initiative_id=initiative.id, unit_id=units[key].id,
                                        responsible_name=name, responsible_position=position, note=SAMPLE,
                                        registered_by_id=users[key].id)
            db.session.add(registration)
            found.append(registration)
    db.session.flush()
    return found


def _score(review: Review, registrations: list[Registration], units: dict[str, Unit],
           users: dict[str, User]) -> None:
    """Each board scores every registration not its own, on a working day before the due date."""
    quality = {units[key].id: PEOPLE[key][2] for key in REGISTERING}
    rnd = random.Random(2021)
    for evaluator, key in zip(review.evaluators, EVALUATING, strict=True):
        for n, registration in enumerate(registrations):
            if registration.unit_id == evaluator.unit_id:
                continue
            day = date(2021, 11, 23 + (n + len(key)) % 5)  # 23–27/11/2021, Tuesday to Saturday
            with clock.pinned(day):
                card = Scorecard(review_id=review.id, evaluator_id=evaluator.id, registration_id=registration.id,
                                 comment=rnd.choice(COMMENTS), scored_at=clock.utcnow(), scored_by_id=users[key].id)
            level = quality[registration.unit_id]
            card.points = [ScorePoint(criterion_id=c.id, points=max(0, min(c.weight, round(
                c.weight * (level + rnd.uniform(-0.12, 0.08)))))) for c in review.criteria]
            db.session.add(card)
    db.session.flush()


def _awards(review: Review, users: dict[str, User]) -> None:
    """The best mô hình of three units recognised; two units and two people proposed; approved 02/12/2021."""
    leaders, seen = [], set()
    for r in results(review):  # each unit's best-ranked mô hình, best first
        if r.registration.unit_id not in seen:
            seen.add(r.registration.unit_id)
            leaders.append(r)
    review.recognitions = [Recognition(registration_id=r.registration.id, position=n,
                                       reason=f"Xếp hạng {r.rank} ({SAMPLE})") for n, r in enumerate(leaders[:3])]
    with clock.pinned(date(2021, 12, 2)):
        for r in leaders[:2]:
            registration = r.registration
            db.session.add(Commendation(
                review_id=review.id, kind=CommendationKind.COLLECTIVE, award=Award.CERTIFICATE_OF_MERIT,
                unit_id=registration.unit_id,
                achievement=f"Có mô hình “Dân vận khéo” tiêu biểu năm 2021 ({SAMPLE}).",
                created_by_id=users["tckt"].id))
            db.session.add(Commendation(
                review_id=review.id, kind=CommendationKind.INDIVIDUAL, award=Award.LETTER_OF_PRAISE,
                unit_id=registration.unit_id, person_name=registration.responsible_name,
                person_position=registration.responsible_position,
                achievement=f"Phụ trách mô hình “{registration.initiative.title}” ({SAMPLE}).",
                created_by_id=users["tckt"].id))
        review.status, review.proposal_number, review.proposal_issued_on = (
            ReviewStatus.APPROVED, "52", date(2021, 12, 2))
        review.proposal_signer_title, review.proposal_signer_name = "TRƯỞNG BAN", "Lâm Thị Mỹ Linh"
        review.approved_at = clock.utcnow()
        review.approved_by_id = db.session.scalar(db.select(User.id).where(User.username == "btv"))
        db.session.flush()  # stamped now, on the pinned day
