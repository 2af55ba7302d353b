"""Thi đua: registration, a review scored by evaluators, hidden scores, awards, files, nhân rộng."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook

from danvan.extensions import db
from danvan.orm import (
    Commendation,
    Evaluator,
    Initiative,
    Recognition,
    Registration,
    Review,
    ReviewStatus,
    Scorecard,
    ScorePoint,
    User,
)
from tests import helpers
from tests.helpers import rows
from tests.test_documents import assert_header_block, assert_official_page

PLAN = 1
HEAVY = "Số lượng tối đa là 100."


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def snapshot() -> tuple:
    return rows(*(db.select(db.func.count()).select_from(m)
                  for m in (Registration, Review, Evaluator, Scorecard, ScorePoint, Recognition, Commendation)),
                db.select(Review.status, Review.version).order_by(Review.id),
                db.select(Registration.id, Registration.withdrawn_at, Registration.responsible_name)
                .order_by(Registration.id),
                db.select(Scorecard.id, Scorecard.scored_at, Scorecard.comment).order_by(Scorecard.id))


def docx_text(data: bytes) -> str:
    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def review_data(**extra) -> dict:
    data = {"title": "Sơ kết 6 tháng đầu năm 2021", "kind": "half_year", "scores_due_on": "2021-12-10",
            "c0_name": "Kết quả so với chỉ tiêu", "c0_weight": "60", "c0_guidance": "",
            "c1_name": "Khả năng nhân rộng", "c1_weight": "40", "c1_guidance": ""}
    data.update(extra)
    return data


def open_review(app, client, login_as, **data) -> int:
    """Open a review as the organisation board; return its id."""
    login_as("tckt")
    response = client.post(f"/plans/{PLAN}/reviews/new", data=review_data(**data))
    assert response.status_code == 302, response.text
    return int(re.search(r"/reviews/(\d+)$", response.headers["Location"]).group(1))


def unit_id(username: str) -> int:
    """The unit of a demo login."""
    return db.session.scalar(db.select(User.unit_id).where(User.username == username))


# ---- the demo's year ----

def test_the_demo_carries_an_approved_2021_review_with_recognised_models(app, client, login_as):
    login_as("canglong")
    hub = client.get(f"/plans/{PLAN}/emulation").text
    assert "Thi đua “Dân vận khéo” năm 2021" in hub and "Lĩnh vực kinh tế" in hub
    assert "Tiêu biểu 2021" in hub and "Huyện đoàn Trà Cú" in hub
    with app.app_context():
        review = db.session.scalar(db.select(Review))
        assert review.status == ReviewStatus.APPROVED and review.approved_at.year == 2021
        assert count(Recognition) == 3
        best = db.session.scalar(db.select(Recognition).order_by(Recognition.position)).registration
        initiative_id, review_id = best.initiative_id, review.id
    page = client.get(f"/initiatives/{initiative_id}").text
    assert "Mô hình tiêu biểu năm 2021" in page
    results = client.get(f"/reviews/{review_id}").text
    assert "Hạng" in results and "/100" in results


# ---- registration ----

def test_a_board_registers_the_model_it_leads_and_gets_a_message_for_a_missing_person(app, client, login_as):
    login_as("thieunhi")
    page = client.get(f"/plans/{PLAN}/registrations").text
    assert "Đăng ký mô hình năm 2021" in page
    initiative_id = int(re.search(r'name="on_(\d+)"', page).group(1))
    with app.app_context():
        before = snapshot()
    bad = client.post(f"/plans/{PLAN}/registrations", data={f"on_{initiative_id}": "y",
                                                             f"position_{initiative_id}": "Phó Trưởng ban"})
    assert bad.status_code == 200 and "Vui lòng nhập người phụ trách mô hình." in bad.text
    assert 'value="Phó Trưởng ban"' in bad.text  # the rest of the form is kept
    with app.app_context():
        assert snapshot() == before
    ok = client.post(f"/plans/{PLAN}/registrations", data={
        f"on_{initiative_id}": "y", f"name_{initiative_id}": "Lê Thị Hồng", f"position_{initiative_id}": ""})
    assert ok.status_code == 302
    with app.app_context():
        registration = db.session.scalar(db.select(Registration).where(
            Registration.unit_id == unit_id("thieunhi")))
        assert (registration.initiative_id, registration.responsible_name) == (initiative_id, "Lê Thị Hồng")
    assert "Lê Thị Hồng" in client.get(f"/plans/{PLAN}/emulation").text


def test_a_registration_already_scored_cannot_be_withdrawn(app, client, login_as):
    login_as("canglong")
    with app.app_context():
        before = snapshot()
    # Unticking everything: the 2021 review has scored all of Càng Long's registrations.
    response = client.post(f"/plans/{PLAN}/registrations", data={})
    assert response.status_code == 200
    assert "Mô hình đã được đưa vào đợt đánh giá, không rút đăng ký được." in response.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("username", ["danvantu", "admin"])
def test_registration_is_refused_to_accounts_without_a_unit_of_their_own(app, client, login_as, username):
    login_as(username)
    with app.app_context():
        before = snapshot()
    assert client.get(f"/plans/{PLAN}/registrations").status_code == 403
    assert client.post(f"/plans/{PLAN}/registrations", data={}).status_code == 403
    with app.app_context():
        assert snapshot() == before


# ---- opening a review ----

def test_opening_a_review_assigns_no_unit_its_own_models(app, client, login_as):
    with app.app_context():
        boards = [unit_id("phongtrao"), unit_id("tuyengiao")]
        named = db.session.scalar(db.select(User.id).where(User.username == "canglong"))
        registrations = count(Registration, Registration.withdrawn_at.is_(None), Registration.plan_id == PLAN)
        own = count(Registration, Registration.unit_id == unit_id("canglong"))
        led = count(Registration, Registration.unit_id == unit_id("phongtrao"))
    review_id = open_review(app, client, login_as, evaluator_units=[str(b) for b in boards],
                            evaluator_users=[str(named)])
    with app.app_context():
        cards = list(db.session.scalars(db.select(Scorecard).where(Scorecard.review_id == review_id)))
        assert len(cards) == 3 * registrations - own - led
        for card in cards:
            evaluator = card.evaluator
            assert card.registration.unit_id != (evaluator.unit_id or evaluator.user.unit_id)
        review = db.session.get(Review, review_id)
        assert [(c.name, c.weight) for c in review.criteria] == [("Kết quả so với chỉ tiêu", 60),
                                                                 ("Khả năng nhân rộng", 40)]


def test_a_review_needs_criteria_and_evaluators(app, client, login_as):
    login_as("tckt")
    with app.app_context():
        before = snapshot()
        board = str(unit_id("phongtrao"))
    response = client.post(f"/plans/{PLAN}/reviews/new", data=review_data(c0_name="", c0_weight="", c1_name="",
                                                                           c1_weight=""))
    assert response.status_code == 200
    assert "Cần ít nhất một tiêu chí chấm điểm." in response.text
    assert "Chọn ít nhất một ban hoặc một người chấm điểm." in response.text
    assert 'value="Sơ kết 6 tháng đầu năm 2021"' in response.text
    heavy = client.post(f"/plans/{PLAN}/reviews/new", data=review_data(c1_weight="400", evaluator_units=[board]))
    assert heavy.status_code == 200 and HEAVY in heavy.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("username", ["btv", "phongtrao", "canglong", "danvantu"])
def test_only_the_organisation_board_opens_a_review(app, client, login_as, username):
    login_as(username)
    with app.app_context():
        before = snapshot()
        data = review_data(evaluator_units=[str(unit_id("phongtrao"))])
    assert client.get(f"/plans/{PLAN}/reviews/new").status_code == 403
    assert client.post(f"/plans/{PLAN}/reviews/new", data=data).status_code == 403
    with app.app_context():
        assert snapshot() == before


# ---- scoring ----

@pytest.fixture
def scoring(app, client, login_as):
    """A half-year review scored by Ban Phong trào and Ban Tuyên giáo; Càng Long's first card of each."""
    with app.app_context():
        boards = [unit_id("phongtrao"), unit_id("tuyengiao")]
        canglong = unit_id("canglong")
    review_id = open_review(app, client, login_as, evaluator_units=[str(b) for b in boards])
    with app.app_context():
        review = db.session.get(Review, review_id)
        criteria = [c.id for c in review.criteria]
        cards = {}
        for board in boards:
            cards[board] = db.session.scalar(db.select(Scorecard.id).join(Scorecard.evaluator).join(
                Scorecard.registration).where(Scorecard.review_id == review_id, Evaluator.unit_id == board,
                                              Registration.unit_id == canglong).order_by(Scorecard.id))
    return {"review": review_id, "criteria": criteria, "phongtrao": cards[boards[0]],
            "tuyengiao": cards[boards[1]]}


def score(client, card: int, criteria: list[int], points: tuple[str, str], comment: str = "Tốt"):
    return client.post(f"/scorecards/{card}", data={f"p_{criteria[0]}": points[0], f"p_{criteria[1]}": points[1],
                                                    "comment": comment, "version": "1"})


def test_two_evaluators_score_and_units_see_nothing_until_closed(app, client, login_as, scoring):
    phongtrao = login_as("phongtrao", test_client=app.test_client())
    page = phongtrao.get(f"/scorecards/{scoring['phongtrao']}").text
    assert "Kết quả của đơn vị" in page and "Huyện đoàn Càng Long" in page and "Minh chứng" in page
    assert score(phongtrao, scoring["phongtrao"], scoring["criteria"], ("50", "30")).status_code == 302
    tuyengiao = login_as("tuyengiao", test_client=app.test_client())
    assert score(tuyengiao, scoring["tuyengiao"], scoring["criteria"], ("40", "30")).status_code == 302
    canglong = login_as("canglong", test_client=app.test_client())
    hidden = canglong.get(f"/reviews/{scoring['review']}").text
    assert "Điểm được công bố khi Ban Tổ chức – Kiểm tra khóa điểm." in hidden
    assert "75,0/100" not in hidden
    assert canglong.get(f"/reviews/{scoring['review']}/scores.xlsx").status_code == 403
    assert canglong.get(f"/scorecards/{scoring['phongtrao']}").status_code == 403  # someone else's card
    board = login_as("tckt", test_client=app.test_client())
    assert "75,0/100" in board.get(f"/reviews/{scoring['review']}").text  # the board follows the scoring
    closed = board.post(f"/reviews/{scoring['review']}/close", data={"version": "1"})
    assert closed.status_code == 302
    shown = canglong.get(f"/reviews/{scoring['review']}").text
    assert "75,0/100" in shown  # (50 + 30 + 40 + 30) / 2
    readonly = login_as("danvantu", test_client=app.test_client())
    assert "75,0/100" in readonly.get(f"/reviews/{scoring['review']}").text
    assert readonly.get(f"/reviews/{scoring['review']}/scores.xlsx").status_code == 200
    late = score(phongtrao, scoring["phongtrao"], scoring["criteria"], ("60", "40"))
    assert late.status_code == 409 and "Đợt đánh giá đã khóa điểm" in late.text


def test_an_evaluator_cannot_score_its_own_units_model(app, client, login_as, scoring):
    with app.app_context():
        # Even a card slipped in by hand: Càng Long named as an evaluator on its own registration.
        canglong = db.session.scalar(db.select(User).where(User.username == "canglong"))
        evaluator = Evaluator(review_id=scoring["review"], user_id=canglong.id)
        db.session.add(evaluator)
        db.session.flush()
        own = db.session.get(Scorecard, scoring["phongtrao"]).registration_id
        card = Scorecard(review_id=scoring["review"], evaluator_id=evaluator.id, registration_id=own)
        db.session.add(card)
        db.session.commit()
        card_id = card.id
        before = snapshot()
    login_as("canglong")
    assert client.get(f"/scorecards/{card_id}").status_code == 403
    assert score(client, card_id, scoring["criteria"], ("60", "40")).status_code == 403
    with app.app_context():
        assert snapshot() == before


def test_points_above_a_criterions_weight_get_a_message_and_store_nothing(app, login_as, scoring):
    client = login_as("phongtrao", test_client=app.test_client())
    with app.app_context():
        before = snapshot()
    response = score(client, scoring["phongtrao"], scoring["criteria"], ("61", ""), comment="Giữ lại")
    assert response.status_code == 200
    assert "Số lượng tối đa là 60." in response.text and "Vui lòng nhập mục này." in response.text
    assert "Giữ lại" in response.text
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("username", ["tckt", "btv", "cauke", "danvantu"])
def test_a_scorecard_is_its_evaluators_alone(app, login_as, scoring, username):
    client = login_as(username, test_client=app.test_client())
    with app.app_context():
        before = snapshot()
    assert client.get(f"/scorecards/{scoring['phongtrao']}").status_code == 403
    assert score(client, scoring["phongtrao"], scoring["criteria"], ("10", "10")).status_code == 403
    with app.app_context():
        assert snapshot() == before


# ---- awards ----

def test_board_proposes_committee_approves_and_the_proposal_names_the_model(app, client, login_as, scoring):
    phongtrao = login_as("phongtrao", test_client=app.test_client())
    score(phongtrao, scoring["phongtrao"], scoring["criteria"], ("55", "35"))
    board = login_as("tckt", test_client=app.test_client())
    review = scoring["review"]
    board.post(f"/reviews/{review}/close", data={"version": "1"})
    with app.app_context():
        registration = db.session.get(Scorecard, scoring["phongtrao"]).registration
        title, registration_id = registration.initiative.title, registration.id
        canglong = registration.unit_id
    assert board.post(f"/reviews/{review}/recognitions", data={"registrations": [str(registration_id)],
                                                               "version": "2"}).status_code == 302
    missing = board.post(f"/reviews/{review}/commendations", data={
        "kind": "individual", "award": "giay_khen", "unit_id": str(canglong), "person_name": "",
        "person_position": "", "achievement": "Phụ trách mô hình", "version": "3"})
    assert "Vui lòng nhập mục này khi đề nghị khen cá nhân." in missing.text
    assert board.post(f"/reviews/{review}/commendations", data={
        "kind": "individual", "award": "giay_khen", "unit_id": str(canglong), "person_name": "Trần Minh Tâm",
        "person_position": "Phó Bí thư Huyện đoàn", "achievement": "Phụ trách mô hình",
        "version": "3"}).status_code == 302
    assert board.post(f"/reviews/{review}/propose", data={"number": "61-TTr/TĐTN-TCKT", "issued_on": "2021-12-03",
                                                          "signer_title": "Phó Trưởng ban",
                                                          "signer_name": "Lâm Thị Mỹ Linh", "version": "4"}).status_code == 302
    # The standing committee decides, nobody else; a board cannot approve its own proposal.
    assert board.post(f"/reviews/{review}/decide", data={"action": "approve", "version": "5"}).status_code == 403
    btv = login_as("btv", test_client=app.test_client())
    assert btv.post(f"/reviews/{review}/decide", data={"action": "approve", "version": "5"}).status_code == 302
    with app.app_context():
        approved = db.session.get(Review, review)
        assert approved.status == ReviewStatus.APPROVED and approved.proposal_number == "61"
    data = btv.get(f"/reviews/{review}/proposal.docx").data
    document = Document(BytesIO(data))
    assert_official_page(document)
    assert_header_block(document, "Số: 61-TTr/TĐTN-TCKT", "Trà Vinh, ngày 03 tháng 12 năm 2021")
    signer = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    assert signer[:2] == ["TM. BAN TỔ CHỨC – KIỂM TRA", "PHÓ TRƯỞNG BAN"]
    assert signer[2:6] == [""] * 4 and signer[6] == "Lâm Thị Mỹ Linh"
    proposal = docx_text(data)
    assert "TỜ TRÌNH" in proposal and "Kính gửi: Ban Thường vụ Tỉnh đoàn." in proposal
    assert title in proposal and "Huyện đoàn Càng Long" in proposal
    assert "ngày 03 tháng 12 năm 2021" in proposal
    awards = docx_text(btv.get(f"/reviews/{review}/awards.docx").data)
    assert "Trần Minh Tâm" in awards and "GIẤY KHEN" in awards
    book = load_workbook(BytesIO(btv.get(f"/reviews/{review}/scores.xlsx").data))
    results = [row for row in book["Kết quả"].iter_rows(values_only=True)]
    assert any(row[1] == title and row[-1] == "x" for row in results[2:])
    assert any(row[0] == "Ban Phong trào Tỉnh đoàn" and 90 in row for row in book["Phiếu chấm"].iter_rows(values_only=True))


def test_a_step_from_an_older_page_is_refused(app, client, login_as, scoring):
    with app.app_context():
        before = snapshot()
    response = client.post(f"/reviews/{scoring['review']}/close", data={"version": "7"})
    assert response.status_code == 409 and "vừa được người khác thay đổi" in response.text
    with app.app_context():
        assert snapshot() == before


# ---- nhân rộng ----

def test_another_unit_replicates_a_recognised_model_keeping_the_link(app, client, login_as):
    with app.app_context():
        recognition = db.session.scalar(db.select(Recognition).order_by(Recognition.position))
        origin_title, origin_unit = recognition.registration.initiative.title, recognition.registration.unit.name
        recognition_id = recognition.id
        cauke = unit_id("cauke")
    login_as("cauke")
    page = client.get(f"/units/{cauke}/initiatives/new").text
    assert "Nhân rộng mô hình tiêu biểu" in page and origin_unit in page
    prefilled = client.get(f"/units/{cauke}/initiatives/new?from={recognition_id}").text
    assert f'value="{origin_title}"' in prefilled and f"Nhân rộng từ mô hình “{origin_title}”" in prefilled
    response = client.post(f"/units/{cauke}/initiatives/new", data={
        "field": "economy", "title": origin_title, "description": "", "measure": "child", "amount": "5",
        "label": "thanh niên", "funds": "", "replicates": str(recognition_id)})
    assert response.status_code == 302
    with app.app_context():
        adopted = db.session.scalar(db.select(Initiative).where(Initiative.replicated_from_id == recognition_id))
        assert adopted.lead_unit_id == cauke
        adopted_id = adopted.id
    assert f"của {origin_unit}" in client.get(f"/initiatives/{adopted_id}").text


# ---- told what to do next ----

def test_evaluators_and_the_committee_find_their_part_on_their_home(app, login_as, scoring):
    phongtrao = login_as("phongtrao", test_client=app.test_client())
    with app.app_context():
        owed = count(Scorecard, Scorecard.review_id == scoring["review"], Scorecard.scored_at.is_(None),
                     Scorecard.evaluator_id.in_(db.select(Evaluator.id).where(
                         Evaluator.unit_id == unit_id("phongtrao"))))
    assert f"Chấm điểm {owed} mô hình: hạn 10/12/2021" in phongtrao.get("/").text
    score(phongtrao, scoring["phongtrao"], scoring["criteria"], ("50", "30"))
    assert f"Chấm điểm {owed - 1} mô hình: hạn 10/12/2021" in phongtrao.get("/").text
    canglong = login_as("canglong", test_client=app.test_client())
    assert "Chấm điểm" not in canglong.get("/").text  # a scored unit has nothing to score
    board = login_as("tckt", test_client=app.test_client())
    board.post(f"/reviews/{scoring['review']}/close", data={"version": "1"})
    with app.app_context():
        registration_id = db.session.get(Scorecard, scoring["phongtrao"]).registration_id
    board.post(f"/reviews/{scoring['review']}/recognitions", data={"registrations": [str(registration_id)],
                                                                    "version": "2"})
    board.post(f"/reviews/{scoring['review']}/propose", data={"number": "61", "issued_on": "2021-12-03",
                                                               "signer_title": "Trưởng ban",
                                                               "signer_name": "Lâm Thị Mỹ Linh", "version": "3"})
    btv = login_as("btv", test_client=app.test_client())
    assert "Duyệt đề nghị khen thưởng" in btv.get("/").text
    assert "Chấm điểm" not in phongtrao.get("/").text  # closed: nothing left to score


# ---- an existing deployment upgrades ----

def test_a_database_with_mo_hinh_upgrades_to_thi_dua(empty_db_url):
    """Migration 0014 adds the nhân rộng link to a filled `initiative` table (SQLite refuses to
    rebuild a table that others point at, so the column is added in place)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app(empty_db_url)
    with app.app_context():
        upgrade(revision="0013")
        with db.engine.begin() as conn:
            helpers.insert_unit_and_plan(conn)
            conn.execute(text("INSERT INTO initiative (id, plan_id, field, position, title, wording, description, "
                              "lead_unit_id, created_at) VALUES (1, 1, 'economy', 0, 'Mô hình cũ', '', '', 1, "
                              "'2021-06-22 00:00:00')"))
            conn.execute(text("INSERT INTO target (initiative_id, position, measure, amount, label, approximate) "
                              "VALUES (1, 0, 'child', 10, 'em', false)"))
        upgrade()
        initiative = db.session.get(Initiative, 1)
        assert (initiative.title, initiative.replicated_from_id, len(initiative.targets)) == ("Mô hình cũ", None, 1)
        db.session.remove()
        db.engine.dispose()
