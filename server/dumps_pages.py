"""``/dumps/``: the dump files, written on first request for each dataset version.

Files are written into the data directory's ``dumps/`` folder (a temporary
folder for a temporary store) by guidegraph.dumps and served from disk with
``Content-Length``, ETag and Last-Modified; any write to the store makes the
next request write them again. Files stamped with the store's content token
(store/content_token.py) are served again after a restart instead of being
written anew, while the store still holds that token.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template, send_file

from guidegraph.dumps import CHECKSUMS, INDEX, DumpFile, dumps_signature, read_index, write_dumps
from guidegraph.formats import write_atomic
from guidegraph.server.settings import Settings
from guidegraph.store import freshness
from guidegraph.store.base import GraphStore

bp = Blueprint("dumps", __name__)
DUMPS_PATH = "/dumps/"
STAMP = ".made-from.json"  # the content token and code the files were made from (kept across restarts)


class DumpFolder:
    """The dump files of the store's current version, written when first asked for."""

    def __init__(self, store: GraphStore, settings: Settings):
        self.store = store
        self.settings = settings
        self._tmp = None
        if settings.data_dir:
            self.path = Path(settings.data_dir) / "dumps"
        else:
            self._tmp = tempfile.mkdtemp(prefix="guidegraph-dumps-")
            self.path = Path(self._tmp)
        self._lock = threading.Lock()
        self._made: freshness.Made | None = None
        self._files: list[DumpFile] = []

    def files(self) -> list[DumpFile]:
        with self._lock:
            if not freshness.is_current(self._made, self.store, self.settings.remote_refresh_seconds):
                made = freshness.made_now(self.store)
                self._files = self._kept() or self._write()
                self._made = made
            return list(self._files)

    def _kept(self) -> list[DumpFile] | None:
        """The files an earlier run wrote, if made from the data the store holds now."""
        token = self.store.content_token()
        if token is None or self._stamp() != self._stamp_for(token):
            return None
        files = read_index(self.path)
        for f in files or ():
            try:
                if (self.path / f.name).stat().st_size != f.byte_size:
                    return None
            except FileNotFoundError:
                return None
        return files

    def _write(self) -> list[DumpFile]:
        token = self.store.content_token()
        (self.path / STAMP).unlink(missing_ok=True)
        files = write_dumps(self.store, self.path, self.settings.data_base_iri)
        if token is not None and self.store.content_token() == token:  # no write while they were written
            write_atomic(self.path / STAMP, json.dumps(self._stamp_for(token)).encode("utf-8"))
        return files

    def _stamp_for(self, token: str) -> dict:
        return {"content": token, "made_by": dumps_signature(self.settings.data_base_iri)}

    def _stamp(self) -> dict | None:
        try:
            return json.loads((self.path / STAMP).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def close(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)


def _folder() -> DumpFolder:
    return current_app.extensions["guidegraph.dumps"]


@bp.get(DUMPS_PATH)
@bp.get("/dumps")
def index() -> Response:
    """The list of dump files; its machine twin is index.json (the catalogue describes them in RDF)."""
    files = _folder().files()
    response = Response(render_template("dumps.html", files=files, checksums=CHECKSUMS, index=INDEX),
                        content_type="text/html; charset=utf-8")
    response.headers["Link"] = (f'<{DUMPS_PATH}{INDEX}>; rel="alternate"; type="application/json", '
                                f'</catalog>; rel="describedby"; type="text/turtle"')
    return response


@bp.get(DUMPS_PATH + "<name>")
def dump_file(name: str) -> Response:
    folder = _folder()
    files = {f.name: f for f in folder.files()}
    if name == "index.html":
        return index()
    if name not in files and name not in (CHECKSUMS, INDEX):
        abort(404)
    path = folder.path / name
    if name in files:
        mimetype = files[name].served_media_type
    else:
        mimetype = "application/json" if name == INDEX else "text/plain"
    response = send_file(path, mimetype=mimetype, conditional=True, etag=True, max_age=0,
                         download_name=name, as_attachment=False)
    response.headers["Cache-Control"] = "no-cache"
    return response


def install(app: Flask, store: GraphStore, settings: Settings) -> None:
    folder = DumpFolder(store, settings)
    app.extensions["guidegraph.dumps"] = folder
    app.register_blueprint(bp)  # with prepare_dumps, the catalogue writes the files as the server starts
