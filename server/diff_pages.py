"""Diffs of two published guides: ``/diff?old=IRI&new=IRI`` (page, or JSON by Accept),
``/diff.json?…`` (the JSON twin) and ``/diff.trig?…`` (the RDF change set with PROV).

Without parameters ``/diff`` is the form to pick two guides. A missing or
unknown parameter, or an IRI that names no guide in the store, is a 400 with
the reason; the diff itself is guidegraph.diff, the code path of
``guidegraph diff``.
"""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, current_app, render_template, request

from guidegraph.diff import GuideDiff, diff_stored
from guidegraph.diff.changes import CHANGE_KINDS
from guidegraph.server.home_pages import guide_rows
from guidegraph.server.i18n import current_language, translate
from guidegraph.server.result_table import local_href

bp = Blueprint("diff_pages", __name__)

DIFF_PATH = "/diff"
PARAMETERS = ("old", "new", "lang")
DIFF_BYTES = 2 * 1024 * 1024  # what a cached diff of two large guides is counted as


class BadDiffRequest(Exception):
    """The request cannot name two guides; the message says why, in the page's language."""

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter

    def to_json(self) -> dict:
        return {"error": {"status": 400, "message": str(self), "parameter": self.parameter}}


def _store():
    return current_app.extensions["guidegraph.store"]


def _guides() -> list:
    store = _store()
    return current_app.extensions["guidegraph.pages"].get_or_make(store, "home-rows", lambda: guide_rows(store))


def _requested() -> tuple[str, str] | None:
    """(old, new) guide IRIs, None when neither is given (the bare form)."""
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        raise BadDiffRequest(translate("d_unknown_param", names=", ".join(unknown)), unknown[0])
    old, new = request.args.get("old", "").strip(), request.args.get("new", "").strip()
    if not old and not new:
        return None
    if not old or not new:
        raise BadDiffRequest(translate("d_missing"), "new" if old else "old")
    known = {row.iri for row in _guides()}
    for name, iri in (("old", old), ("new", new)):
        if iri not in known:
            raise BadDiffRequest(translate("d_unknown_guide", iri=iri), name)
    return old, new


def _required() -> tuple[str, str]:
    wanted = _requested()
    if wanted is None:
        raise BadDiffRequest(translate("d_missing"), "old")
    return wanted


def _diff(old: str, new: str) -> GuideDiff:
    store = _store()
    return current_app.extensions["guidegraph.pages"].get_or_make(
        store, ("diff", old, new), lambda: diff_stored(store, old, new), size=DIFF_BYTES)


def _json(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False, indent=1), status=status,
                    content_type="application/json; charset=utf-8")


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _page(diff: GuideDiff | None, error: str | None, status: int) -> Response:
    settings = current_app.extensions["guidegraph.settings"]
    lang = current_language()
    body = render_template(
        "diff.html", diff=diff, error=error, guides=_guides(),
        old=request.args.get("old", ""), new=request.args.get("new", ""),
        heading=lambda kind: CHANGE_KINDS.get(kind, (kind, kind))[0 if lang == "en" else 1],
        local_href=lambda iri: local_href(iri, settings.data_base_iri, settings.resource_path),
        twin_query=request.query_string.decode("ascii", "replace"),
    )
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    response.headers["Link"] = f'<{DIFF_PATH}.json?{request.query_string.decode("ascii", "replace")}>; rel="alternate"; type="application/json"'
    response.vary.add("Accept")
    return response


@bp.get(DIFF_PATH)
def diff_page() -> Response:
    as_json = _wants_json()
    try:
        wanted = _requested()
    except BadDiffRequest as exc:
        return _json(exc.to_json(), 400) if as_json else _page(None, str(exc), 400)
    if wanted is None:
        if as_json:
            return _json(BadDiffRequest(translate("d_missing"), "old").to_json(), 400)
        return _page(None, None, 200)
    diff = _diff(*wanted)
    return _json(diff.to_json()) if as_json else _page(diff, None, 200)


@bp.get(DIFF_PATH + ".json")
def diff_json() -> Response:
    try:
        wanted = _required()
    except BadDiffRequest as exc:
        return _json(exc.to_json(), 400)
    return _json(_diff(*wanted).to_json())


@bp.get(DIFF_PATH + ".trig")
def diff_trig() -> Response:
    from guidegraph.diff.changeset import changeset_dataset

    try:
        wanted = _required()
    except BadDiffRequest as exc:
        return Response(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")
    settings = current_app.extensions["guidegraph.settings"]
    body = changeset_dataset(_diff(*wanted), settings.data_base_iri).serialize(format="trig")
    return Response(body, content_type="application/trig; charset=utf-8")


def install(app: Flask) -> None:
    app.register_blueprint(bp)
