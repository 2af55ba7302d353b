"""App-wide web plumbing: security headers, error pages, /healthz, template filters, rendering."""

from __future__ import annotations

import hashlib
import base64
import logging
import secrets
from pathlib import Path

from flask import Flask, Response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from sqlalchemy import text
from werkzeug.routing import IntegerConverter

from danvan import formatting
from danvan.access import Access, access
from danvan.extensions import db

log = logging.getLogger(__name__)

HTMX_CONFIG = (
    '{"allowEval":false,"allowScriptTags":false,"historyCacheSize":0,'
    '"historyRestoreAsHxRequest":false,"includeIndicatorStyles":false,'
    '"selfRequestsOnly":true,"defaultSwapStyle":"outerHTML"}'
)


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 18 digits, so a huge number is a 404, never an overflow."""

    regex = r"[1-9][0-9]{0,17}"


FRAGMENT_CSP = "default-src 'none'; frame-ancestors 'none'"


def render_page(template: str, block: str, **context) -> str:
    """Render the whole page, or just `block` when htmx asks for a fragment."""
    if request.htmx and not request.htmx.boosted:
        return render_block(template, block, **context)
    return render_template(template, **context)


def _inline_style_hash(app: Flask) -> str:
    # Jinja drops one trailing newline of an included file; hash exactly what is sent.
    css = (Path(app.template_folder) / "auth" / "_login.css").read_text(encoding="utf-8")
    if css.endswith("\n"):
        css = css[:-1]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def init_web(app: Flask) -> None:
    """Register headers, error handlers, filters and the health check on the app."""
    style_hash = _inline_style_hash(app)
    csp = (
        "default-src 'self'; script-src 'self'; "
        f"style-src 'self' {style_hash}; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )

    app.jinja_env.filters["number"] = formatting.format_number
    app.jinja_env.filters["vnd"] = formatting.format_vnd
    app.jinja_env.filters["vnd_short"] = formatting.format_vnd_short
    app.jinja_env.filters["date_vn"] = formatting.format_date
    app.jinja_env.filters["datetime_vn"] = formatting.format_datetime
    app.jinja_env.globals["htmx_config"] = HTMX_CONFIG
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        if _is_document(response):
            headers.setdefault("Content-Security-Policy", csp)
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        else:
            # A fragment, file or stream is never a document a browser renders on its own:
            # the page it lands in carries the full policy. Every byte counts on a tick (B6).
            headers.setdefault("Content-Security-Policy", FRAGMENT_CSP)
        if request.endpoint != "assets.asset":
            headers.add("Vary", "HX-Request")
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "Cache-Control" not in headers and response.mimetype == "text/html":
            headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning("CSRF rejected: %s %s (%s)", request.method, request.path, error.description)
        if request.htmx:
            # The page's token is stale (new login elsewhere): reload it instead of failing silently.
            return Response(status=204, headers={"HX-Refresh": "true"})
        return _error_page(400, "Phiên làm việc đã thay đổi. Vui lòng tải lại trang và thử lại.")

    @app.errorhandler(403)
    def forbidden(_error):
        return _error_page(403, "Đơn vị của bạn không có quyền thực hiện thao tác này.")

    @app.errorhandler(404)
    def not_found(_error):
        return _error_page(404, "Không tìm thấy trang hoặc dữ liệu này.")

    @app.errorhandler(405)
    def not_allowed(_error):
        return _error_page(405, "Thao tác không hợp lệ.")

    @app.errorhandler(413)
    def too_large(_error):
        return _error_page(413, "Dữ liệu gửi lên quá lớn.")

    @app.errorhandler(500)
    def server_error(_error):
        incident = secrets.token_hex(4)
        log.exception("Unhandled error, incident %s", incident)
        return _error_page(500, f"Hệ thống gặp lỗi. Mã sự cố: {incident}. Vui lòng thử lại sau.")

    @app.get("/healthz")
    @access(Access.PUBLIC)
    def healthz():
        """Return 200 'ok' when the app can query its database."""
        db.session.execute(text("SELECT 1"))
        return Response("ok\n", mimetype="text/plain")


def _is_document(response: Response) -> bool:
    """Return True for a whole HTML page (not an htmx fragment, a static file or a stream)."""
    return response.mimetype == "text/html" and not (request.htmx and not request.htmx.boosted)


def _error_page(status: int, message: str):
    user = current_user if current_user and current_user.is_authenticated else None
    return render_template("errors/error.html", status=status, message=message, user=user), status
