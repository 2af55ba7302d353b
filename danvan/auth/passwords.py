"""Password hashing with argon2id at ASVS 5 parameters (argon2-cffi defaults: 64 MiB, t=3, p=4)."""

from __future__ import annotations

import secrets
import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PRODUCTION_HASHER = PasswordHasher()
_hasher = PRODUCTION_HASHER
# Hashing a throwaway value for unknown usernames keeps login timing the same for both cases.
_dummy_hashes: dict[int, str] = {}
# One hash at a time per process: each already uses 4 lanes and 64 MiB. Fifty logins at once
# would otherwise take 3 GiB and starve every other thread (one holding the write lock too).
_one_at_a_time = threading.Lock()
MIN_LENGTH = 8
MAX_LENGTH = 1024


def use_hasher(hasher: PasswordHasher) -> None:
    """Hash with other parameters from now on: the tests use a cheap hasher (a login costs
    microseconds, not a quarter of a second); production never calls this."""
    global _hasher
    _hasher = hasher


def _dummy_hash() -> str:
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("không có tài khoản này")
    return _dummy_hashes[key]


def _normalise(password: str) -> str:
    # The same Vietnamese passphrase typed on Windows (NFC) and macOS (NFD) must match.
    return unicodedata.normalize("NFC", password)


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    with _one_at_a_time:
        return _hasher.hash(_normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Return True if the password matches; spends the same time when there is no account."""
    try:
        with _one_at_a_time:
            return _hasher.verify(stored_hash or _dummy_hash(), _normalise(password)) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Return True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)


# Letters and digits a person reads over the phone without doubt: no i, l, 1, o, 0.
READABLE = "abcdefghjkmnpqrstuvwxyz23456789"


def one_time_password(groups: int = 4, size: int = 4) -> str:
    """Return a random one-time password like "k7qm-x4tf-hr9w-pz3e": about 79 bits, read in groups."""
    return "-".join("".join(secrets.choice(READABLE) for _ in range(size)) for _ in range(groups))


def password_problem(password: str, *context_words: str) -> str | None:
    """Return a Vietnamese reason why a new password is refused, or None if it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự."
    if len(password) > MAX_LENGTH:
        return f"Mật khẩu dài quá {MAX_LENGTH} ký tự."
    lowered = _normalise(password).casefold()
    if lowered in COMMON_PASSWORDS or any(w and w.casefold() in lowered for w in context_words):
        return "Mật khẩu quá dễ đoán (trùng tên đăng nhập, tên đơn vị hoặc mật khẩu phổ biến)."
    return None


COMMON_PASSWORDS = frozenset(
    """123456 12345678 123456789 1234567890 password password1 password1! qwerty qwerty123
    abc123 111111 000000 iloveyou admin admin123 matkhau matkhau123 doanthanhnien tinhdoan
    tinhdoan2025 travinh travinh123 demo-danvan danvankheo 11111111 88888888 66668888""".split()
)
