"""A visual check of the Word files: LibreOffice prints them to PDF as a clerk would, then poppler reads
the pages back (page count, what ends each page, where the header block stands on page 1).

LibreOffice and poppler come from Debian's packages (`.ci/run` installs them). Without them
this module skips, saying so, but never in CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document

from tests.test_reports import accept_canglong_and_compile, period_id

TOOLS = ("soffice", "pdftotext", "pdfinfo", "pdftoppm")
if not all(shutil.which(tool) for tool in TOOLS):
    if os.environ.get("CI") == "true":
        raise RuntimeError("LibreOffice and poppler are missing in CI: the document checks must run there")
    pytest.skip("LibreOffice or poppler is not installed (apt-get install libreoffice-writer-nogui "
                "poppler-utils)", allow_module_level=True)

A4_WIDTH_PT, A4_HEIGHT_PT = 595.3, 841.9
LEFT_PT, RIGHT_PT = 3 / 2.54 * 72, 1.5 / 2.54 * 72  # the margins, in points


def to_pdf(files: dict[str, bytes], directory: Path) -> dict[str, Path]:
    """Convert .docx files with LibreOffice (headless, its own profile); return the PDFs by name."""
    for name, data in files.items():
        (directory / f"{name}.docx").write_bytes(data)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{directory / 'profile'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(directory),
                    *[str(directory / f"{name}.docx") for name in files]],
                   check=True, capture_output=True, timeout=180)
    return {name: directory / f"{name}.pdf" for name in files}


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_lines(pdf: Path, page: int) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [line.strip() for line in text.splitlines() if line.strip()]


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Return (word, xMin, yMin, xMax, yMax) in points for one page (poppler's bounding boxes)."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html)]


def headings_of(data: bytes) -> set[str]:
    """The headings of a .docx: the paragraphs it keeps with the next one."""
    document = Document(BytesIO(data))
    return {p.text.strip() for p in document.paragraphs if p.paragraph_format.keep_with_next and p.text.strip()}


@pytest.fixture
def pdfs(app, client, login_as, tmp_path):
    report_id = accept_canglong_and_compile(app, client, login_as)
    files = {"compiled": client.get(f"/periods/{period_id(app)}/compiled.docx").data,
             "plan": client.get("/plans/1.docx").data}
    client.post("/logout")
    login_as("canglong")
    files["unit"] = client.get(f"/reports/{report_id}/docx").data
    return to_pdf(files, tmp_path), files


def test_documents_print_on_whole_pages_with_no_stranded_heading(pdfs):
    paths, files = pdfs
    counts = {name: pages(path) for name, path in paths.items()}
    assert counts["plan"] == 3 and 1 <= counts["unit"] <= 2 and 2 <= counts["compiled"] <= 3, counts
    for name, path in paths.items():
        headings = headings_of(files[name])
        for page in range(1, counts[name] + 1):
            lines = page_lines(path, page)
            assert lines[-1] not in headings, (name, page, lines[-1])
            if page > 1:  # the page number, centred at the top, from page 2
                assert lines[0] == str(page), (name, page, lines[0])
        assert page_lines(path, 1)[0] != "1"


def test_the_header_block_stands_where_the_decree_puts_it(pdfs):
    paths, _files = pdfs
    for name in ("plan", "compiled"):
        found = words(paths[name], 1)
        first = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in reversed(found)}
        issuer, stars, organisation = first["BCH"], first["***"], first["TNCS"]
        middle_of_text = (LEFT_PT + A4_WIDTH_PT - RIGHT_PT) / 2
        # The issuing body on the left half, the organisation on the right, on one line near the top.
        assert issuer[2] < middle_of_text < organisation[0], name
        assert abs(issuer[1] - organisation[1]) < 3 and issuer[1] < 0.15 * A4_HEIGHT_PT, name
        # *** under the issuing body, centred on it.
        bch_line = [w for w in found if abs(w[2] - issuer[1]) < 3 and w[3] < middle_of_text]
        bch_centre = (min(w[1] for w in bch_line) + max(w[3] for w in bch_line)) / 2
        assert stars[1] > issuer[3] and abs((stars[0] + stars[2]) / 2 - bch_centre) < 6, name
        # The kind of document, centred on the text block, below the header.
        kind = first["KẾ"] if name == "plan" else first["BÁO"]
        kind_line = [w for w in found if abs(w[2] - kind[1]) < 3]
        centre = (min(w[1] for w in kind_line) + max(w[3] for w in kind_line)) / 2
        assert abs(centre - middle_of_text) < 6 and kind[1] > stars[3], name


def test_the_thi_dua_proposal_and_its_list_print_as_filed(app, client, login_as, tmp_path):
    """The demo's approved 2021 review: the Tờ trình on one or two pages with its header block in
    place and the signer's name on the last page, the list for the decision likewise."""
    login_as("tckt")
    files = {"proposal": client.get("/reviews/1/proposal.docx").data,
             "awards": client.get("/reviews/1/awards.docx").data}
    paths = to_pdf(files, tmp_path)
    for name, path in paths.items():
        count = pages(path)
        assert 1 <= count <= 2, (name, count)
        headings = headings_of(files[name])
        for page in range(1, count + 1):
            assert page_lines(path, page)[-1] not in headings, (name, page)
    last = page_lines(paths["proposal"], pages(paths["proposal"]))
    assert "Lâm Thị Mỹ Linh" in last[-1] or any("Lâm Thị Mỹ Linh" in line for line in last[-3:])
    found = words(paths["proposal"], 1)
    first = {w: (x0, y0, x1, y1) for w, x0, y0, x1, y1 in reversed(found)}
    middle_of_text = (LEFT_PT + A4_WIDTH_PT - RIGHT_PT) / 2
    assert first["BCH"][2] < middle_of_text < first["TNCS"][0]
    kind = first["TỜ"]
    kind_line = [w for w in found if abs(w[2] - kind[1]) < 3]
    assert abs((min(w[1] for w in kind_line) + max(w[3] for w in kind_line)) / 2 - middle_of_text) < 6
