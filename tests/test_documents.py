"""The documents a Tỉnh đoàn office files without retyping: layout facts read back from the files.

Nghị định 30/2020/NĐ-CP and Hướng dẫn 29-HD/TWĐTN-VP: A4, margins 2 / 2 / 3 / 1,5 cm, Times New
Roman, Vietnamese proofing, ≥ 6 pt after paragraphs, page numbers centred at the top from page 2,
rules under the organisation's name and the trích yếu, headings kept with their text, tables
inside the text block with numbers on the right, room for a signature and seal.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from openpyxl import load_workbook

from danvan.extensions import db
from danvan.models.rollup import percent
from danvan.orm import Plan, Unit
from tests import factories as f
from tests.test_reports import accept_canglong_and_compile, period_id, rid

TEXT_WIDTH_CM = 21 - 3 - 1.5


def _docx(client, url: str) -> Document:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype.endswith("wordprocessingml.document")
    return Document(BytesIO(response.data))


def _compiled(app, client, login_as, **narrative) -> Document:
    accept_canglong_and_compile(app, client, login_as, **narrative)
    return _docx(client, f"/periods/{period_id(app)}/compiled.docx")


def _has_top_border(paragraph) -> bool:
    properties = paragraph._p.pPr
    return properties is not None and properties.find(qn("w:pBdr")) is not None


def assert_official_page(document: Document) -> None:
    """The page, font, language, spacing and page numbers every document shares."""
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(m.cm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)] == [2.0, 2.0, 3.0, 1.5]
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    assert normal.element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    assert normal.paragraph_format.space_after.pt >= 6
    # Page numbers: a PAGE field centred in the header, none on the first page.
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert header._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"
    for table in document.tables:
        assert sum(c.width.cm for c in table.rows[0].cells) <= TEXT_WIDTH_CM + 0.01


def assert_header_block(document: Document, number: str, place_line: str) -> None:
    left, right = document.tables[0].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["BCH ĐOÀN TỈNH TRÀ VINH", "***", number]
    assert right.paragraphs[0].text == "ĐOÀN TNCS HỒ CHÍ MINH" and right.paragraphs[0].runs[0].bold
    assert _has_top_border(right.paragraphs[1]) and right.paragraphs[1].text == ""  # the rule
    assert right.paragraphs[2].text == place_line and right.paragraphs[2].runs[0].italic


def _title(document: Document, kind: str) -> tuple:
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text == kind)
    return paragraphs[index], paragraphs[index + 1], paragraphs[index + 2]


def test_compiled_report_in_the_official_layout(app, client, login_as):
    document = _compiled(app, client, login_as)
    assert_official_page(document)
    with app.app_context():
        signed = db.session.scalar(db.select(db.func.max(db.text("compiled_at")))
                                   .select_from(db.text("compiled_report")))
    assert_header_block(document, "Số: …-BC/TĐTN-TCKT", document.tables[0].rows[0].cells[1].paragraphs[2].text)
    assert document.tables[0].rows[0].cells[1].paragraphs[2].text.startswith("Trà Vinh, ngày ") and signed
    kind, summary, line = _title(document, "BÁO CÁO")
    assert kind.runs[0].bold and kind.runs[0].font.size.pt == 15
    assert summary.text == "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2021"
    assert summary.runs[0].bold and not summary.runs[0].italic and _has_top_border(line)
    # Headings stay with what follows; empty sections are left out, not "(Không có nội dung.)".
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(Không có nội dung" not in text
    headings = [p for p in document.paragraphs if p.text.startswith(("I.", "II.", "1.", "2.", "3."))]
    assert headings and all(p.paragraph_format.keep_with_next for p in headings)
    numbered = [p.text for p in document.paragraphs if p.text[:2] in ("1.", "2.", "3.", "4.")]
    assert numbered[0] == "1. Kết quả trên lĩnh vực kinh tế"
    # Numbers on the right of the results table.
    targets = document.tables[1]
    assert all(row.cells[3].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for row in targets.rows[1:])
    # Room for the signature and the seal: four empty lines between the title and the name.
    signer = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs]
    assert signer[:2] == ["TM. BAN THƯỜNG VỤ TỈNH ĐOÀN", "PHÓ BÍ THƯ THƯỜNG TRỰC"]
    assert signer[2:6] == [""] * 4 and signer[6] == "Võ Minh Nhựt"


def test_unit_report_columns_say_what_they_hold(app, client, login_as):
    report_id = accept_canglong_and_compile(app, client, login_as)
    client.post("/logout")
    login_as("canglong")
    document = _docx(client, f"/reports/{report_id}/docx")
    assert_official_page(document)
    numbers = document.tables[0]
    assert [c.text for c in numbers.rows[0].cells] == ["Nội dung", "Kết quả", "Đơn vị tính"]
    units = {row.cells[2].text for row in numbers.rows[1:]}
    assert units >= {"em", "đồng", "căn", "tuyến"}  # measures, not the targets' names
    assert all(row.cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT for row in numbers.rows[1:])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(Không có nội dung" not in text and "2. Kết quả trên lĩnh vực kinh tế" in text


def test_the_plan_as_a_word_document(app, client, login_as):
    login_as("canglong")
    document = _docx(client, "/plans/1.docx")
    assert_official_page(document)
    assert_header_block(document, "Số: 382-KH/TĐTN-TCKT", "Trà Vinh, ngày 22 tháng 6 năm 2021")
    kind, summary, line = _title(document, "KẾ HOẠCH")
    assert summary.text == "Thực hiện Phong trào thi đua “Dân vận khéo” năm 2021" and _has_top_border(line)
    intro = next(p for p in document.paragraphs if p.text.startswith("Ban Thường vụ Tỉnh đoàn thực hiện 04"))
    assert [(r.text, bool(r.italic)) for r in intro.runs][:3] == [
        ("Ban Thường vụ Tỉnh đoàn thực hiện 04 mô hình “", False), ("Dân vận khéo", True),
        ("” trong năm 2021 gồm:", False)]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "*" not in text and "IV. TỔ CHỨC THỰC HIỆN" in text and "2. Các Huyện, Thị, Thành đoàn" in text
    recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs]
    assert recipients == ["Nơi nhận:", "- Ban Dân vận TU (b/c);", "- Các Ban, Trung tâm thuộc Tỉnh đoàn;",
                          "- Các Huyện, Thị, Thành đoàn và ĐTT;", "- Lưu TCKT."]


def test_workbook_number_formats_and_one_bold_header(app, client, login_as):
    accept_canglong_and_compile(app, client, login_as)
    book = load_workbook(BytesIO(client.get(f"/periods/{period_id(app)}/compiled.xlsx").data))
    totals = book["Tổng hợp"]
    money = next(row for row in totals.iter_rows(min_row=3) if row[3].value == 3_600_000_000)
    assert money[3].number_format == "#,##0" and money[4].number_format == "#,##0"
    assert money[5].number_format == "0%" and 0 < money[5].value < 1
    states = book["Tình trạng báo cáo"]
    assert all(c.font.bold for c in states[1]) and not any(c.font.bold for c in states[2])
    assert states["C2"].number_format == "#,##0"


def test_printed_plan_keeps_the_seeds_layout_and_italics(client, login_as):
    login_as("canglong")
    page = client.get("/plans/1").text
    assert "<br>***<br>Số: 382-KH/TĐTN-TCKT" in page
    assert '<h1 class="title">KẾ HOẠCH<span class="rule">' in page
    assert "04 mô hình “<em>Dân vận khéo</em>” trong năm 2021" in page
    assert "“<em>Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh</em>”" in page
    assert "*" not in page.split('<article class="doc">')[1].replace("<br>***<br>", "")
    css = client.get(page.split('rel="stylesheet" href="')[1].split('"')[0]).text
    assert "@top-center{content:counter(page)" in css and "@page:first{@top-center{content:none}}" in css


def test_emphasis_marks_are_escaped_markup_never_html(app, client, login_as):
    with app.app_context():
        plan = db.session.get(Plan, 1)
        plan.closing = "Một *<script>x</script>* và * lẻ"
        db.session.commit()
    login_as("canglong")
    page = client.get("/plans/1").text
    assert "Một <em>&lt;script&gt;x&lt;/script&gt;</em> và * lẻ" in page


def test_a_districts_own_plan_takes_its_code_and_place(app, client, login_as):
    login_as("canglong")
    with app.app_context():
        unit_id = f.unit_by_name("Huyện đoàn Càng Long").id
    response = client.post(f"/units/{unit_id}/initiatives/new", data={
        "field": "economy", "title": "Tổ hợp tác thanh niên", "measure": "child", "amount": "10",
        "label": "em"})
    assert response.status_code == 302
    with app.app_context():
        own = db.session.scalar(db.select(Plan).where(Plan.owner_unit_id == unit_id))
        assert own.code == "…-KH/HĐ" and own.place == "Càng Long" and own.archive_note == "Lưu: VT."
        assert [r.text for r in own.recipients] == ["Ban Thường vụ Tỉnh đoàn (b/c);",
                                                   "Ban Tổ chức – Kiểm tra Tỉnh đoàn (b/c);"]
        own_id = own.id
    page = client.get(f"/plans/{own_id}").text
    assert "Càng Long, ngày … tháng … năm 2021" in page and "<p>- </p>" not in page


def test_the_administrator_sets_a_units_code_and_place(app, client, login_as):
    with app.app_context():
        unit = f.unit_by_name("Huyện đoàn Cầu Kè")
        unit_id, parent = unit.id, unit.parent_id
    login_as("admin")
    response = client.post(f"/admin/units/{unit_id}/edit", data={
        "name": "Huyện đoàn Cầu Kè", "short_name": "Huyện đoàn Cầu Kè", "code": "HĐCK", "place": "Cầu Kè",
        "kind": "district", "parent_id": str(parent)})
    assert response.status_code == 302
    with app.app_context():
        unit = db.session.get(Unit, unit_id)
        assert (unit.code, unit.place) == ("HĐCK", "Cầu Kè")


def test_percentages_round_half_up_and_say_100_only_when_met():
    assert [percent(5, 9), percent(25, 90), percent(229, 600)] == [56, 28, 38]
    assert percent(996, 1000) == 99 and percent(1000, 1000) == 100 and percent(1100, 1000) == 110
    assert percent(1, 0) == 0


def test_unit_report_leaves_out_empty_sections(app, client, login_as):
    login_as("canglong")
    report_id = rid(app, "canglong")
    document = _docx(client, f"/reports/{report_id}/docx")
    text = "\n".join(p.text for p in document.paragraphs)
    assert "(Không có nội dung" not in text and "Kết quả trên lĩnh vực" not in text
