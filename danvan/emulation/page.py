"""The review page's context: what the account sees of a review, its scores and its awards.

The page and every refused write on it are built from here, so a message stands on the same page.
"""

from __future__ import annotations

from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from danvan.access import can_approve_awards, can_run_reviews, sees_open_scores
from danvan.emulation.forms import CommendationForm, DecideForm, ProposeForm, RecognitionForm, StepForm
from danvan.emulation.queries import my_scorecards, visible_results
from danvan.extensions import db
from danvan.models.queries import default_day
from danvan.orm import Commendation, Registration, Review, ReviewStatus, Scorecard, Unit
from danvan.web import form_error


def seen_version(form) -> int | None:
    """The version a workflow form was rendered at (None when missing or not a number)."""
    value = (form.version.data or "").strip() if isinstance(form.version.data, str) else form.version.data
    return int(value) if str(value or "").isdigit() else None


def active_commendations(review: Review) -> list[Commendation]:
    return [c for c in review.commendations if c.withdrawn_at is None]


def awards_context(review: Review, results, **forms) -> dict:
    """The recognition, commendation, proposal and decision parts (forms as typed, or fresh)."""
    recognised = {r.registration_id for r in review.recognitions}
    recognition_form = forms.get("recognition_form") or RecognitionForm(
        formdata=None, registrations=sorted(recognised), version=review.version)
    recognition_form.registrations.choices = [
        (r.registration.id, f"{r.registration.initiative.title} – {r.registration.unit.name}") for r in results]
    commendation_form = forms.get("commendation_form") or CommendationForm(formdata=None, version=review.version)
    commendation_form.unit_id.choices = unit_choices(review)
    propose_form = forms.get("propose_form") or ProposeForm(
        formdata=None, number=review.proposal_number, version=review.version,
        issued_on=review.proposal_issued_on or default_day(review.plan.year),
        signer_title=review.proposal_signer_title or "TRƯỞNG BAN", signer_name=review.proposal_signer_name)
    return dict(
        recognised=recognised, commendations=active_commendations(review),
        recognition_form=recognition_form, commendation_form=commendation_form, propose_form=propose_form,
        decide_form=DecideForm(formdata=None, version=review.version),
        may_propose=review.status == ReviewStatus.CLOSED and can_run_reviews(current_user, review.plan),
        may_decide=review.status == ReviewStatus.PROPOSED and can_approve_awards(current_user, review),
    )


def unit_choices(review: Review) -> list[SelectChoice]:
    """The units a commendation may name: those that registered for the year first, then the rest."""
    registered = set(db.session.scalars(db.select(Registration.unit_id).where(
        Registration.plan_id == review.plan_id, Registration.withdrawn_at.is_(None))))
    units = list(db.session.scalars(db.select(Unit).where(Unit.closed_on.is_(None)).order_by(Unit.position)))
    units.sort(key=lambda u: u.id not in registered)
    return [SelectChoice("", "– Chọn đơn vị –")] + [SelectChoice(str(u.id), u.name) for u in units]


def review_context(review: Review, **extra) -> dict:
    """What the review page shows the account: its own scorecards, results it may see, the awards."""
    total, scored = db.session.execute(db.select(db.func.count(), db.func.count(Scorecard.scored_at))
                                       .where(Scorecard.review_id == review.id)).one()
    results = visible_results(review)
    forms = {k: extra.pop(k) for k in ("recognition_form", "commendation_form", "propose_form") if k in extra}
    return dict(review=review, my_cards=my_scorecards(review), results=results, scored=scored, assigned=total,
                may_run=can_run_reviews(current_user, review.plan),
                sees_scores=sees_open_scores(current_user, review),
                step_form=StepForm(formdata=None, version=review.version),
                **awards_context(review, results, **forms), **extra)


def refuse(review: Review, message: str, block: str | None = None, **forms):
    """Answer a step the review's state or version refused: the message on the review page (409)."""
    return form_error("emulation/review.html", block, status=409,
                      whole_page=lambda: review_context(review, refusal=message, **forms),
                      **review_context(review, refusal=message, **forms))
