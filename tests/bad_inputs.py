"""The shared bad-input corpus of TRUST.md §3, as named constants (R16–R33 reuse them)."""

from __future__ import annotations

import unicodedata

# Vietnamese text
NFC_NAMES = ["Huyện Đoàn Càng Long", "Nhà tình nghĩa", "Đoàn viên"]
NFD_NAMES = [unicodedata.normalize("NFD", s) for s in NFC_NAMES]
TELEX = "Ddoanf vieen"
ETH_LOOKALIKE = "ðoàn viên"  # U+00F0, not đ
ZALGO = "a" + "\u0301" * 500
BIDI = "Tỉnh\u202eđoàn"
ZERO_WIDTH = "Nhà\u200btình\ufeffnghĩa"
CONTROL = "x\x00y\x1bz"
CRLF = "một\r\ndòng"

# Size
EMPTY = ""
ONE_CHAR = "a"
KB_64 = "ệ" * (64 * 1024)

# Numbers (VND and counts)
NUMBERS = ["-1", "0", "3600000000", "3.600.000.000", "3,6", "3,6 tỷ", "1e12", "NaN", "Infinity",
           "３６００", "٣٦", "3_600_000", "9223372036854775808", "99999999999999999999", "0x10",
           " 42 ", "1/2", "90.5", "-3", "1e3", ""]

# Injection
SQL = ["' OR 1=1--", "1; DROP TABLE report;--", "%", "_", "Nhà 'tình nghĩa'"]
SSTI = "{{7*7}}"
SSTI_BLOCK = "{% raw %}"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
XSS_ATTR = "' onmouseover='alert(1)"
JS_URL = "javascript:alert(1)"
HX_GADGET = '<div hx-get="/logout" hx-trigger="load">'
HX_POST_GADGET = '<a hx-post="/reports/1/delete">x</a>'
HX_VALS_BREAKER = 'x", "unit_id": "99'
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(1)", "\t=1"]

# Identity and authorization: extra fields nobody may set through a form (R17).
MASS_ASSIGNMENT = {"unit_id": "99", "status": "accepted", "approved_by": "1", "created_by": "1",
                   "created_by_id": "1", "version": "999", "is_admin": "1", "user_id": "1",
                   "task_id": "1", "plan_id": "1", "period_id": "1", "active": "0"}
BAD_IDS = ["0", "-1", "99999999", "9223372036854775808", "1.0", "01", "1 OR 1=1", "%31"]

TEXT_CORPUS = {
    "xss_script": XSS_SCRIPT, "xss_img": XSS_IMG, "xss_attr": XSS_ATTR, "js_url": JS_URL,
    "ssti": SSTI, "ssti_block": SSTI_BLOCK, "hx_gadget": HX_GADGET, "hx_post_gadget": HX_POST_GADGET,
    "hx_vals_breaker": HX_VALS_BREAKER, "nfd": NFD_NAMES[0], "bidi": BIDI, "zero_width": ZERO_WIDTH,
    "zalgo": ZALGO, "control": CONTROL, "crlf": CRLF, "eth": ETH_LOOKALIKE, "telex": TELEX,
    "sql": SQL[0], "formula": FORMULAS[0], "kb64": KB_64,
}
