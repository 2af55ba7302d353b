"""Word and Excel files: the province report in official layout, a unit's section, the workbook."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from danvan import word
from danvan.formatting import date_line, format_date, format_number, format_vnd_short
from danvan.orm.plan import MEASURE_LABELS, Measure
from danvan.orm.report import SECTIONS, PeriodKind

NUMBER = "#,##0"
PERCENT = "0%"


def measure_label(measure: str) -> str:
    try:
        return MEASURE_LABELS[Measure(measure)]
    except ValueError:
        return measure


def period_summary(period) -> str:
    """The trích yếu of a report of the period: "… “Dân vận khéo” năm 2021" (no title repeated)."""
    year = period.cut_off_on.year
    span = {PeriodKind.ANNUAL: f"năm {year}", PeriodKind.HALF_YEAR: f"6 tháng đầu năm {year}"}
    return f"Kết quả thực hiện phong trào thi đua “Dân vận khéo” {span.get(period.kind, period.name)}"


def document_number(sequence: str, kind: str, plan) -> str:
    """"Số: 415-BC/TĐTN-TCKT": the number, the kind, the issuing and the drafting units' codes."""
    codes = "-".join(c for c in (plan.owner_unit.code, plan.standing_unit.code if plan.standing_unit else "")
                     if c) or "…"
    return f"Số: {sequence or '…'}-{kind}/{codes}"


def _sections(document, narrative: list[tuple[str, str, str]], first: int = 1) -> int:
    """Write the narrative sections that have text, numbered from `first`; return the next number."""
    number = first
    for _key, label, text in narrative:
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
        if not lines:
            continue
        word.heading(document, f"{number}. {label}")
        for line in lines:
            word.paragraph(document, line)
        number += 1
    return number


def target_rows(data: dict) -> list[list[str]]:
    return [[f"{t['initiative']}: {t['label']}", measure_label(t["measure"]), format_number(t["target"]),
             format_number(t["total"])] for t in data.get("targets", [])]


def compiled_docx(period, compiled, plan) -> bytes:
    """Return the province report as a Word document in the official layout."""
    data = compiled.totals
    document = word.new_document()
    word.header_block(document, plan.issuer_heading, document_number(compiled.code, "BC", plan),
                      plan.organisation_heading, date_line(plan.place, compiled.issued_on, period.cut_off_on.year))
    word.title_block(document, "BÁO CÁO", period_summary(period))
    word.paragraph(document, f"(Theo Kế hoạch số {plan.code}; số liệu tính đến ngày "
                   f"{format_date(period.cut_off_on)})", italic=True, align=word.CENTER)
    word.paragraph(document, f"Ban Tổ chức – Kiểm tra Tỉnh đoàn tổng hợp từ {data.get('accepted', 0)}/"
                   f"{data.get('owing', 0)} báo cáo đã tiếp nhận của các đơn vị và kết quả của các ban, "
                   "đơn vị thuộc Tỉnh đoàn như sau:")
    word.heading(document, "I. KẾT QUẢ THỰC HIỆN CÁC MÔ HÌNH “DÂN VẬN KHÉO”", indent=False)
    word.table(document, ["Mô hình, chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Kết quả"], target_rows(data),
               widths=[8.1, 2.4, 3, 3], numeric={2, 3})
    houses, roads = data.get("houses", {}), data.get("roads", {})
    word.paragraph(document, f"Nhà Nhân ái đã bàn giao: {format_number(houses.get('count', 0))} căn, kinh phí "
                   f"vận động {format_vnd_short(houses.get('funds', 0))}. Tuyến đường thanh niên "
                   f"“Xanh – Sạch – Đẹp” hoàn thành: {format_number(roads.get('count', 0))} tuyến.")
    word.table(document, ["Đơn vị", "Nhà Nhân ái", "Tuyến đường", "Mô hình của đơn vị"],
               [[u["unit"], format_number(u["houses"]), format_number(u["roads"]),
                 format_number(u["own_initiatives"])] for u in data.get("units", [])],
               widths=[7.5, 3, 3, 3], numeric={1, 2, 3})
    word.heading(document, "II. KẾT QUẢ TRÊN TỪNG LĨNH VỰC, CÁCH LÀM HAY, KHÓ KHĂN, ĐỀ XUẤT", indent=False)
    _sections(document, compiled.sections())
    word.signature_block(document, ["Ban Dân vận TU (b/c);", "Lưu: VT, TCKT."], plan.signer_on_behalf,
                         plan.signer_title, plan.signer_name)
    return word.to_bytes(document)


def report_docx(report, numbers: dict) -> bytes:
    """Return a unit's report as a Word section it can paste into its own annual report."""
    document = word.new_document()
    word.paragraph(document, f"KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA “DÂN VẬN KHÉO” – "
                   f"{report.period.name.upper()}", bold=True, align=word.CENTER, keep_with_next=True)
    word.paragraph(document, report.unit.name, italic=True, align=word.CENTER)
    word.heading(document, "1. Số liệu")
    checklist = numbers.get("checklist", {})
    rows = [[f"{t['initiative']}: {t['label']}", format_number(t["amount"]), measure_label(t["measure"])]
            for t in numbers.get("targets", [])]
    rows += [["Nhà Nhân ái đã bàn giao", format_number(numbers["houses"]["count"]), "căn"],
             ["Kinh phí vận động Nhà Nhân ái đã bàn giao", format_number(numbers["houses"]["funds"]), "đồng"],
             ["Tuyến đường thanh niên hoàn thành", format_number(numbers["roads"]["count"]), "tuyến"],
             ["Mô hình của đơn vị", format_number(len(numbers["own_initiatives"])), "mô hình"]]
    if "items" in checklist:
        rows.append(["Việc cần làm đã xong", f"{checklist['items_done']}/{checklist['items']}", "việc"])
    rows.append(["Nhiệm vụ theo kế hoạch hoàn thành", f"{checklist.get('done', 0)}/{checklist.get('total', 0)}",
                 "nhiệm vụ"])
    rows += [[line.label, format_number(line.amount), line.measure] for line in report.lines]
    word.table(document, ["Nội dung", "Kết quả", "Đơn vị tính"], rows, widths=[10.5, 3, 3], numeric={1})
    _sections(document, report.sections(), first=2)
    return word.to_bytes(document)


def compiled_xlsx(period, compiled) -> bytes:
    """Return the workbook: totals, one sheet per mô hình with per-unit rows, report states."""
    data = compiled.totals
    book = Workbook()
    totals = book.active
    totals.title = "Tổng hợp"
    totals.append([period.name])
    totals.append(["Mô hình", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Kết quả", "Tỷ lệ"])
    for t in data.get("targets", []):
        totals.append([t["initiative"], t["label"], measure_label(t["measure"]), t["target"], t["total"],
                       t["total"] / t["target"] if t["target"] else None])
    totals.append([])
    totals.append(["Nhà Nhân ái đã bàn giao (căn)", None, None, None, data["houses"]["count"]])
    totals.append(["Kinh phí vận động Nhà Nhân ái (đồng)", None, None, None, data["houses"]["funds"]])
    totals.append(["Tuyến đường thanh niên hoàn thành (tuyến)", None, None, None, data["roads"]["count"]])
    totals.append([])
    totals.append(["Đơn vị", "Số liệu bổ sung", "Đơn vị tính", None, "Kết quả"])
    extra_header = totals.max_row
    for line in data.get("lines", []):
        totals.append([line["unit"], line["label"], line["measure"], None, line["amount"]])
    style_sheet(totals, header_rows=(1, 2, extra_header), widths={"A": 45, "B": 40, "C": 12, "D": 16, "E": 16})
    used = {"Tổng hợp", "Tình trạng báo cáo"}
    initiatives: dict[int, list[dict]] = {}
    for t in data.get("targets", []):
        initiatives.setdefault(t["initiative_id"], []).append(t)
    for position, rows in enumerate(initiatives.values(), 1):
        sheet = book.create_sheet(_sheet_title(f"{position}. {rows[0]['initiative']}", used))
        sheet.append([rows[0]["initiative"]])
        sheet.append(["Đơn vị"] + [f"{t['label']} ({measure_label(t['measure'])})" for t in rows])
        names: list[str] = []
        for t in rows:
            for u in t["units"]:
                if u["unit"] not in names:
                    names.append(u["unit"])
        for name in names:
            sheet.append([name] + [sum(u["amount"] for u in t["units"] if u["unit"] == name) for t in rows])
        sheet.append(["Tổng cộng"] + [t["total"] for t in rows])
        sheet.append(["Kế hoạch"] + [t["target"] for t in rows])
        style_sheet(sheet, header_rows=(1, 2), widths={"A": 45})
    states = book.create_sheet("Tình trạng báo cáo")
    states.append(["Đơn vị", "Tình trạng", "Số ngày trễ", "Việc cần làm"])
    for s in data.get("states", []):
        states.append([s["unit"], s["label"], s["days_late"], s.get("checklist", "")])
    style_sheet(states, header_rows=(1,), widths={"A": 45, "B": 18, "C": 12, "D": 14})
    plain_text(book)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def plain_text(book) -> None:
    """Make every text cell a string, never a formula, and show it as typed.

    openpyxl stores a value that starts with "=" as a formula; a unit's text ("=HYPERLINK(…)")
    must stay text that a spreadsheet shows and never runs, with no mark added to it.
    """
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def style_sheet(sheet, header_rows: tuple[int, ...], widths: dict[str, int]) -> None:
    """Bold the header rows only; whole numbers with thousands separators, ratios as percentages."""
    bold = Font(bold=True)
    for row in sheet.iter_rows():
        for cell in row:
            if cell.row in header_rows:
                cell.font = bold
            elif isinstance(cell.value, float):
                cell.number_format = PERCENT
            elif isinstance(cell.value, int):
                cell.number_format = NUMBER
                cell.alignment = Alignment(horizontal="right")
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


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


__all__ = ["SECTIONS", "compiled_docx", "compiled_xlsx", "plain_text", "report_docx"]
