"""How numbers, money, dates and names are written and read in Vietnamese."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

NBSP = "\u00a0"

_TY = 10**9
_TRIEU = 10**6
_NGHIN = 10**3


def _load_tz(name: str, fallback_hours: int) -> tzinfo:
    """Return the named zone, or a fixed offset when the system has no tzdata."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # Vietnam has had no DST since 1975, so a fixed offset is exact for app data.
        return timezone(timedelta(hours=fallback_hours), "+07")


VN_TZ = _load_tz("Asia/Ho_Chi_Minh", 7)


def _require_int(n: object) -> int:
    """Reject non-integers so a float or Decimal is never shown as a wrong amount."""
    # bool is an int subclass; "True" reaching a money filter is a bug, not a value.
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected int, got {type(n).__name__}")
    return n


def format_number(n: int) -> str:
    """Group digits by thousands with dots: 3000 -> "3.000"."""
    return f"{_require_int(n):,}".replace(",", ".")


def format_vnd(amount: int) -> str:
    """Write a full amount of đồng: "3.600.000.000 đ" with a non-breaking space."""
    return f"{format_number(amount)}{NBSP}đ"


def _in_unit(amount: int, unit: int) -> str | None:
    """Write a non-negative amount in `unit` with at most 2 decimals, or None if inexact."""
    whole, rest = divmod(amount, unit)
    hundredths, leftover = divmod(rest * 100, unit)
    if leftover:
        return None
    text = format_number(whole)
    decimals = f"{hundredths:02d}".rstrip("0")
    return f"{text},{decimals}" if decimals else text


def format_vnd_short(amount: int) -> str:
    """Write an amount as in prose: "3,6 tỷ đồng", "600 triệu đồng", "500.000 đồng"."""
    amount = _require_int(amount)
    sign = "-" if amount < 0 else ""
    value = abs(amount)
    for unit, word in ((_TY, "tỷ"), (_TRIEU, "triệu")):
        if value >= unit:
            text = _in_unit(value, unit)
            if text is not None:
                return f"{sign}{text} {word} đồng"
    return f"{sign}{format_number(value)} đồng"


def to_vietnam_time(dt: datetime) -> datetime:
    """Convert a naive-UTC or aware datetime to Vietnam time."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(VN_TZ)


def format_date(d: date | None) -> str:
    """Write a date as "22/06/2021"; None gives ""."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        # A UTC timestamp late in the evening is already the next day in Vietnam.
        d = to_vietnam_time(d)
    # strftime("%Y") does not zero-pad years below 1000 on glibc.
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def date_line(place: str, day: date | None, year: int | None = None) -> str:
    """The place and date line of a document: "Trà Vinh, ngày 22 tháng 6 năm 2021".

    Nghị định 30/2020: a day below 10 and the months 1 and 2 take a leading 0 (ngày 05 tháng 02);
    an undated draft leaves room to write them in ("ngày … tháng … năm 2022").
    """
    if day is None:
        return f"{place}, ngày … tháng … năm {year}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def format_datetime(dt: datetime | None) -> str:
    """Write a naive-UTC or aware datetime in Vietnam time as "13:17 22/06/2021"."""
    if dt is None:
        return ""
    local = to_vietnam_time(dt)
    return f"{local.hour:02d}:{local.minute:02d} {format_date(local.date())}"


# f, j, w, z are not Vietnamese letters but appear in names; they sit where Latin puts them.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Which combining mark turns a base letter into another letter of the alphabet.
_LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# Tone rank: no tone, sắc, huyền, hỏi, ngã, nặng.  (CLDR/ICU "vi" uses
# huyền < hỏi < ngã < sắc < nặng instead; change only this table to switch.)
# Dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ).
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}


def vn_sort_key(s: str) -> tuple:
    """Key for Vietnamese alphabetical order: letters first, then tones, then case."""
    nfc = unicodedata.normalize("NFC", " ".join(s.split()))
    decomposed = unicodedata.normalize("NFD", nfc.casefold())
    primary: list[tuple[int, int]] = []
    secondary: list[tuple[int, tuple[int, ...]]] = []
    for char in decomposed:
        if unicodedata.combining(char) and primary:
            previous = primary[-1]
            tone, others = secondary[-1]
            letter = _ALPHABET[previous[1]] if previous[0] == 2 else None
            upgraded = _LETTER_MARKS.get((letter, char)) if letter else None
            if upgraded:
                primary[-1] = (2, _LETTER_RANK[upgraded])
            elif char in _TONES and tone == 0:
                secondary[-1] = (_TONES[char], others)
            else:
                secondary[-1] = (tone, others + (ord(char),))
            continue
        if char.isspace():
            # A space ends a word, so "An Giang" sorts before "Anh".
            primary.append((0, 0))
        elif char in _LETTER_RANK:
            primary.append((2, _LETTER_RANK[char]))
        elif char.isalpha():
            primary.append((3, ord(char)))
        else:
            primary.append((1, ord(char)))
        secondary.append((0, ()))
    return (tuple(primary), tuple(secondary), nfc)


class AmountError(ValueError):
    """A number the user typed that cannot be read; args[0] is a Vietnamese message."""


_MONEY_MESSAGE = "Số tiền không hợp lệ. Nhập như 3.600.000.000 hoặc 3,6 tỷ."
_COUNT_MESSAGE = "Số lượng phải là số nguyên không âm, ví dụ 3.000."
_NEEDS_UNIT_MESSAGE = (
    "Dấu phẩy là dấu thập phân nên cần ghi đơn vị, ví dụ 3,6 tỷ hoặc 1,25 triệu; "
    "hoặc nhập đủ số như 3.600.000.000."
)
_FRACTION_MESSAGE = "Số tiền phải là số đồng chẵn, không lẻ dưới 1 đồng."

_UNITS = {
    "tỷ": _TY, "tỉ": _TY, "ty": _TY, "ti": _TY,
    "triệu": _TRIEU, "trieu": _TRIEU, "tr": _TRIEU,
    "nghìn": _NGHIN, "nghin": _NGHIN, "ngàn": _NGHIN, "ngan": _NGHIN, "k": _NGHIN,
}
_CURRENCY = ("đồng", "dong", "vnđ", "vnd", "đ")


def _alternation(words) -> str:
    """Build a regex alternation that tries longer words first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# Only these spaces may separate number, unit and currency: format_vnd emits NBSP.
_SPACE = "[ \t\u00a0\u202f]*"
_INTEGER = r"[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+"
_MONEY_RE = re.compile(
    rf"(?P<number>[0-9][0-9.,]*){_SPACE}"
    rf"(?P<unit>{_alternation(_UNITS)})?{_SPACE}"
    rf"(?P<currency>{_alternation(_CURRENCY)})?"
)
_INTEGER_RE = re.compile(_INTEGER)
# With a unit, a decimal comma may follow any integer; a decimal dot only 1-2 digits,
# since "3.600" is grouping and "3.6" cannot be.
_DECIMAL_COMMA_RE = re.compile(rf"(?P<whole>{_INTEGER}),(?P<fraction>[0-9]+)")
_DECIMAL_DOT_RE = re.compile(r"(?P<whole>[0-9]+)\.(?P<fraction>[0-9]{1,2})")


def _too_large(max_value: int, money: bool) -> AmountError:
    """Build the error that names the largest accepted value."""
    if money:
        return AmountError(f"Số tiền tối đa là {format_number(max_value)} đồng.")
    return AmountError(f"Số lượng tối đa là {format_number(max_value)}.")


def _exact(whole: str, fraction: str, multiplier: int, max_value: int, money: bool) -> int:
    """Compute whole.fraction * multiplier in integers, refusing fractions of a đồng."""
    whole = whole.replace(".", "").lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    # Bound the digit count before int() so huge inputs cannot hit Python's
    # int/str conversion limit (a ValueError) or cost quadratic time; a number
    # with more digits than bit_length // 3 + 1 is certainly above max_value.
    if len(whole) > max_value.bit_length() // 3 + 1:
        raise _too_large(max_value, money)
    # No unit is 10**19, so a longer fraction is never a whole number of đồng.
    if len(fraction) > 18 or multiplier % 10 ** len(fraction):
        raise AmountError(_FRACTION_MESSAGE)
    scale = 10 ** len(fraction)
    value = int(whole) * multiplier + int(fraction or "0") * (multiplier // scale)
    if value > max_value:
        raise _too_large(max_value, money)
    return value


def parse_amount(text: str, *, money: bool, max_value: int = 10**13) -> int:
    """Read a count or an amount of đồng as Vietnamese users type it; raise AmountError."""
    message = _MONEY_MESSAGE if money else _COUNT_MESSAGE
    if not isinstance(text, str):
        raise AmountError(message)
    cleaned = unicodedata.normalize("NFC", text).strip()
    if not money:
        if not _INTEGER_RE.fullmatch(cleaned):
            raise AmountError(message)
        return _exact(cleaned, "", 1, max_value, money)

    match = _MONEY_RE.fullmatch(cleaned.casefold())
    if not match:
        raise AmountError(message)
    number, unit = match["number"], match["unit"]
    if unit is None:
        if _INTEGER_RE.fullmatch(number):
            return _exact(number, "", 1, max_value, money)
        if "," in number and _DECIMAL_COMMA_RE.fullmatch(number):
            raise AmountError(_NEEDS_UNIT_MESSAGE)
        raise AmountError(message)
    multiplier = _UNITS[unit]
    if _INTEGER_RE.fullmatch(number):
        return _exact(number, "", multiplier, max_value, money)
    decimal = _DECIMAL_COMMA_RE.fullmatch(number) or _DECIMAL_DOT_RE.fullmatch(number)
    if not decimal:
        raise AmountError(message)
    return _exact(decimal["whole"], decimal["fraction"], multiplier, max_value, money)
