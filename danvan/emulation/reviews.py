"""A review (sơ kết, tổng kết): opened with criteria and evaluators, scored, then closed.

Opening gives each evaluator a scorecard for every registration of the year except its own unit's,
so "an evaluator never scores its own unit" holds by construction and again when a card is saved.
"""

from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user

from danvan.access import (
    Access,
    access,
    can_run_reviews,
    can_score,
)
from danvan.emulation import bp
from danvan.emulation.forms import DEFAULT_CRITERIA, WEIGHT_MAX, OpenReviewForm, StepForm, scorecard_form
from danvan.emulation.page import refuse, review_context, seen_version
from danvan.emulation.queries import get_province_plan, get_review, get_scorecard, registrations_of
from danvan.evidence.queries import unit_photos
from danvan.extensions import db
from danvan.models import rollup
from danvan.models.queries import amount_text, default_day
from danvan.orm import (
    Evaluator,
    House,
    PeriodKind,
    Review,
    ReviewCriterion,
    ReviewStatus,
    Road,
    Scorecard,
    ScorePoint,
    Unit,
    UnitKind,
    User,
    WorkStatus,
    claim_version,
    record_change,
    utcnow,
)
from danvan.web import after_write, form_error, render_page

# Who can be an evaluating board: the boards and the standing committee of the province union.
EVALUATING_KINDS = (UnitKind.STANDING_COMMITTEE, UnitKind.BOARD, UnitKind.OFFICE_CELL)


def _evaluator_choices(form) -> None:
    form.evaluator_units.choices = [(u.id, u.name) for u in db.session.scalars(
        db.select(Unit).where(Unit.kind.in_(EVALUATING_KINDS), Unit.closed_on.is_(None)).order_by(Unit.position))]
    form.evaluator_users.choices = [(u.id, f"{u.display_name} – {u.unit.short_name}") for u in db.session.scalars(
        db.select(User).join(User.unit).where(User.active.is_(True), User.is_admin.is_(False),
                                              Unit.kind != UnitKind.OUTSIDE, Unit.closed_on.is_(None))
        .order_by(Unit.position, User.username))]


def _check_criteria(form) -> list[tuple[str, int, str]] | None:
    """The filled criteria rows; a half-filled row or none at all is an error beside it."""
    criteria, ok = [], True
    for name, weight, guidance in form.criteria():
        if not name.data and weight.data is None and not guidance.data:
            continue
        if not name.data:
            name.errors = list(name.errors) + ["Vui lòng nhập tên tiêu chí."]
            ok = False
        if not weight.data:
            weight.errors = list(weight.errors) + [f"Điểm tối đa từ 1 đến {WEIGHT_MAX}."]
            ok = False
        criteria.append((name.data, weight.data or 0, guidance.data))
    if ok and not criteria:
        form.c0_name.errors = list(form.c0_name.errors) + ["Cần ít nhất một tiêu chí chấm điểm."]
        ok = False
    return criteria if ok else None


@bp.route("/plans/<id:plan_id>/reviews/new", methods=["GET", "POST"])
@access(Access.WRITER)
def open_review(plan_id: int):
    """Show or save a new review of the year's registrations: the plan's standing unit and admin."""
    plan = get_province_plan(plan_id)
    if not can_run_reviews(current_user, plan):
        abort(403)
    form = OpenReviewForm() if request.method == "POST" else OpenReviewForm(formdata=None)
    _evaluator_choices(form)
    registrations = registrations_of(plan)
    if request.method == "GET":
        form.title.data = f"Tổng kết phong trào thi đua “Dân vận khéo” năm {plan.year}"
        form.kind.data = PeriodKind.ANNUAL.value
        form.scores_due_on.data = default_day(plan.year)
        for n, (name, weight, guidance) in enumerate(DEFAULT_CRITERIA):
            getattr(form, f"c{n}_name").data = name
            getattr(form, f"c{n}_weight").data = weight
            getattr(form, f"c{n}_guidance").data = guidance
    context = dict(plan=plan, form=form, registrations=registrations)
    if request.method == "POST":
        ok = form.validate()
        criteria = _check_criteria(form)
        if not form.evaluator_units.data and not form.evaluator_users.data:
            form.evaluator_units.errors = list(form.evaluator_units.errors) + [
                "Chọn ít nhất một ban hoặc một người chấm điểm."]
            ok = False
        if not registrations:
            form.title.errors = list(form.title.errors) + ["Chưa có đơn vị nào đăng ký mô hình để đánh giá."]
            ok = False
        if not ok or criteria is None:
            return form_error("emulation/open_review.html", "form", **context)
        review = Review(plan_id=plan.id, kind=PeriodKind(form.kind.data), title=form.title.data,
                        scores_due_on=form.scores_due_on.data, opened_by_id=current_user.id)
        review.criteria = [ReviewCriterion(position=n, name=name, weight=weight, guidance=guidance)
                           for n, (name, weight, guidance) in enumerate(criteria)]
        review.evaluators = ([Evaluator(unit_id=i) for i in form.evaluator_units.data]
                             + [Evaluator(user_id=i) for i in form.evaluator_users.data])
        db.session.add(review)
        db.session.flush()
        cards = _assign(review, registrations)
        record_change(current_user, "open", "review", review.id, plan=plan.id, title=review.title,
                      criteria=[c[0] for c in criteria], evaluators=len(review.evaluators), scorecards=cards)
        db.session.commit()
        return after_write(url_for("emulation.review", review_id=review.id),
                           f"Đã mở đợt đánh giá: {cards} phiếu chấm đã giao cho người chấm.")
    return render_page("emulation/open_review.html", "form", **context)


def _assign(review: Review, registrations) -> int:
    """Give every evaluator a scorecard for each registration that is not its own unit's."""
    units_of = dict(db.session.execute(db.select(User.id, User.unit_id).where(
        User.id.in_([e.user_id for e in review.evaluators if e.user_id is not None]))).all())
    count = 0
    for evaluator in review.evaluators:
        own_unit = evaluator.unit_id if evaluator.unit_id is not None else units_of[evaluator.user_id]
        for registration in registrations:
            if registration.unit_id != own_unit:
                db.session.add(Scorecard(review_id=review.id, evaluator_id=evaluator.id,
                                         registration_id=registration.id))
                count += 1
    return count


@bp.get("/reviews/<id:review_id>")
@access(Access.MEMBER)
def review(review_id: int):
    """Return a review: criteria, the account's scorecards, and the ranked results once it may see them."""
    return render_page("emulation/review.html", "main", **review_context(get_review(review_id)))


@bp.post("/reviews/<id:review_id>/close")
@access(Access.WRITER)
def close_review(review_id: int):
    """Close the scoring: results are shown to every unit; the standing unit and admin only."""
    review = get_review(review_id, may=lambda user, r: can_run_reviews(user, r.plan))
    if review.status != ReviewStatus.OPEN or not claim_version(review, seen_version(StepForm())):
        return refuse(review, "Đợt đánh giá vừa được người khác thay đổi hoặc đã khóa điểm. Tải lại trang để xem.")
    review.status, review.closed_at = ReviewStatus.CLOSED, utcnow()
    record_change(current_user, "close", "review", review.id)
    db.session.commit()
    return after_write(url_for("emulation.review", review_id=review.id),
                       "Đã khóa điểm. Kết quả đã hiện cho các đơn vị.")


def _scorecard_page(card: Scorecard, form, **extra):
    registration = card.registration
    initiative = registration.initiative
    lines = [p for p in rollup.unit_progress(registration.unit_id, plan_ids=[initiative.plan_id])
             if p.initiative.id == initiative.id]
    works = {
        "houses": db.session.scalar(db.select(db.func.count(House.id)).where(
            House.unit_id == registration.unit_id, House.initiative_id == initiative.id,
            House.status == WorkStatus.DONE)),
        "roads": db.session.scalar(db.select(db.func.count(Road.id)).where(
            Road.unit_id == registration.unit_id, Road.initiative_id == initiative.id,
            Road.status == WorkStatus.DONE)),
    }
    return dict(card=card, review=card.review, registration=registration, initiative=initiative, lines=lines,
                works=works, photos=unit_photos(registration.unit_id, initiative.id), form=form, amount_text=amount_text, **extra)


@bp.route("/scorecards/<id:scorecard_id>", methods=["GET", "POST"])
@access(Access.WRITER)
def scorecard(scorecard_id: int):
    """Show or save one scorecard: its evaluator only, never the scored unit, while the review is open."""
    card = get_scorecard(scorecard_id, may=can_score)
    criteria = card.review.criteria
    if request.method == "GET":
        form = scorecard_form(criteria)
        form.comment.data = card.comment
        form.version.data = card.version
        for p in card.points:
            field = getattr(form, f"p_{p.criterion_id}", None)
            if field is not None:
                field.data = p.points
        return render_page("emulation/scorecard.html", "form", **_scorecard_page(card, form))
    form = scorecard_form(criteria, formdata=request.form)
    if card.review.status != ReviewStatus.OPEN:
        return form_error("emulation/scorecard.html", "form", status=409, **_scorecard_page(
            card, form, refusal="Đợt đánh giá đã khóa điểm; phiếu chấm không sửa được nữa."))
    if not form.validate():
        return form_error("emulation/scorecard.html", "form", **_scorecard_page(card, form))
    if not claim_version(card, seen_version(form)):
        return form_error("emulation/scorecard.html", "form", status=409, **_scorecard_page(
            card, form, refusal="Phiếu này vừa được người khác trong ban lưu. Điểm bạn nhập vẫn còn dưới đây; "
                                "tải lại trang để xem điểm đang lưu rồi lưu lại."))
    points = {c.id: getattr(form, f"p_{c.id}").data for c in criteria}
    saved = {p.criterion_id: p for p in card.points}
    for cid, value in points.items():
        if cid in saved:
            saved[cid].points = value
        else:
            card.points.append(ScorePoint(criterion_id=cid, points=value))
    card.comment, card.scored_at, card.scored_by_id = form.comment.data, utcnow(), current_user.id
    record_change(current_user, "score", "scorecard", card.id, registration=card.registration_id,
                  points=points, total=sum(points.values()))
    db.session.commit()
    return after_write(url_for("emulation.review", review_id=card.review_id),
                       f"Đã lưu phiếu chấm: {sum(points.values())}/{card.review.max_points} điểm.")

