"""Word documents in the layout of the Đoàn's official papers (Nghị định 30/2020, Hướng dẫn 29-HD/TWĐTN).

One place for what every document shares, so a clerk files it without retouching: A4, margins
2 / 2 / 3 / 1,5 cm, Times New Roman 14, Vietnamese as the proofing language, 6 pt after each
paragraph, page numbers centred at the top from page 2, the two-column header with its rules,
headings kept with the text below them, tables inside the text block with numbers on the right,
and a signature block with room for the signature and the seal.
"""

from __future__ import annotations

from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from danvan.text import emphasis_runs

FONT = "Times New Roman"
BODY_PT = 14
LANGUAGE = "vi-VN"
PAGE_WIDTH, LEFT_MARGIN, RIGHT_MARGIN = Cm(21), Cm(3), Cm(1.5)
TEXT_WIDTH = PAGE_WIDTH - LEFT_MARGIN - RIGHT_MARGIN  # 16,5 cm: no table runs wider
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)
SIGNATURE_ROOM = 4  # blank lines between the signer's title and name: the signature and the seal


def new_document() -> Document:
    """Return an empty A4 document with the official page, font, language and spacing."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = LEFT_MARGIN, RIGHT_MARGIN
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    fonts = style.element.rPr.rFonts
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        language.set(qn(attribute), LANGUAGE)
    style.element.rPr.append(language)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.space_before = Pt(0)
    _page_numbers(section)
    return document


def _page_numbers(section) -> None:
    """The page number centred in the header, from page 2 on (the first page has none)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def add_runs(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None):
    """Add text to a paragraph, its *…* marks as italic runs."""
    for piece, emphasised in emphasis_runs(text):
        run = paragraph.add_run(piece)
        run.bold = bold or None
        run.italic = (italic or emphasised) or None
        if size:
            run.font.size = Pt(size)
    return paragraph


def paragraph(document, text: str = "", *, bold=False, italic=False, align=JUSTIFY, size=None, indent=True,
              keep_with_next=False):
    """Add a body paragraph: justified with a 1 cm first-line indent unless told otherwise."""
    p = add_runs(document.add_paragraph(), text, bold=bold, italic=italic, size=size)
    p.alignment = align
    if indent and align == JUSTIFY:
        p.paragraph_format.first_line_indent = Cm(1)
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    return p


def heading(document, text: str, *, indent: bool = True):
    """Add a bold heading that is never left alone at the foot of a page."""
    p = paragraph(document, text, bold=True, indent=indent, keep_with_next=True)
    p.paragraph_format.space_before = Pt(6)
    return p


def short_rule(container, available: Cm, width: Cm):
    """Add a short centred horizontal rule of `width` under the line above (a paragraph border)."""
    p = container.add_paragraph()
    p.alignment = CENTER
    p.paragraph_format.space_before = Pt(3)  # clear of the descenders of the line above
    p.paragraph_format.space_after = Pt(2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = int((available - width) / 2)
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p._p.get_or_add_pPr().append(borders)
    p.add_run().font.size = Pt(2)
    return p


def _cell_lines(cell, lines: list[tuple[str, bool, bool]], size: float = 13, align=CENTER,
                append: bool = False) -> None:
    """Write (text, bold, italic) lines into a table cell, one paragraph each."""
    first = not append
    for text, bold, italic in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.alignment = align
        p.paragraph_format.space_after = Pt(0)
        add_runs(p, text, bold=bold, italic=italic, size=size)


def _borderless(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _fixed_widths(table, widths: list[Cm]) -> None:
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width


def header_block(document, issuer: str, number: str, organisation: str, date_line: str) -> None:
    """Add the two-column header: issuing body, *** and the number; the organisation, a rule, the date."""
    half = TEXT_WIDTH // 2
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    _fixed_widths(table, [half, TEXT_WIDTH - half])
    left, right = table.rows[0].cells
    _cell_lines(left, [(issuer, True, False), ("***", False, False), (number, False, False)])
    _cell_lines(right, [(organisation, True, False)])
    short_rule(right, TEXT_WIDTH - half, Cm(5))
    _cell_lines(right, [(date_line, False, True)], append=True)


def title_block(document, kind: str, summary: str) -> None:
    """Add the document's kind ("KẾ HOẠCH", "BÁO CÁO"), its trích yếu in bold and a short rule."""
    document.add_paragraph().paragraph_format.space_after = Pt(0)
    p = paragraph(document, kind, bold=True, align=CENTER, size=15)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.keep_with_next = True
    p = paragraph(document, summary, bold=True, align=CENTER)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.keep_with_next = True
    short_rule(document, TEXT_WIDTH, Cm(3))


def table(document, header: list[str], rows: list[list], widths: list[float], numeric: set[int] = frozenset(),
          size: float = 12) -> None:
    """Add a grid table within the text block (`widths` in cm); numeric columns aligned right."""
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    _fixed_widths(grid, [Cm(w) for w in widths])
    header_row = grid.rows[0]
    _repeat_header(header_row)
    for cell, text in zip(header_row.cells, header, strict=True):
        _cell_lines(cell, [(text, True, False)], size=size)
    for row in rows:
        cells = grid.add_row().cells
        for column, (cell, value) in enumerate(zip(cells, row, strict=True)):
            _cell_lines(cell, [(str(value), False, False)], size=size,
                        align=RIGHT if column in numeric else LEFT)
    _fixed_widths(grid, [Cm(w) for w in widths])
    document.add_paragraph().paragraph_format.space_after = Pt(0)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def signature_block(document, recipients: list[str], on_behalf: str, title: str, name: str) -> None:
    """Add "Nơi nhận" on the left and the signer on the right, with room for signature and seal."""
    block = document.add_table(rows=1, cols=2)
    _borderless(block)
    # The signer's lines are the longer ones ("TM. BAN THƯỜNG VỤ TỈNH ĐOÀN"): give them more room.
    _fixed_widths(block, [Cm(7.5), TEXT_WIDTH - Cm(7.5)])
    left, right = block.rows[0].cells
    _cell_lines(left, [("Nơi nhận:", True, True)], size=12, align=LEFT)
    _cell_lines(left, [(f"- {r}", False, False) for r in recipients], size=11, align=LEFT, append=True)
    signer = [(on_behalf, True, False), (title, True, False)] + [("", False, False)] * SIGNATURE_ROOM
    _cell_lines(right, signer + [(name, True, False)], size=14)
    _keep_together(block)


def _keep_together(table) -> None:
    """Keep a short table on one page (the signature block must not split from its name)."""
    for row in table.rows:
        row_properties = row._tr.get_or_add_trPr()
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        row_properties.append(cant_split)
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = True


def to_bytes(document) -> bytes:
    out = BytesIO()
    document.save(out)
    return out.getvalue()
