"""The plan as a Word document, in the layout of the printed plan (for the archive and for units
that circulate plans by e-mail)."""

from __future__ import annotations

from danvan import word
from danvan.formatting import date_line
from danvan.orm import Plan


def plan_docx(plan: Plan) -> bytes:
    """Return the plan as a .docx: header, KẾ HOẠCH and its trích yếu, sections I–IV, signature."""
    document = word.new_document()
    word.header_block(document, plan.issuer_heading, f"Số: {plan.code}", plan.organisation_heading,
                      date_line(plan.place, plan.issued_on, plan.year))
    word.title_block(document, "KẾ HOẠCH", plan.title)
    word.paragraph(document, plan.basis)
    word.heading(document, "I. MỤC ĐÍCH, YÊU CẦU", indent=False)
    for purpose in plan.purposes:
        word.paragraph(document, f"- {purpose.text}")
    word.heading(document, "II. NỘI DUNG", indent=False)
    for number, content in enumerate(plan.contents, 1):
        word.paragraph(document, f"{number}. Mô hình “Dân vận khéo” trên lĩnh vực {content.field.label}: "
                                 f"{content.text}")
    scope = "CẤP TỈNH" if plan.parent_plan_id is None else "CỦA ĐƠN VỊ"
    word.heading(document, f"III. MÔ HÌNH “DÂN VẬN KHÉO” {scope}", indent=False)
    if plan.initiatives_intro:
        word.paragraph(document, plan.initiatives_intro)
    for number, initiative in enumerate(plan.initiatives, 1):
        word.paragraph(document, f"{number}. {initiative.wording or initiative.title}")
    word.heading(document, "IV. TỔ CHỨC THỰC HIỆN", indent=False)
    section, number = None, 0
    for assignment in plan.assignments:
        if assignment.section != section:
            section, number = assignment.section, number + 1
            word.heading(document, f"{number}. {section}")
        word.paragraph(document, f"- {assignment.text}")
    if plan.closing:
        word.paragraph(document, plan.closing)
    recipients = [r.text for r in plan.recipients] + ([plan.archive_note] if plan.archive_note else [])
    word.signature_block(document, recipients, plan.signer_on_behalf, plan.signer_title, plan.signer_name)
    return word.to_bytes(document)
