"""Static files served by the app itself: fingerprinted, compressed once, cached for a year.

Users are on slow links: a file is fetched once per release and never revalidated, and it is
compressed at start-up with the best settings rather than on every request.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, abort, request

from danvan.access import Access, access

ONE_YEAR = 31536000
bp = Blueprint("assets", __name__)


@dataclass(frozen=True)
class Asset:
    url_name: str
    mimetype: str
    raw: bytes
    gzipped: bytes
    brotlied: bytes


@functools.lru_cache(maxsize=8)
def _load(paths: tuple[Path, ...], logical_name: str, mimetype: str) -> Asset:
    # Cached per file: brotli at quality 11 is slow, and tests build many apps.
    raw = b"\n".join(path.read_bytes() for path in paths)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    stem, dot, ext = logical_name.rpartition(".")
    return Asset(
        url_name=f"{stem}.{digest}{dot}{ext}",
        mimetype=mimetype,
        raw=raw,
        gzipped=gzip.compress(raw, compresslevel=9, mtime=0),
        brotlied=brotli.compress(raw, quality=11),
    )


def init_assets(app: Flask) -> None:
    """Load the CSS and the pinned htmx release, and expose asset_url() to templates."""
    root = Path(app.root_path).parent
    # htmx and its SSE extension (live checklists) travel as one file: one request, one cache entry.
    scripts = (
        root / "node_modules" / "htmx.org" / "dist" / "htmx.min.js",
        root / "node_modules" / "htmx-ext-sse" / "dist" / "sse.min.js",
    )
    if not all(path.exists() for path in scripts):
        raise RuntimeError("htmx is not installed: run `make setup` (npm install) first")
    assets = {
        "site.css": _load((root / "static" / "css" / "site.css",), "site.css", "text/css"),
        "htmx.js": _load(scripts, "htmx.js", "application/javascript"),
    }
    app.extensions["danvan_assets"] = {a.url_name: a for a in assets.values()}
    urls = {name: f"/a/{a.url_name}" for name, a in assets.items()}
    app.jinja_env.globals["asset_url"] = urls.__getitem__
    app.register_blueprint(bp)


@bp.get("/a/<name>")
@access(Access.PUBLIC)
def asset(name: str) -> Response:
    """Return a fingerprinted static file in the best encoding the browser accepts."""
    from flask import current_app

    found: Asset | None = current_app.extensions["danvan_assets"].get(name)
    if found is None:
        abort(404)
    accepted = request.headers.get("Accept-Encoding", "")
    if "br" in accepted:
        body, encoding = found.brotlied, "br"
    elif "gzip" in accepted:
        body, encoding = found.gzipped, "gzip"
    else:
        body, encoding = found.raw, None
    response = Response(body, mimetype=found.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    return response
