"""Configuration: safe defaults for a laptop, refused settings for production."""

import os
import secrets
from datetime import date, timedelta
from pathlib import Path

# Idle timeout via the signed session cookie; absolute lifetime via the server-side record.
IDLE_LIFETIME = timedelta(hours=2)
# How often an active session's cookie is re-issued to push the idle deadline forward.
SESSION_REFRESH_INTERVAL = timedelta(minutes=10)
ABSOLUTE_LIFETIME = timedelta(hours=12)
KNOWN_EXAMPLE_KEYS = {"dev", "secret", "change-me", "changeme", "demo-danvan"}


def database_url(instance_path: str) -> str:
    """Return DATABASE_URL, or the embedded SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    return url or f"sqlite:///{Path(instance_path) / 'danvan.db'}"


def secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one kept in instance/ for this machine."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def pinned_today() -> date | None:
    """Return the day DANVAN_TODAY pins (a demo living in its own year), or None: the real date."""
    value = os.environ.get("DANVAN_TODAY", "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RuntimeError(f"DANVAN_TODAY must be a date like 2021-12-03, not {value!r}") from None


def base_config(instance_path: str) -> dict:
    """Return the settings every environment shares."""
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # A demo's pinned day (danvan/clock.py), shown in a banner on every page; None in real use.
        "TODAY": pinned_today(),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_PARTS": 500,
        # A slow typist on a slow link must not lose a form to an expired token.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "PERMANENT_SESSION_LIFETIME": IDLE_LIFETIME,
        # The cookie is re-sent only when it changes (see auth/sessions.py), not on every response.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "ABSOLUTE_SESSION_LIFETIME": ABSOLUTE_LIFETIME,
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_MIMETYPES": ["text/html", "text/plain", "text/css", "application/javascript"],
        "COMPRESS_MIN_SIZE": 300,
        "COMPRESS_BR_LEVEL": 5,
        # Pages carry no ETag or Last-Modified, so asking whether one is unchanged cost every
        # compressed answer 0,05 ms for nothing (measured); photos answer conditionally themselves.
        "COMPRESS_EVALUATE_CONDITIONAL_REQUEST": False,
        # Failed logins of one account from one device or address before each further one
        # doubles the wait (auth/throttle.py), and of one address across all accounts.
        "LOGIN_FAILURE_LIMIT": 5,
        "LOGIN_ADDRESS_LIMIT": 20,
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=15),
    }


def engine_options(url: str) -> dict:
    """Return the engine's options for this database URL.

    A database server may have restarted since a pooled connection was opened, so a connection
    is pinged before use; a SQLite file cannot, and the ping would cost every request a statement.
    """
    return {"pool_pre_ping": not url.startswith("sqlite")}


def production_overrides() -> dict:
    """Return what production adds: HTTPS-only cookies with the __Host- prefix."""
    return {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_NAME": "__Host-session",
        "PREFERRED_URL_SCHEME": "https",
    }


def check_production(config: dict) -> None:
    """Refuse to start in production with a setting that would be unsafe there."""
    problems = []
    if config.get("DEBUG") or config.get("TESTING"):
        problems.append("DEBUG/TESTING must be off")
    key = str(config.get("SECRET_KEY", ""))
    if len(key.encode()) < 32 or key.lower() in KNOWN_EXAMPLE_KEYS:
        problems.append("SECRET_KEY must be a random value of at least 32 bytes")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE must be on")
    if config.get("TODAY"):
        problems.append("DANVAN_TODAY pins the date for a demo; a real deployment must not set it")
    if not config.get("MAX_CONTENT_LENGTH"):
        problems.append("MAX_CONTENT_LENGTH must be set")
    if problems:
        raise RuntimeError("Unsafe production configuration: " + "; ".join(problems))
