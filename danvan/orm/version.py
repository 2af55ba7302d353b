"""Version counters of what pages show: every write transaction bumps one or more, in itself."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from danvan.extensions import db


class DataVersion(db.Model):
    """How many write transactions have changed a scope: "all", "checklist", "unit:<id>".

    A kept page is reused only while the counters of the scopes it shows are unchanged
    (danvan.pagecache). A scope nobody wrote yet has no row: version 0.
    """

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(default=0)
