"""From a closed review to the awards: the board picks the mô hình tiêu biểu and proposes
commendations, the standing committee approves or returns them, and the files go to the clerk.
"""

from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from danvan.access import (
    Access,
    access,
    can_approve_awards,
    can_read_results,
    can_run_reviews,
    sees_open_scores,
)
from danvan.emulation import bp, exports
from danvan.emulation.forms import CommendationForm, DecideForm, ProposeForm, RecognitionForm
from danvan.emulation.page import active_commendations, refuse, review_context, seen_version, unit_choices
from danvan.emulation.queries import get_review, results
from danvan.extensions import db
from danvan.orm import (
    Award,
    Commendation,
    CommendationKind,
    Recognition,
    Review,
    ReviewStatus,
    claim_version,
    record_change,
    utcnow,
)
from danvan.web import DOCX, XLSX, after_write, download, form_error

PAGE = "emulation/review.html"
CHANGED = "Đợt đánh giá vừa được người khác thay đổi. Tải lại trang để xem rồi làm lại."


def _page_url(review: Review) -> str:
    # No #anchor: htmx's HX-Redirect to the page's own URL plus an anchor would only scroll, not reload.
    return url_for("emulation.review", review_id=review.id)


def _for_board(review_id: int) -> Review:
    """A review, for who runs it (the plan's standing unit and admin)."""
    return get_review(review_id, may=lambda user, r: can_run_reviews(user, r.plan))


@bp.post("/reviews/<id:review_id>/recognitions")
@access(Access.WRITER)
def recognise(review_id: int):
    """Save which mô hình the board proposes as tiêu biểu (ranked order kept)."""
    review = _for_board(review_id)
    form = RecognitionForm()
    ranked = results(review)
    form.registrations.choices = [(r.registration.id, "") for r in ranked]
    if review.status != ReviewStatus.CLOSED:
        return refuse(review, "Chỉ chọn mô hình tiêu biểu khi đã khóa điểm và chưa trình duyệt.")
    if not form.validate():
        return form_error(PAGE, "awards", **review_context(review, recognition_form=form))
    if not claim_version(review, seen_version(form)):
        return refuse(review, CHANGED)
    chosen = set(form.registrations.data)
    for recognition in list(review.recognitions):
        if recognition.registration_id not in chosen:
            review.recognitions.remove(recognition)
            db.session.delete(recognition)
    have = {r.registration_id for r in review.recognitions}
    order = [r.registration.id for r in ranked]
    for registration_id in chosen - have:
        review.recognitions.append(Recognition(registration_id=registration_id))
    for recognition in review.recognitions:
        recognition.position = order.index(recognition.registration_id)
    record_change(current_user, "recognise", "review", review.id, registrations=sorted(chosen))
    db.session.commit()
    return after_write(_page_url(review), f"Đã chọn {len(chosen)} mô hình tiêu biểu.")


@bp.post("/reviews/<id:review_id>/commendations")
@access(Access.WRITER)
def commend(review_id: int):
    """Add a commendation candidate: a collective (a unit) or an individual of a unit."""
    review = _for_board(review_id)
    form = CommendationForm()
    form.unit_id.choices = unit_choices(review)
    if review.status != ReviewStatus.CLOSED:
        return refuse(review, "Chỉ đề nghị khen thưởng khi đã khóa điểm và chưa trình duyệt.")
    if not form.validate():
        return form_error(PAGE, "awards", **review_context(review, commendation_form=form))
    if not claim_version(review, seen_version(form)):
        return refuse(review, CHANGED)
    individual = form.kind.data == CommendationKind.INDIVIDUAL.value
    commendation = Commendation(
        review_id=review.id, kind=CommendationKind(form.kind.data), award=Award(form.award.data),
        unit_id=int(form.unit_id.data), person_name=form.person_name.data if individual else "",
        person_position=form.person_position.data if individual else "", achievement=form.achievement.data,
        created_by_id=current_user.id)
    db.session.add(commendation)
    db.session.flush()
    record_change(current_user, "propose", "commendation", commendation.id, review=review.id,
                  kind=commendation.kind, award=commendation.award, unit=commendation.unit_id,
                  person=commendation.person_name)
    db.session.commit()
    return after_write(_page_url(review), "Đã thêm đề nghị khen thưởng.")


@bp.post("/commendations/<id:commendation_id>/withdraw")
@access(Access.WRITER)
def withdraw_commendation(commendation_id: int):
    """Take a candidate off the proposal (kept, marked withdrawn) while it is not yet submitted."""
    commendation = db.get_or_404(Commendation, commendation_id)
    review = _for_board(commendation.review_id)
    if review.status != ReviewStatus.CLOSED or commendation.withdrawn_at is not None:
        return refuse(review, "Đề nghị này không rút được nữa (đã trình duyệt hoặc đã rút).")
    if not claim_version(review, review.version):
        return refuse(review, CHANGED)
    commendation.withdrawn_at = utcnow()
    record_change(current_user, "withdraw", "commendation", commendation.id, review=review.id)
    db.session.commit()
    return after_write(_page_url(review), "Đã rút đề nghị khen thưởng.")


@bp.post("/reviews/<id:review_id>/propose")
@access(Access.WRITER)
def propose(review_id: int):
    """Submit the proposal (tờ trình) to the standing committee, with its number and date."""
    review = _for_board(review_id)
    form = ProposeForm()
    if review.status != ReviewStatus.CLOSED:
        return refuse(review, "Tờ trình đã được gửi, hoặc đợt đánh giá chưa khóa điểm.")
    if not review.recognitions and not active_commendations(review):
        return refuse(review, "Chưa có mô hình tiêu biểu hay đề nghị khen thưởng nào để trình.", "awards",
                      propose_form=form)
    if not form.validate():
        return form_error(PAGE, "awards", **review_context(review, propose_form=form))
    if not claim_version(review, seen_version(form)):
        return refuse(review, CHANGED)
    review.status = ReviewStatus.PROPOSED
    review.proposal_number, review.proposal_issued_on = form.number.data, form.issued_on.data
    review.proposal_signer_title, review.proposal_signer_name = form.signer_title.data.upper(), form.signer_name.data
    record_change(current_user, "propose", "review", review.id, number=review.proposal_number,
                  issued_on=review.proposal_issued_on, signer=review.proposal_signer_name)
    db.session.commit()
    return after_write(_page_url(review), "Đã trình Ban Thường vụ duyệt khen thưởng.")


@bp.post("/reviews/<id:review_id>/decide")
@access(Access.WRITER)
def decide(review_id: int):
    """The standing committee approves the proposal (badges show) or returns it to the board."""
    review = get_review(review_id, may=can_approve_awards)
    form = DecideForm()
    if not form.validate() or review.status != ReviewStatus.PROPOSED:
        return refuse(review, "Tờ trình không còn chờ duyệt.")
    if not claim_version(review, seen_version(form)):
        return refuse(review, CHANGED)
    if form.action.data == "approve":
        review.status, review.approved_at, review.approved_by_id = ReviewStatus.APPROVED, utcnow(), current_user.id
        message = "Đã duyệt: các mô hình tiêu biểu đã được gắn danh hiệu."
    else:
        review.status = ReviewStatus.CLOSED
        message = "Đã trả lại tờ trình cho Ban Tổ chức – Kiểm tra."
    record_change(current_user, form.action.data, "review", review.id)
    db.session.commit()
    return after_write(_page_url(review), message)


def _for_files(review_id: int) -> Review:
    """The files of a review are the board's and the standing committee's, once scores are locked."""
    review = get_review(review_id, may=sees_open_scores)
    if review.status == ReviewStatus.OPEN:
        abort(404)
    return review


@bp.get("/reviews/<id:review_id>/proposal.docx")
@access(Access.MEMBER)
def proposal_docx(review_id: int):
    """The Tờ trình đề nghị khen thưởng in the Đoàn layout."""
    review = _for_files(review_id)
    return download(exports.proposal_docx(review, results(review)), f"to-trinh-khen-thuong-{review.id}.docx", DOCX)


@bp.get("/reviews/<id:review_id>/awards.docx")
@access(Access.MEMBER)
def awards_docx(review_id: int):
    """The list of collectives and individuals for the decision (danh sách kèm quyết định)."""
    review = _for_files(review_id)
    return download(exports.awards_docx(review), f"danh-sach-khen-thuong-{review.id}.docx", DOCX)


@bp.get("/reviews/<id:review_id>/scores.xlsx")
@access(Access.MEMBER)
def scores_xlsx(review_id: int):
    """Every scorecard and the ranked results, for the board's records; results readers once closed."""
    review = get_review(review_id, may=can_read_results)
    return download(exports.scores_xlsx(review, results(review)), f"diem-thi-dua-{review.id}.xlsx", XLSX)
