"""Validation by upload: ``/validate`` (form, report pages, downloads, publishing) and
``POST /api/validate`` (the same report as JSON, Turtle or CSV).

Nothing an upload brings is stored until someone with the write token
publishes it. The browser routes carry a double-submit CSRF token: a random
value in a SameSite=Strict cookie and, in each form, its HMAC under a
per-process secret; results are only shown to the session that made them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import parse_form_data
from werkzeug.wsgi import get_input_stream

from guidegraph.errors import GuideGraphError, InputError
from guidegraph.server.i18n import current_language, translate
from guidegraph.server.upload_guard import FORM_SLACK, UploadLimits, UploadRefused, read_limited, run_bounded, safe_name
from guidegraph.server.validate_report import DOWNLOADS, JOB, Checked, RecentResults, grouped, write_job

bp = Blueprint("validate_pages", __name__)

CSRF_COOKIE = "gg_csrf"
CSRF_FIELD = "csrf"
SPOOL_BYTES = 1024 * 1024
LANGS = ("zh", "en")
API_TYPES = {"application/json": "json", "text/turtle": "ttl", "text/csv": "csv"}


def install(app: Flask) -> None:
    app.extensions["guidegraph.validate_secret"] = secrets.token_bytes(32)
    app.extensions["guidegraph.validate_results"] = RecentResults()
    app.register_blueprint(bp)


def _settings():
    return current_app.extensions["guidegraph.settings"]


def _limits() -> UploadLimits:
    s = _settings()
    return UploadLimits(max_bytes=s.max_upload_bytes, pdf_max_pages=s.pdf_max_pages, seconds=s.validate_seconds,
                        memory_bytes=s.validate_memory_bytes)


def _results() -> RecentResults:
    return current_app.extensions["guidegraph.validate_results"]


# ---------------------------------------------------------------- CSRF


def _session_token() -> str:
    """The browser's CSRF cookie value, or a new one (set on the response by ``_page``)."""
    if "csrf_session" not in g:
        cookie = request.cookies.get(CSRF_COOKIE, "")
        g.csrf_session = cookie if len(cookie) == 43 else secrets.token_urlsafe(32)
    return g.csrf_session


def _form_token(session: str) -> str:
    secret = current_app.extensions["guidegraph.validate_secret"]
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


def _csrf_ok(form) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    return bool(cookie) and bool(sent) and hmac.compare_digest(_form_token(cookie), sent)


def _page(template: str, status: int = 200, **context: Any) -> Response:
    session = _session_token()
    body = render_template(template, csrf=_form_token(session), settings=_settings(),
                           max_mb=_mb(_settings().max_upload_bytes), **context)
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    if request.cookies.get(CSRF_COOKIE) != session:
        response.set_cookie(CSRF_COOKIE, session, httponly=True, samesite="Strict", path="/validate")
    return response


def _message(status: int, title: str, text: str) -> Response:
    return _page("validate_message.html", status, title=title, text=text)


# ---------------------------------------------------------------- reading the request


class _Upload:
    """What a request brought: the document bytes and name, or pasted text; and the options."""

    def __init__(self, data: bytes | None, name: str, fields: dict[str, str]):
        self.data, self.name, self.fields = data, name, fields

    def field(self, key: str) -> str | None:
        value = (self.fields.get(key) or "").strip()
        return value[:200] or None


def _check_length(limit: int) -> None:
    length = request.content_length
    if length is not None and length > limit:
        raise RequestEntityTooLarge()


def _multipart(workdir: Path, limits: UploadLimits) -> tuple[_Upload, Any]:
    body_limit = limits.max_bytes + FORM_SLACK
    _check_length(body_limit)

    def spool(total_content_length, content_type, filename, content_length=None):
        return tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=workdir)

    _, form, files = parse_form_data(request.environ, stream_factory=spool, max_form_memory_size=limits.max_bytes,
                                     max_content_length=body_limit, silent=False, max_form_parts=50)
    fields = {k: form.get(k, "") for k in form.keys()}
    try:
        upload = files.get("file")
        if upload is not None and upload.filename:
            data = read_limited(upload.stream, limits.max_bytes)
            return _Upload(data, safe_name(upload.filename, "guide.txt"), fields), form
    finally:
        for part in files.values():  # the spooled parts are ours to close (their folder goes next)
            part.close()
    text = form.get("text", "")
    data = text.encode("utf-8") if text.strip() else None
    return _Upload(data, "pasted.txt", fields), form


def _raw_body(limits: UploadLimits) -> bytes:
    _check_length(limits.max_bytes)
    return read_limited(get_input_stream(request.environ, max_content_length=limits.max_bytes), limits.max_bytes)


def _api_upload(workdir: Path, limits: UploadLimits) -> _Upload:
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        return _multipart(workdir, limits)[0]
    data = _raw_body(limits)
    if mimetype == "application/json":
        try:
            payload = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise UploadRefused("the JSON body cannot be parsed", 400) from None
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            raise UploadRefused('the JSON body must be an object with a "text" string', 400)
        fields = {k: v for k, v in payload.items() if isinstance(v, str) and k != "text"}
        return _Upload(payload["text"].encode("utf-8") if payload["text"].strip() else None,
                       safe_name(payload.get("name") if isinstance(payload.get("name"), str) else None, "pasted.txt"),
                       fields)
    # Any other body is the document itself; its bytes, not the content type, say what it is.
    fields = {k: request.args.get(k, "") for k in ("issuer", "jurisdiction", "lang")}
    return _Upload(data or None, safe_name(request.args.get("name"), "guide.txt"), fields)


def _validate(upload: _Upload, workdir: Path, limits: UploadLimits, lang: str) -> Checked:
    """Read, parse and validate the upload in a bounded child process."""
    if upload.data is None:
        raise UploadRefused(translate("v_nothing"), 400)
    if len(upload.data) > limits.max_bytes:
        raise RequestEntityTooLarge()
    write_job(workdir, upload.data, upload.name, lang, upload.field("issuer"), upload.field("jurisdiction"),
              _settings().data_base_iri, limits)
    return Checked.from_job(_session_token(), run_bounded(JOB, workdir, limits))


def _report_lang(upload: _Upload) -> str:
    asked = upload.field("lang")
    return asked if asked in LANGS else current_language()


# ---------------------------------------------------------------- pages


@bp.get("/validate")
def form() -> Response:
    return _page("validate.html")


@bp.post("/validate")
def upload() -> Response:
    limits = _limits()
    try:
        with tempfile.TemporaryDirectory(prefix="guidegraph-upload-") as tmp:
            sent, fields = _multipart(Path(tmp), limits)  # urlencoded forms parse the same way
            if not _csrf_ok(fields):
                return _message(403, translate("v_refused"), translate("v_csrf"))
            checked = _validate(sent, Path(tmp), limits, _report_lang(sent))
    except RequestEntityTooLarge:
        return _page("validate.html", 413, error=translate("v_too_large", mb=_mb(limits.max_bytes)))
    except UploadRefused as exc:
        return _page("validate.html", exc.status, error=exc.message)
    except InputError as exc:
        return _page("validate.html", 422, error=exc.message)
    if not _results().put(checked):
        return _message(413, translate("v_refused"), translate("v_too_large", mb=_mb(limits.max_bytes)))
    return redirect(f"/validate/result/{checked.id}", code=303)


def _mb(n: int) -> str:
    return f"{n / 2**20:g}"


@bp.get("/validate/result/<result_id>")
def result(result_id: str) -> Response:
    checked = _results().get(result_id, request.cookies.get(CSRF_COOKIE, ""))
    if checked is None:
        return _message(404, translate("v_expired_title"), translate("v_expired"))
    lang = current_language()
    return _page("validate_report.html", checked=checked, report=checked.report, groups=grouped(checked.report, checked.lines, lang),
                 outline=checked.outline, guide=checked.guide)


@bp.get("/validate/result/<result_id>.<suffix>")
def download(result_id: str, suffix: str) -> Response:
    checked = _results().get(result_id, request.cookies.get(CSRF_COOKIE, ""))
    if checked is None or suffix not in DOWNLOADS:
        return _message(404, translate("v_expired_title"), translate("v_expired"))
    response = Response(checked.downloads[suffix], content_type=DOWNLOADS[suffix])
    stem = Path(checked.guide.get("source") or "guide").stem or "guide"
    response.headers["Content-Disposition"] = f"attachment; filename=\"validation.{suffix}\"; filename*=UTF-8''{_quote(stem)}-validation.{suffix}"
    response.headers["Cache-Control"] = "no-store"
    return response


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


@bp.post("/validate/publish")
def publish() -> Response:
    settings = _settings()
    form = request.form
    if not settings.writable:
        return _message(403, translate("v_refused"), translate("v_publish_off"))
    if not _csrf_ok(form):
        return _message(403, translate("v_refused"), translate("v_csrf"))
    auth = request.headers.get("Authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else form.get("token", "")
    if not token or not hmac.compare_digest(token.encode(), settings.write_token.encode()):
        return _message(403, translate("v_refused"), translate("v_bad_token"))
    checked = _results().get(form.get("result", ""), request.cookies.get(CSRF_COOKIE, ""))
    if checked is None:
        return _message(404, translate("v_expired_title"), translate("v_expired"))
    store = current_app.extensions["guidegraph.store"]
    what = checked.publish
    store.replace_graph(what["graph"], what["own"].encode("utf-8"))
    if what["concepts"]:
        store.add_to_graph(what["concepts_graph"], what["concepts"].encode("utf-8"))
    base = settings.data_base_iri
    guide = what["guide"]
    local = settings.resource_path + guide[len(base):] if guide.startswith(base) else None
    return _page("validate_published.html", graph=what["graph"], guide=guide, local=local)


# ---------------------------------------------------------------- API


def _api_error(status: int, message: str) -> Response:
    body = json.dumps({"error": {"status": status, "message": message}}, ensure_ascii=False)
    return Response(body + "\n", status=status, content_type="application/json; charset=utf-8")


def _api_format() -> str | None:
    asked = request.args.get("format")
    if asked:
        return {"json": "json", "turtle": "ttl", "ttl": "ttl", "csv": "csv"}.get(asked)
    accept = request.accept_mimetypes
    if not accept or accept.best in (None, "*/*"):
        return "json"
    best = accept.best_match(list(API_TYPES))
    return API_TYPES.get(best) if best else None


@bp.post("/api/validate")
def api_validate() -> Response:
    fmt = _api_format()
    if fmt is None:
        return _api_error(406, "choose format=json, turtle or csv (or Accept: application/json, text/turtle, text/csv)")
    limits = _limits()
    try:
        with tempfile.TemporaryDirectory(prefix="guidegraph-upload-") as tmp:
            upload = _api_upload(Path(tmp), limits)
            lang = upload.field("lang") if upload.field("lang") in LANGS else "zh"
            checked = _validate(upload, Path(tmp), limits, lang)
    except RequestEntityTooLarge:
        return _api_error(413, f"the upload is larger than the limit of {limits.max_bytes} bytes")
    except UploadRefused as exc:
        return _api_error(exc.status, exc.message)
    except GuideGraphError as exc:
        return _api_error(422, exc.message)
    return Response(checked.downloads[fmt], content_type=DOWNLOADS[fmt])
