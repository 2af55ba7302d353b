"""Canonical form of user text, applied once where it enters the app."""

from __future__ import annotations

import re
import unicodedata

# Bidi overrides/isolates and marks can reorder what an official reads (a name
# shown reversed); zero-width characters make two identical-looking names differ.
_INVISIBLE = (
    [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u200e", "\u200f", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
)
_CONTROLS = [chr(c) for c in range(0x00, 0x20)] + [chr(c) for c in range(0x7F, 0xA0)]

_DROP_MULTILINE = str.maketrans(
    {c: None for c in _INVISIBLE + _CONTROLS if c not in "\n\t"}
    # Line and paragraph separators are line breaks users paste from Word.
    | {"\u2028": "\n", "\u2029": "\n"}
)
# Line breaks and tabs turn into a space on one line so the words stay apart.
_DROP_SINGLE_LINE = str.maketrans(
    {c: None for c in _INVISIBLE + _CONTROLS} | {c: " " for c in "\n\t\r\u2028\u2029"}
)
_WHITESPACE_RUN = re.compile(r"\s+")


def _is_mark(char: str) -> bool:
    """Tell whether a character is a combining mark of any kind (Mn, Mc, Me)."""
    # Zalgo text stacks Mn, but Me and Mc stack just as well.
    return unicodedata.category(char).startswith("M")


def _inherent_marks(char: str) -> int:
    """Count the marks a precomposed character already carries ("ệ" carries 2)."""
    if char < "\u00c0":
        return 0
    return sum(map(_is_mark, unicodedata.normalize("NFD", char)))


def _cap_marks(composed: str, limit: int) -> str:
    """Keep at most `limit` marks per base character of an NFC string, base included."""
    # Counting on the NFC form and charging a base for the marks it already
    # carries means "á" + 500 acutes keeps 2 more, yet a precomposed letter such
    # as "ệ" is never split, whatever follows it and whatever the limit.
    out: list[str] = []
    run = 0
    for char in composed:
        if _is_mark(char):
            run += 1
            if run > limit:
                continue
        else:
            run = _inherent_marks(char)
        out.append(char)
    return "".join(out)


def clean_text(value: str | None, *, multiline: bool = False, max_combining: int = 3) -> str:
    """Canonicalise user text: NFC, no control/bidi/zero-width characters, bounded marks."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_DROP_MULTILINE)
    else:
        text = text.translate(_DROP_SINGLE_LINE)
    # Removing characters can bring a base and a mark together: compose again
    # before counting, and once more in case dropped marks separated two jamo.
    text = unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFC", _cap_marks(text, max(0, max_combining)))
    if not multiline:
        text = _WHITESPACE_RUN.sub(" ", text)
    return text.strip()


def username_key(value: str) -> str:
    """Key under which a login name is looked up and throttled."""
    # NFKC folds full-width and other look-alike forms; casefolding can leave text
    # unnormalised, hence the second NFKC, and clean_text again to re-strip spaces.
    folded = unicodedata.normalize("NFKC", clean_text(value))
    folded = unicodedata.normalize("NFKC", folded.casefold())
    return clean_text(folded)


def small_id(value: str | None) -> int:
    """Return a database id given in a query string, or 0 for anything else (never an overflow)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) <= 18 else 0


# Plan text marks emphasis as the seed does, *Dân vận khéo*: a pair of asterisks on one line.
_EMPHASIS = re.compile(r"\*([^*\n]+)\*")


def emphasis_runs(text: str | None) -> list[tuple[str, bool]]:
    """Split text into (piece, italic) runs at its *…* marks; a lone asterisk stays as it is."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _EMPHASIS.finditer(text or ""):
        if match.start() > position:
            runs.append((text[position:match.start()], False))
        runs.append((match.group(1), True))
        position = match.end()
    if position < len(text or ""):
        runs.append((text[position:], False))
    return runs


def without_emphasis(text: str | None) -> str:
    """The text with its *…* marks taken out, for places that show it plainly (lists, exports)."""
    return "".join(piece for piece, _italic in emphasis_runs(text))
