"""Word and Excel files: the province report in official layout, a unit's section, the workbook."""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from danvan.formatting import format_number
from danvan.orm.plan import MEASURE_LABELS, Measure
from danvan.orm.report import SECTIONS
from danvan.reports.prefill import checklist_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
FONT = "Times New Roman"


def safe_cell(value):
    """Return a cell value that a spreadsheet never reads as a formula (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def measure_label(measure: str) -> str:
    try:
        return MEASURE_LABELS[Measure(measure)]
    except ValueError:
        return measure


def amount_text(amount: int, measure: str) -> str:
    return f"{format_number(amount)} {measure_label(measure)}".strip()


def _document() -> Document:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia", FONT)
    style.paragraph_format.space_after = Pt(3)
    return document


def _para(document, text="", bold=False, italic=False, align=None, size=None, indent=True):
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    elif indent:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Cm(1)
    return paragraph


def _cell_text(cell, lines: list[tuple[str, bool, bool]], size=13):
    cell.text = ""
    first = True
    for text, bold, italic in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)


def _narrative(document, narrative: list[tuple[str, str, str]], start: int = 1) -> None:
    for number, (_key, label, text) in enumerate(narrative, start):
        _para(document, f"{number}. {label}", bold=True)
        for line in (text or "").splitlines() or ["(Không có nội dung.)"]:
            if line.strip():
                _para(document, line.strip())


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _cell_text(cell, [(text, True, False)], size=12)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = str(text)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(12)


def _bytes(document) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def target_rows(data: dict) -> list[list[str]]:
    return [[t["initiative"], t["label"], amount_text(t["target"], t["measure"]),
             amount_text(t["total"], t["measure"])] for t in data.get("targets", [])]


def compiled_docx(period, compiled, plan, signed_on) -> bytes:
    """Return the province report as a Word document in the official layout."""
    data = compiled.totals
    document = _document()
    head = document.add_table(rows=1, cols=2)
    code = compiled.code or "…"
    _cell_text(head.rows[0].cells[0], [(plan.issuer_heading, True, False), ("***", False, False),
                                       (f"Số: {code}-BC/TĐTN-TCKT", False, False)])
    _cell_text(head.rows[0].cells[1], [
        (plan.organisation_heading, True, False), ("", False, False),
        (f"{plan.place}, ngày {signed_on.day:02d} tháng {signed_on.month:02d} năm {signed_on.year}",
         False, True),
    ])
    _para(document, "")
    _para(document, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15)
    _para(document, f"Kết quả thực hiện phong trào thi đua “Dân vận khéo” – {period.name}",
          bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, f"(Theo Kế hoạch số {plan.code}; số liệu tính đến ngày "
          f"{period.cut_off_on:%d/%m/%Y})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, f"Ban Tổ chức – Kiểm tra Tỉnh đoàn tổng hợp từ {data.get('accepted', 0)}/"
          f"{data.get('owing', 0)} báo cáo đã tiếp nhận của các đơn vị và kết quả của các ban, "
          "đơn vị thuộc Tỉnh đoàn như sau:")
    _para(document, "I. KẾT QUẢ THỰC HIỆN CÁC MÔ HÌNH “DÂN VẬN KHÉO”", bold=True, indent=False)
    _table(document, ["Mô hình", "Chỉ tiêu", "Kế hoạch", "Kết quả"], target_rows(data))
    houses, roads = data.get("houses", {}), data.get("roads", {})
    _para(document, f"Nhà Nhân ái đã bàn giao: {format_number(houses.get('count', 0))} căn, kinh phí "
          f"vận động {format_number(houses.get('funds', 0))} đồng. Tuyến đường thanh niên "
          f"“Xanh – Sạch – Đẹp” hoàn thành: {format_number(roads.get('count', 0))} tuyến.")
    _table(document, ["Đơn vị", "Nhà Nhân ái", "Tuyến đường", "Mô hình của đơn vị"],
           [[u["unit"], format_number(u["houses"]), format_number(u["roads"]),
             format_number(u["own_initiatives"])] for u in data.get("units", [])])
    _para(document, "II. KẾT QUẢ TRÊN TỪNG LĨNH VỰC, CÁCH LÀM HAY, KHÓ KHĂN, ĐỀ XUẤT",
          bold=True, indent=False)
    _narrative(document, compiled.sections())
    sign = document.add_table(rows=1, cols=2)
    _cell_text(sign.rows[0].cells[0], [("Nơi nhận:", True, True), ("- Ban Dân vận TU (b/c);", False, False),
                                       ("- Lưu TCKT.", False, False)], size=12)
    for paragraph in sign.rows[0].cells[0].paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _cell_text(sign.rows[0].cells[1], [(plan.signer_on_behalf, True, False), (plan.signer_title, True, False),
                                       ("", False, False), ("", False, False), (plan.signer_name, True, False)])
    return _bytes(document)


def report_docx(report, numbers: dict) -> bytes:
    """Return a unit's report as a Word section it can paste into its own annual report."""
    document = _document()
    _para(document, f"KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” – {report.period.name.upper()}",
          bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, report.unit.name, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(document, "1. Số liệu", bold=True)
    rows = [[t["initiative"], t["label"], amount_text(t["amount"], t["measure"])]
            for t in numbers.get("targets", [])]
    rows += [["Nhà Nhân ái đã bàn giao", "căn / kinh phí",
              f"{format_number(numbers['houses']['count'])} căn / "
              f"{format_number(numbers['houses']['funds'])} đồng"],
             ["Tuyến đường thanh niên", "tuyến", format_number(numbers["roads"]["count"])],
             ["Mô hình của đơn vị", "mô hình", format_number(len(numbers["own_initiatives"]))],
             ["Nhiệm vụ theo kế hoạch", "việc cần làm / nhiệm vụ",
              checklist_text(numbers.get("checklist", {}))]]
    rows += [[line.label, line.measure, format_number(line.amount)] for line in report.lines]
    _table(document, ["Nội dung", "Đơn vị tính", "Kết quả"], rows)
    _narrative(document, report.sections(), start=2)
    return _bytes(document)


def compiled_xlsx(period, compiled) -> bytes:
    """Return the workbook: totals, one sheet per mô hình with per-unit rows, report states."""
    data = compiled.totals
    book = Workbook()
    bold = Font(bold=True)
    totals = book.active
    totals.title = "Tổng hợp"
    totals.append([safe_cell(period.name)])
    totals.append(["Mô hình", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Kết quả"])
    for t in data.get("targets", []):
        totals.append([safe_cell(t["initiative"]), safe_cell(t["label"]), measure_label(t["measure"]),
                       t["target"], t["total"]])
    totals.append([])
    totals.append(["Nhà Nhân ái đã bàn giao (căn)", None, None, None, data["houses"]["count"]])
    totals.append(["Kinh phí vận động Nhà Nhân ái (đồng)", None, None, None, data["houses"]["funds"]])
    totals.append(["Tuyến đường thanh niên hoàn thành (tuyến)", None, None, None, data["roads"]["count"]])
    totals.append([])
    totals.append(["Đơn vị", "Số liệu bổ sung", "Đơn vị tính", None, "Kết quả"])
    for line in data.get("lines", []):
        totals.append([safe_cell(line["unit"]), safe_cell(line["label"]), safe_cell(line["measure"]),
                       None, line["amount"]])
    used = {"Tổng hợp", "Tình trạng báo cáo"}
    initiatives: dict[int, list[dict]] = {}
    for t in data.get("targets", []):
        initiatives.setdefault(t["initiative_id"], []).append(t)
    for position, rows in enumerate(initiatives.values(), 1):
        title = _sheet_title(f"{position}. {rows[0]['initiative']}", used)
        sheet = book.create_sheet(title)
        sheet.append([safe_cell(rows[0]["initiative"])])
        sheet.append(["Đơn vị"] + [safe_cell(f"{t['label']} ({measure_label(t['measure'])})") for t in rows])
        names: list[str] = []
        for t in rows:
            for u in t["units"]:
                if u["unit"] not in names:
                    names.append(u["unit"])
        for name in names:
            sheet.append([safe_cell(name)] + [
                sum(u["amount"] for u in t["units"] if u["unit"] == name) for t in rows])
        sheet.append(["Tổng cộng"] + [t["total"] for t in rows])
        sheet.append(["Kế hoạch"] + [t["target"] for t in rows])
        _bold_header(sheet, bold)
    states = book.create_sheet("Tình trạng báo cáo")
    states.append(["Đơn vị", "Tình trạng", "Số ngày trễ", "Việc cần làm"])
    for s in data.get("states", []):
        states.append([safe_cell(s["unit"]), s["label"], s["days_late"], s.get("checklist", "")])
    for sheet in (totals, states):
        _bold_header(sheet, bold)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    title = title[:31].strip()
    base, n = title, 2
    while title in used:
        title = f"{base[:28]} {n}"
        n += 1
    used.add(title)
    return title


def _bold_header(sheet, bold) -> None:
    for row in sheet.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.font = bold
    sheet.column_dimensions["A"].width = 40


__all__ = ["SECTIONS", "compiled_docx", "compiled_xlsx", "report_docx", "safe_cell"]
