"""Tests for danvan.formatting and danvan.text: Vietnamese numbers, money, dates, names, text."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.formatting import (
    AmountError,
    _load_tz,
    format_date,
    format_datetime,
    format_number,
    format_vnd,
    format_vnd_short,
    parse_amount,
    vn_sort_key,
)
from danvan.text import clean_text, username_key

NBSP = "\u00a0"
MONEY_MESSAGE = "Số tiền không hợp lệ. Nhập như 3.600.000.000 hoặc 3,6 tỷ."
COUNT_MESSAGE = "Số lượng phải là số nguyên không âm, ví dụ 3.000."


def nfd(s: str) -> str:
    """Return the decomposed form, as macOS and some keyboards send it."""
    return unicodedata.normalize("NFD", s)


# ---------------------------------------------------------------- numbers, money


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0"),
        (9, "9"),
        (999, "999"),
        (1000, "1.000"),
        (3000, "3.000"),
        (-1200, "-1.200"),
        (-999, "-999"),
        (1_234_567, "1.234.567"),
        (3_600_000_000, "3.600.000.000"),
        (10**13, "10.000.000.000.000"),
    ],
)
def test_format_number(n, expected):
    """Digits are grouped by thousands with dots, the sign kept in front."""
    assert format_number(n) == expected


@pytest.mark.parametrize("bad", [3000.5, 1e3, None, "3000", True])
def test_format_number_rejects_non_integers(bad):
    """Anything but an int is refused instead of being printed wrongly."""
    # A float would print as "3.000.5": refuse rather than show a wrong amount.
    with pytest.raises(TypeError):
        format_number(bad)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (3_600_000_000, "3.600.000.000\u00a0đ"),
        (0, "0\u00a0đ"),
        (500, "500\u00a0đ"),
        (-1200, "-1.200\u00a0đ"),
    ],
)
def test_format_vnd(amount, expected):
    """A full amount ends in a non-breaking space and đ, so the two never wrap apart."""
    assert format_vnd(amount) == expected
    assert " " not in format_vnd(amount)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (3_600_000_000, "3,6 tỷ đồng"),
        (600_000_000, "600 triệu đồng"),
        (40_000_000, "40 triệu đồng"),
        (1_250_000, "1,25 triệu đồng"),
        (500_000, "500.000 đồng"),
        (0, "0 đồng"),
        (3_612_345_678, "3.612.345.678 đồng"),
        (1_000_000_000, "1 tỷ đồng"),
        (1_050_000_000, "1,05 tỷ đồng"),
        # 1,005 tỷ needs 3 decimals, so the next smaller unit is used.
        (1_005_000_000, "1.005 triệu đồng"),
        (3_612_000_000, "3.612 triệu đồng"),
        (1_000_000, "1 triệu đồng"),
        (1_234_567, "1.234.567 đồng"),
        (999_999, "999.999 đồng"),
        (10**13, "10.000 tỷ đồng"),
        (-1_500_000, "-1,5 triệu đồng"),
    ],
)
def test_format_vnd_short(amount, expected):
    """Prose amounts use tỷ or triệu only when exact with at most 2 decimals."""
    assert format_vnd_short(amount) == expected


# Uniform integers almost never land on round tỷ/triệu values, so mix those in.
amounts = st.one_of(
    st.integers(min_value=0, max_value=10**13),
    st.builds(
        lambda mantissa, exponent: min(mantissa * 10**exponent, 10**13),
        st.integers(min_value=0, max_value=100_000),
        st.integers(min_value=0, max_value=12),
    ),
)


@settings(max_examples=500, deadline=None)
@given(amounts)
def test_every_format_parses_back_to_the_same_amount(n):
    """Whatever the app prints, a user can paste back and get the same number."""
    assert parse_amount(format_number(n), money=False, max_value=10**13) == n
    assert parse_amount(format_vnd(n), money=True) == n
    assert parse_amount(format_vnd_short(n), money=True) == n


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2021, 6, 22), "22/06/2021"),
        (date(2021, 1, 2), "02/01/2021"),
        (date(5, 1, 1), "01/01/0005"),
        (None, ""),
        # A datetime is a date too: 20:00 UTC on the 21st is the 22nd in Vietnam.
        (datetime(2021, 6, 21, 20, 0), "22/06/2021"),
    ],
)
def test_format_date(value, expected):
    """Dates are dd/mm/yyyy; datetimes are taken in Vietnam time first."""
    assert format_date(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2021, 6, 22, 6, 17), "13:17 22/06/2021"),
        (datetime(2021, 6, 22, 6, 17, tzinfo=timezone.utc), "13:17 22/06/2021"),
        (datetime(2021, 6, 22, 15, 17, tzinfo=timezone(timedelta(hours=9))), "13:17 22/06/2021"),
        (datetime(2021, 6, 22, 13, 17, tzinfo=timezone(timedelta(hours=7))), "13:17 22/06/2021"),
        (datetime(2021, 6, 21, 17, 5), "00:05 22/06/2021"),
        (datetime(2021, 12, 31, 23, 59), "06:59 01/01/2022"),
        (None, ""),
    ],
)
def test_format_datetime(value, expected):
    """Naive values are UTC, aware ones keep their offset; both show in Vietnam time."""
    assert format_datetime(value) == expected


def test_missing_tzdata_falls_back_to_a_fixed_plus_seven():
    """Without tzdata the app still shows Vietnam time."""
    tz = _load_tz("No/Such_Zone", 7)
    moment = datetime(2021, 6, 22, 6, 17, tzinfo=timezone.utc)
    assert moment.astimezone(tz).strftime("%H:%M") == "13:17"
    assert tz.utcoffset(None) == timedelta(hours=7)


# ---------------------------------------------------------------- sorting


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["Đoàn", "Dân", "Duyên Hải", "Ân", "An", "Ăn", "Bình"],
            ["An", "Ăn", "Ân", "Bình", "Dân", "Duyên Hải", "Đoàn"],
        ),
        (
            ["Châu Thành", "Cầu Ngang", "Càng Long", "Cầu Kè"],
            ["Càng Long", "Cầu Kè", "Cầu Ngang", "Châu Thành"],
        ),
        # Tones: none, sắc, huyền, hỏi, ngã, nặng.
        (["mạ", "mã", "mả", "mà", "má", "ma"], ["ma", "mà", "mả", "mã", "má", "mạ"]),
        # Base letters of the whole string decide before any tone does.
        (["ma c", "má b"], ["má b", "ma c"]),
        (["Tiểu Cần", "Tiểu cẩn", "Tiêu Cần"], ["Tiêu Cần", "Tiểu Cần", "Tiểu cẩn"]),
        (["o", "ơ", "ô", "u", "ư", "e", "ê"], ["e", "ê", "o", "ô", "ơ", "u", "ư"]),
        (["z", "y", "w", "x", "v", "j", "i", "k", "f", "e", "g"], list("efgijkvwxyz")),
        (["Đa", "Dz", "E"], ["Dz", "Đa", "E"]),
        (["Anh", "An Giang", "An"], ["An", "An Giang", "Anh"]),
        (["bình", "An", "ăn", "Ân"], ["An", "ăn", "Ân", "bình"]),
        (["Ấp 2", "Ấp 10", "Ấp 1"], ["Ấp 1", "Ấp 10", "Ấp 2"]),
    ],
)
def test_vn_sort_order(names, expected):
    """Names sort in Vietnamese alphabetical order, whatever order they came in."""
    assert sorted(names, key=vn_sort_key) == expected
    assert sorted(reversed(names), key=vn_sort_key) == expected


@pytest.mark.parametrize("name", ["Huyện Đoàn Càng Long", "Trường Tiểu học Ngãi Xuyên", "Ặ Ự Ề"])
def test_vn_sort_key_is_the_same_for_nfd_and_nfc(name):
    """Decomposed input sorts exactly like composed input."""
    assert nfd(name) != name
    assert vn_sort_key(nfd(name)) == vn_sort_key(name)


def test_vn_sort_key_ignores_case_before_the_tie_break():
    """Case only breaks ties, after letters and tones."""
    assert vn_sort_key("ĐOÀN")[:2] == vn_sort_key("đoàn")[:2]
    assert vn_sort_key("ĐOÀN") != vn_sort_key("đoàn")


# ---------------------------------------------------------------- parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3600000000", 3_600_000_000),
        ("3.600.000.000", 3_600_000_000),
        ("3,6 tỷ", 3_600_000_000),
        ("3,6 tỷ đồng", 3_600_000_000),
        ("3,6 tỉ", 3_600_000_000),
        ("3.6 ty", 3_600_000_000),
        ("3,6 TỶ", 3_600_000_000),
        ("600 triệu", 600_000_000),
        ("600 trieu", 600_000_000),
        ("600tr", 600_000_000),
        ("1,25 triệu", 1_250_000),
        ("1.25 triệu", 1_250_000),
        ("1,2345 triệu", 1_234_500),
        ("1.234 triệu", 1_234_000_000),
        ("1.234,5 triệu", 1_234_500_000),
        ("500 nghìn", 500_000),
        ("500 nghin", 500_000),
        ("500 ngàn", 500_000),
        ("500k", 500_000),
        ("500K", 500_000),
        ("40 triệu đồng", 40_000_000),
        ("40 triệu dong", 40_000_000),
        ("3.600.000.000 đ", 3_600_000_000),
        ("3.600.000.000đ", 3_600_000_000),
        ("3.600.000.000\u00a0đ", 3_600_000_000),
        ("3.600.000.000 VNĐ", 3_600_000_000),
        ("3600000000 vnd", 3_600_000_000),
        ("  3,6 tỷ  ", 3_600_000_000),
        (nfd("3,6 tỷ đồng"), 3_600_000_000),
        ("0", 0),
        ("0 đồng", 0),
        ("10.000 tỷ", 10**13),
        # 0,0000001 tỷ is exactly 100 đồng, so it is accepted.
        ("0,0000001 tỷ", 100),
    ],
)
def test_parse_amount_money(text, expected):
    """Money is accepted in the forms Vietnamese users type."""
    value = parse_amount(text, money=True)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3000", 3000), ("3.000", 3000), ("09", 9), ("0", 0), (" 12 ", 12), ("1.000.000", 1_000_000)],
)
def test_parse_amount_count(text, expected):
    """Counts accept plain or dot-grouped whole numbers."""
    value = parse_amount(text, money=False)
    assert value == expected
    assert type(value) is int


BAD_FOR_BOTH = [
    "",
    "   ",
    "-1",
    "-3",
    "+3",
    "1e12",
    "NaN",
    "nan",
    "Infinity",
    "inf",
    "３６００",
    "٣٦",
    "3_600_000",
    "0x10",
    "1/2",
    "3,600,000",
    "3 600 000",
    "3.6000",
    "36.00.000",
    "3.",
    ".5",
    "3..600",
    "abc",
    "tỷ",
    "3 000",
    "3\n000",
]


@pytest.mark.parametrize("text", BAD_FOR_BOTH + ["90.5", "3,6", "3,6 tỷ", "500k", "3.000 đ"])
def test_parse_amount_count_rejects(text):
    """Anything but a whole non-negative number is refused for counts."""
    with pytest.raises(AmountError) as caught:
        parse_amount(text, money=False)
    assert caught.value.args[0] == COUNT_MESSAGE


@pytest.mark.parametrize(
    "text",
    BAD_FOR_BOTH
    + ["90.5", "3.6", "3,6,7 tỷ", "1.2345 tỷ", "1234.567 triệu", "3,6 tỷ tỷ", "3,6 đồng tỷ"]
    + ["đ", "5 triệu euro"],
)
def test_parse_amount_money_rejects(text):
    """Malformed money is refused with the money message."""
    with pytest.raises(AmountError) as caught:
        parse_amount(text, money=True)
    assert caught.value.args[0] == MONEY_MESSAGE


@pytest.mark.parametrize("text", ["3,6", "1,25", "3,6 đồng"])
def test_decimal_comma_without_unit_asks_for_the_unit(text):
    """A decimal comma without a unit is ambiguous, so the message asks for one."""
    with pytest.raises(AmountError) as caught:
        parse_amount(text, money=True)
    message = caught.value.args[0]
    assert "đơn vị" in message
    assert "tỷ" in message


@pytest.mark.parametrize(
    "text", ["0,0000000001 tỷ", "1,0001 nghìn", "1,0005k", "0,1234567 triệu", "1," + "1" * 40 + " tỷ"]
)
def test_fractions_of_a_dong_are_rejected(text):
    """Amounts that are not a whole number of đồng are refused."""
    with pytest.raises(AmountError) as caught:
        parse_amount(text, money=True)
    assert "đồng chẵn" in caught.value.args[0]


@pytest.mark.parametrize("money", [True, False])
@pytest.mark.parametrize(
    "text",
    ["9223372036854775808", "99999999999999999999", "10000000000001", "10.000.000.000.001", "1" + "0" * 5000],
)
def test_parse_amount_rejects_values_over_the_maximum(text, money):
    """Values over the maximum are refused with the maximum written out."""
    with pytest.raises(AmountError) as caught:
        parse_amount(text, money=money)
    assert "10.000.000.000.000" in caught.value.args[0]


@pytest.mark.parametrize("text", ["10.001 tỷ", "10000,5 tỷ", "1" + "0" * 5000 + " tỷ"])
def test_parse_amount_rejects_money_with_units_over_the_maximum(text):
    """A unit cannot push an amount past the maximum."""
    with pytest.raises(AmountError) as caught:
        parse_amount(text, money=True)
    assert "10.000.000.000.000" in caught.value.args[0]


def test_parse_amount_honours_a_custom_maximum():
    """The caller's maximum is enforced and shown in the message."""
    assert parse_amount("1.000", money=False, max_value=1000) == 1000
    with pytest.raises(AmountError) as caught:
        parse_amount("1.001", money=False, max_value=1000)
    assert "1.000" in caught.value.args[0]
    with pytest.raises(AmountError) as caught:
        parse_amount("2 triệu", money=True, max_value=1_500_000)
    assert "1.500.000 đồng" in caught.value.args[0]


def test_leading_zeros_do_not_count_towards_the_maximum():
    """Leading zeros do not make a small number look too large."""
    assert parse_amount("0" * 5000 + "7", money=False) == 7


@pytest.mark.parametrize("bad", [None, 3600, 3.6, b"3600"])
def test_parse_amount_rejects_non_strings(bad):
    """Non-text input is refused with AmountError, never another exception."""
    with pytest.raises(AmountError):
        parse_amount(bad, money=True)


def test_amount_error_is_a_value_error():
    """Form code that catches ValueError also catches AmountError."""
    assert issubclass(AmountError, ValueError)


amount_like_text = st.text(
    alphabet=st.sampled_from(list("0123456789.,  \u00a0-+eđồngtỷriệukTỶ٣３_x")), max_size=30
)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(st.text(), amount_like_text), st.booleans())
def test_parse_amount_only_ever_raises_amount_error(text, money):
    """Any text yields a bounded non-negative int or an AmountError with a message."""
    try:
        value = parse_amount(text, money=money)
    except AmountError as error:
        assert isinstance(error.args[0], str) and error.args[0]
    else:
        assert type(value) is int
        assert 0 <= value <= 10**13


# ---------------------------------------------------------------- clean_text


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        (None, {}, ""),
        (nfd("Huyện Đoàn Càng Long"), {}, "Huyện Đoàn Càng Long"),
        ("Tỉnh\u202eđoàn", {}, "Tỉnhđoàn"),
        ("Nhà\u200btình nghĩa", {}, "Nhàtình nghĩa"),
        ("\x00", {}, ""),
        ("a\r\nb", {}, "a b"),
        ("a\r\nb", {"multiline": True}, "a\nb"),
        ("a\rb", {"multiline": True}, "a\nb"),
        ("a\nb\tc", {}, "a b c"),
        ("a\tb", {"multiline": True}, "a\tb"),
        ("  Huyện   Đoàn  ", {}, "Huyện Đoàn"),
        ("  dòng 1  \n\n  dòng 2  ", {"multiline": True}, "dòng 1  \n\n  dòng 2"),
        ("a\u00a0\u00a0b", {}, "a b"),
        ("a\x85b\x9fc\x7fd\x1be", {}, "abcde"),
        ("a\x85b", {"multiline": True}, "ab"),
        ("a\x0bb\x0cc", {"multiline": True}, "abc"),
        ("a\u2028b", {"multiline": True}, "a\nb"),
        ("\ufeffXin chào\u2060\u200c\u200d\u200e\u200f", {}, "Xin chào"),
        ("".join(map(chr, range(0x202A, 0x202F))) + "x" + "".join(map(chr, range(0x2066, 0x206A))), {}, "x"),
        ("e\u200b\u0301", {}, "é"),
        ("Nghệ" + "\u0323" * 3, {}, "Nghệ\u0323"),
        ("ệ" + "\u0301" * 5, {"max_combining": 1}, "ệ"),
        ("a\u0301\u0301", {"max_combining": 0}, "á"),
        # The zero-width space must not stop "e" + marks from being one letter "ệ".
        ("e\u200b\u0323\u0302", {"max_combining": 1}, "ệ"),
    ],
)
def test_clean_text(raw, kwargs, expected):
    """User text is canonicalised as the table shows."""
    assert clean_text(raw, **kwargs) == expected


def test_clean_text_caps_zalgo_marks():
    """Stacked combining marks are cut to the limit per base character."""
    cleaned = clean_text("a" + "\u0301" * 500)
    assert cleaned[0] == "á"
    assert cleaned[1:] == "\u0301" * 2
    assert len(clean_text("x" + "\u0300\u0301\u0302\u0303\u0304\u0306" * 100 + "y")) == 5


@pytest.mark.parametrize(
    "word", ["Nghệ", "Nguyễn", "Trường", "Phượng", "Quảng Ngãi", "Kỳ", "Ứng Hòa", "Đặng"]
)
def test_clean_text_keeps_vietnamese_letters_intact(word):
    """Vietnamese letters survive cleaning even with a tight mark limit."""
    assert clean_text(nfd(word)) == word
    assert clean_text(word, max_combining=2) == word


marks_and_controls = st.characters(categories=("Mn", "Me", "Mc", "Cf", "Cc", "Zs", "Zl", "Zp", "Ll", "Lo"))
# Vietnamese letters and tone marks mixed with the characters clean_text removes,
# plus Hangul jamo, which compose with each other once the marks between are dropped.
vietnamese_soup = st.sampled_from(
    list("aeouy đệ\u0301\u0300\u0309\u0303\u0323\u0302\u0306\u031b\u202e\u200b\r\n\t\x00\u1100\u1161")
)
any_text = st.one_of(st.text(), st.text(alphabet=marks_and_controls), st.text(alphabet=vietnamese_soup))


@settings(max_examples=300, deadline=None)
@given(any_text, st.booleans(), st.integers(min_value=-1, max_value=4))
def test_clean_text_is_idempotent(text, multiline, max_combining):
    """Cleaning twice gives the same text as cleaning once."""
    once = clean_text(text, multiline=multiline, max_combining=max_combining)
    assert clean_text(once, multiline=multiline, max_combining=max_combining) == once


@settings(max_examples=300, deadline=None)
@given(
    any_text,
    any_text,
    st.sampled_from(["\u200b", "\u202e", "\ufeff", "\x00", "\u2066"]),
    st.integers(min_value=0, max_value=3),
)
def test_an_invisible_character_cannot_change_the_cleaned_text(before, after, invisible, max_combining):
    """Removed characters leave no trace in the result."""
    # Marks typed after a zero-width space must be counted and ordered as if it were absent.
    with_it = clean_text(before + invisible + after, max_combining=max_combining)
    assert with_it == clean_text(before + after, max_combining=max_combining)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("e\u200b\u0301\u0301\u0301\u0323", "ẹ\u0301\u0301"), ("ê\u200b\u0323\u0323\u0323", "ệ\u0323")],
)
def test_marks_after_a_removed_character_are_capped_in_canonical_order(raw, expected):
    """Marks are counted in canonical order after removals."""
    assert clean_text(raw) == expected


FORBIDDEN = set(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])) | set(
    "\u200e\u200f\u200b\u200c\u200d\u2060\ufeff"
)


@settings(max_examples=300, deadline=None)
@given(any_text, st.booleans())
def test_clean_text_output_is_canonical(text, multiline):
    """Cleaned text is NFC, stripped, and free of control, bidi and zero-width characters."""
    cleaned = clean_text(text, multiline=multiline)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert cleaned == cleaned.strip()
    assert not FORBIDDEN & set(cleaned)
    allowed_controls = {"\n", "\t"} if multiline else set()
    assert all(unicodedata.category(c) != "Cc" or c in allowed_controls for c in cleaned)
    if not multiline:
        assert "  " not in cleaned


# ---------------------------------------------------------------- username_key


@pytest.mark.parametrize(
    "raw",
    # "ᴬᴰᴹᴵᴺ" only folds if NFKC runs before casefold: these modifier letters have no lowercase.
    ["admin", "Admin", " admin ", "admin\u200b", "ａｄｍｉｎ", "ADMIN", "\u202eadmin", "Ａdmin\t", "ᴬᴰᴹᴵᴺ"],
)
def test_username_key_folds_look_alikes(raw):
    """Every look-alike spelling of a login name maps to one key."""
    assert username_key(raw) == "admin"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(nfd("Nguyễn Văn A"), "nguyễn văn a"), ("ĐOÀN", "đoàn"), ("Straße", "strasse"), ("", "")],
)
def test_username_key(raw, expected):
    """Keys are casefolded NFKC, keeping Vietnamese letters."""
    assert username_key(raw) == expected


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_username_key_is_idempotent(text):
    """A stored key maps to itself."""
    key = username_key(text)
    assert username_key(key) == key
