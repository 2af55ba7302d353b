"""The review's files: the Tờ trình đề nghị khen thưởng, the list for the decision, the scores."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from danvan import word
from danvan.emulation.queries import saved_scorecards
from danvan.formatting import date_line, format_date, format_datetime
from danvan.orm import Award, CommendationKind, Review
from danvan.reports.exports import document_number, plain_text, style_sheet

KIND = "TTr"
POINTS = "0.00"


def _summary(review: Review) -> str:
    return (f"Về việc công nhận mô hình “Dân vận khéo” tiêu biểu và đề nghị khen thưởng tập thể, cá nhân "
            f"có thành tích trong phong trào thi đua “Dân vận khéo” năm {review.plan.year}")


def _active(review: Review):
    return [c for c in review.commendations if c.withdrawn_at is None]


def _board(plan) -> str:
    """The proposing board as it signs: "BAN TỔ CHỨC – KIỂM TRA" (the plan's standing unit, no "Tỉnh đoàn")."""
    name = plan.standing_unit.name if plan.standing_unit else "Ban Tổ chức – Kiểm tra"
    return name.removesuffix(" Tỉnh đoàn").upper()


def proposal_number(review: Review) -> str:
    """"Số: 52-TTr/TĐTN-TCKT" (the codes of the plan's issuer and standing unit)."""
    return document_number(review.proposal_number, KIND, review.plan)


def proposal_docx(review: Review, ranked) -> bytes:
    """The tờ trình from the organisation board to the standing committee, in the Đoàn layout."""
    plan = review.plan
    score = {r.registration.id: r for r in ranked}
    document = word.new_document()
    word.header_block(document, plan.issuer_heading, proposal_number(review), plan.organisation_heading,
                      date_line(plan.place, review.proposal_issued_on, plan.year))
    word.title_block(document, "TỜ TRÌNH", _summary(review))
    word.paragraph(document, "Kính gửi: Ban Thường vụ Tỉnh đoàn.", align=word.CENTER)
    issued = f" ngày {format_date(plan.issued_on)}" if plan.issued_on else ""
    word.paragraph(document, f"Căn cứ Kế hoạch số {plan.code}{issued} của Ban Thường vụ Tỉnh đoàn về {plan.title};")
    scored = sum(1 for r in ranked if r.scored)
    board = plan.standing_unit.name if plan.standing_unit else "Ban Tổ chức – Kiểm tra Tỉnh đoàn"
    word.paragraph(document, f"Căn cứ kết quả {review.title[0].lower() + review.title[1:]} ({len(ranked)} mô hình "
                   f"đăng ký, {scored} mô hình đã được chấm điểm theo {len(review.criteria)} tiêu chí, tối đa "
                   f"{review.max_points} điểm), {board} kính trình Ban Thường vụ Tỉnh đoàn xem xét:")
    number = 1
    if review.recognitions:
        word.heading(document, f"{number}. Công nhận {len(review.recognitions):02d} mô hình “Dân vận khéo” tiêu biểu")
        rows = []
        for n, recognition in enumerate(review.recognitions, 1):
            registration = recognition.registration
            result = score.get(registration.id)
            mean = f"{result.mean:.1f}".replace(".", ",") if result and result.mean is not None else "–"
            rows.append([str(n), registration.initiative.title, registration.unit.name, mean])
        word.table(document, ["TT", "Mô hình", "Đơn vị thực hiện", "Điểm"], rows, widths=[1.2, 7.8, 5.5, 2],
                   numeric={3})
        number += 1
    commendations = _active(review)
    if commendations:
        word.heading(document, f"{number}. Khen thưởng")
        for award in Award:
            of_award = [c for c in commendations if c.award == award]
            if not of_award:
                continue
            collectives = sum(1 for c in of_award if c.kind == CommendationKind.COLLECTIVE)
            people = len(of_award) - collectives
            counted = ", ".join(part for part in (f"{collectives:02d} tập thể" if collectives else "",
                                                  f"{people:02d} cá nhân" if people else "") if part)
            word.paragraph(document, f"- Tặng {award.label} cho {counted} có thành tích xuất sắc trong phong "
                           f"trào thi đua “Dân vận khéo” năm {plan.year}.")
        word.paragraph(document, "(Có danh sách kèm theo)", italic=True, align=word.CENTER)
    word.paragraph(document, "Kính trình Ban Thường vụ Tỉnh đoàn xem xét, quyết định./.")
    word.signature_block(document, ["Như trên;", "Lưu: VT, TCKT."], f"TM. {_board(plan)}",
                         review.proposal_signer_title or "TRƯỞNG BAN", review.proposal_signer_name)
    return word.to_bytes(document)


def awards_docx(review: Review) -> bytes:
    """The list of collectives and individuals, by award, that goes with the proposal and the decision."""
    plan = review.plan
    document = word.new_document()
    word.paragraph(document, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ KHEN THƯỞNG", bold=True, align=word.CENTER,
                   keep_with_next=True)
    word.paragraph(document, f"trong phong trào thi đua “Dân vận khéo” năm {plan.year}", bold=True,
                   align=word.CENTER, keep_with_next=True)
    issued = f" ngày {format_date(review.proposal_issued_on)}" if review.proposal_issued_on else ""
    word.paragraph(document, f"(Kèm theo Tờ trình {proposal_number(review)[4:]}{issued})", italic=True,
                   align=word.CENTER)
    commendations = _active(review)
    for roman, award in zip(("I", "II"), Award, strict=True):
        of_award = [c for c in commendations if c.award == award]
        if not of_award:
            continue
        word.heading(document, f"{roman}. {award.label.upper()}", indent=False)
        collectives = [c for c in of_award if c.kind == CommendationKind.COLLECTIVE]
        people = [c for c in of_award if c.kind == CommendationKind.INDIVIDUAL]
        if collectives:
            word.paragraph(document, f"1. Tập thể ({len(collectives):02d})", bold=True, indent=False)
            word.table(document, ["TT", "Tên tập thể", "Thành tích"],
                       [[str(n), c.unit.name, c.achievement] for n, c in enumerate(collectives, 1)],
                       widths=[1.2, 6, 9.3])
        if people:
            word.paragraph(document, f"{2 if collectives else 1}. Cá nhân ({len(people):02d})", bold=True,
                           indent=False)
            word.table(document, ["TT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"],
                       [[str(n), c.person_name, f"{c.person_position}, {c.unit.name}", c.achievement]
                        for n, c in enumerate(people, 1)], widths=[1.2, 4, 5, 6.3])
    if not commendations:
        word.paragraph(document, "(Chưa có đề nghị khen thưởng.)", italic=True, align=word.CENTER)
    return word.to_bytes(document)


def scores_xlsx(review: Review, ranked) -> bytes:
    """Two sheets: the ranked results with each criterion's mean, and every saved scorecard."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả"
    criteria = review.criteria
    sheet.append([review.title])
    sheet.append(["Hạng", "Mô hình", "Lĩnh vực", "Đơn vị"] + [f"{c.name} ({c.weight})" for c in criteria]
                 + [f"Điểm bình quân ({review.max_points})", "Số phiếu đã chấm", "Số phiếu giao", "Tiêu biểu"])
    recognised = {r.registration_id for r in review.recognitions}
    for r in ranked:
        registration = r.registration
        sheet.append([r.rank, registration.initiative.title, registration.initiative.field.label.capitalize(),
                      registration.unit.name]
                     + [round(r.criteria.get(c.id, 0), 2) if r.scored else None for c in criteria]
                     + [round(r.mean, 2) if r.mean is not None else None, r.scored, r.assigned,
                        "x" if registration.id in recognised else ""])
    style_sheet(sheet, header_rows=(1, 2), widths={"B": 45, "C": 22, "D": 30})
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = POINTS  # a mean of points, not the ratio style_sheet assumes
    cards = book.create_sheet("Phiếu chấm")
    cards.append(["Người chấm", "Mô hình", "Đơn vị"] + [c.name for c in criteria]
                 + ["Tổng điểm", "Nhận xét", "Lưu lúc"])
    for card in saved_scorecards(review):
        points = {p.criterion_id: p.points for p in card.points}
        cards.append([card.evaluator.name, card.registration.initiative.title, card.registration.unit.name]
                     + [points.get(c.id) for c in criteria]
                     + [card.total, card.comment, format_datetime(card.scored_at)])
    style_sheet(cards, header_rows=(1,), widths={"A": 30, "B": 45, "C": 30})
    plain_text(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
