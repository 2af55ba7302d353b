"""App-wide web plumbing: headers, error pages, /healthz, template filters, and the one way to answer.

Every view answers through `render_page` (a page or its fragment), `after_write` (a write went
through) or `form_error` (a write was refused), so htmx and plain form posts behave alike app-wide.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from flask import Flask, Response, current_app, flash, g, redirect, render_template, request, send_file
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from htmx_flask.requests import HtmxAwareRequest
from jinja2_fragments.flask import render_block, render_blocks
from markupsafe import Markup, escape
from sqlalchemy import text
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from danvan import formatting
from danvan.access import Access, access
from danvan.auth.sessions import user_of_ended_session
from danvan.extensions import db, login_manager
from danvan.orm.org import LOCAL_UNION_KINDS, forget_units_day
from danvan.text import emphasis_runs, without_emphasis

log = logging.getLogger(__name__)

HTMX_CONFIG = (
    '{"allowEval":false,"allowScriptTags":false,"historyCacheSize":0,'
    '"historyRestoreAsHxRequest":false,"includeIndicatorStyles":false,'
    '"selfRequestsOnly":true,"defaultSwapStyle":"outerHTML"}'
)


class Request(HtmxAwareRequest):
    """A request whose body may be as large as its view allows (`accepts_body`), else MAX_CONTENT_LENGTH."""

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        return getattr(view, "body_limit", None) or super().max_content_length


def accepts_body(limit: int) -> Callable:
    """Let one view's requests carry up to `limit` bytes (a photo upload); every other keeps 1 MB.

    A larger request still runs the view, with nothing parsed: the view asks `body_too_large()`
    before it reads its form, and answers with the form and the reason beside the file field
    rather than the bare 413 page. Put it below `@access`, which then checks the login as usual.
    """

    def decorate(view: Callable) -> Callable:
        view.body_limit = limit  # type: ignore[attr-defined]
        return view

    return decorate


def body_too_large() -> bool:
    """Return True when this request's body went past its view's limit (and was not read)."""
    return bool(g.get("danvan_body_too_large"))


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 18 digits, so a huge number is a 404, never an overflow."""

    regex = r"[1-9][0-9]{0,17}"


FRAGMENT_CSP = "default-src 'none'; frame-ancestors 'none'"
# Where a refusal that no form can show is swapped in (templates/base.html).
NOTICE = "#notice"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(data: bytes, filename: str, mimetype: str) -> Response:
    """Send a generated file (Word, Excel) as an attachment that no cache keeps."""
    response = send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def wants_fragment() -> bool:
    """Return True when htmx asks for a piece of a page (a boosted link wants the whole page)."""
    return bool(request.htmx) and not request.htmx.boosted


def render_page(template: str, block: str, **context) -> str:
    """Render the whole page, or just `block` when htmx asks for a fragment."""
    if wants_fragment():
        return render_block(template, block, **context)
    return render_template(template, **context)


def after_write(url: str, message: str = "", fragment: Callable[[], str] | None = None):
    """Answer a write that went through.

    htmx gets `fragment()`, the changed piece of the page (which shows `message` itself), or,
    when the write leaves the page, a full-page `HX-Redirect` to `url`. A plain form post gets
    redirect-after-POST to `url` with `message` flashed there.
    """
    if wants_fragment() and fragment is not None:
        return fragment()
    if message:
        flash(message)
    if request.htmx:
        return Response(status=204, headers={"HX-Redirect": url})
    return redirect(url)


def form_error(template: str, block: str | list[str] | None, *, status: int = 200,
               whole_page: Callable[[], dict] | None = None, **context):
    """Answer a write that was refused (bad input, a conflict, a state that no longer allows it).

    Nothing was stored; the message stands beside its form and the typed values are kept.
    htmx gets the block(s) with 200, since htmx 2 swaps no 4xx and the user would see nothing;
    with no block to show it in, `refusal` (the why) goes to the page's notice area instead.
    A plain form post gets the whole page (built by `whole_page()` when the page needs more than
    the block) with `status`, 409 when the object's state or version refused the write.
    """
    if wants_fragment():
        if block is None:
            html = render_template("_notice.html", refusal=context.get("refusal", ""))
            return Response(html, headers={"HX-Retarget": NOTICE, "HX-Reswap": "innerHTML"})
        return render_blocks(template, [block] if isinstance(block, str) else block, **context)
    return render_template(template, **(whole_page() if whole_page else context)), status


def _inline_style_hash(app: Flask) -> str:
    # Jinja drops one trailing newline of an included file; hash exactly what is sent.
    css = (Path(app.template_folder) / "auth" / "_login.css").read_text(encoding="utf-8")
    if css.endswith("\n"):
        css = css[:-1]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return f"'sha256-{digest}'"


def init_web(app: Flask) -> None:
    """Register headers, error handlers, filters and the health check on the app."""
    app.request_class = Request
    style_hash = _inline_style_hash(app)
    csp = (
        "default-src 'self'; script-src 'self'; "
        f"style-src 'self' {style_hash}; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )

    app.jinja_env.filters["emphasis"] = emphasis_html
    app.jinja_env.filters["plain"] = without_emphasis
    app.jinja_env.filters["number"] = formatting.format_number
    app.jinja_env.filters["vnd"] = formatting.format_vnd
    app.jinja_env.filters["vnd_short"] = formatting.format_vnd_short
    app.jinja_env.filters["date_vn"] = formatting.format_date
    app.jinja_env.filters["datetime_vn"] = formatting.format_datetime
    app.jinja_env.globals["date_line"] = formatting.date_line
    app.jinja_env.globals["htmx_config"] = HTMX_CONFIG
    app.jinja_env.globals["local_union_kinds"] = LOCAL_UNION_KINDS
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.before_request(forget_units_day)

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
        if not current_user.is_authenticated and user_of_ended_session() is not None:
            # The session ended while the form was open (its token went with it): to the login page,
            # keeping what was typed where the form asked for that (auth.sessions.keep_typed_text).
            return login_manager.unauthorized()
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
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if getattr(view, "body_limit", None) and not body_too_large():
            # Raised before the view ran (the CSRF check reads the form first): run it now.
            g.danvan_body_too_large = True
            try:
                return view(**request.view_args)
            except HTTPException as refused:  # 403/404 of the view's own checks, as usual
                return app.handle_http_exception(refused)
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


def emphasis_html(text: str | None) -> Markup:
    """Plan text as HTML: escaped, its *…* marks as <em> (the only markup plan text has)."""
    return Markup("").join(Markup("<em>{}</em>").format(piece) if italic else escape(piece)
                           for piece, italic in emphasis_runs(text))


def _is_document(response: Response) -> bool:
    """Return True for a whole HTML page (not an htmx fragment, a static file or a stream)."""
    return response.mimetype == "text/html" and not wants_fragment()


def _error_page(status: int, message: str):
    user = current_user if current_user and current_user.is_authenticated else None
    return render_template("errors/error.html", status=status, message=message, user=user), status
