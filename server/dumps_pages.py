"""``/dumps/``: the dump files, written on first request for each dataset version.

Files are written into the data directory's ``dumps/`` folder (a temporary
folder for a temporary store) by guidegraph.dumps and served from disk with
``Content-Length``, ETag and Last-Modified; any write to the store makes the
next request write them again. Files stamped with the store's content token
(store/content_token.py) are served again after a restart instead of being
written anew, while the store still holds that token.

From a remote store (which others may write to) the files are made again once
older than the refresh age; they are then served as they are while a child
process (guidegraph.dumps_process) writes the new ones beside them, which take
their place together. Only after our own write, or when there are none, does a
request wait for them. A restart serves the files an earlier run made from the
same endpoint the same way.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template, send_file

from guidegraph.dumps import CHECKSUMS, INDEX, DumpFile, dumps_signature, read_index, write_dumps
from guidegraph.dumps_process import DumpWriter
from guidegraph.formats import write_atomic
from guidegraph.server.settings import Settings
from guidegraph.store import freshness
from guidegraph.store.base import GraphStore, StoreUnavailable

bp = Blueprint("dumps", __name__)
DUMPS_PATH = "/dumps/"
STAMP = ".made-from.json"  # the content token (or remote endpoint) and code the files were made from
NEXT = ".next"  # where a remote store's files are written before they take the served ones' place


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
        self._lock = threading.Lock()  # held briefly, never while files are written
        self._writing = threading.Lock()  # one writer at a time
        self._made: freshness.Made | None = None
        self._files: list[DumpFile] = []
        self._refreshing: threading.Thread | None = None
        self._writer: DumpWriter | None = None
        self._closed = False
        self.generation = 0  # counts the sets of files served, so what describes them knows when they change
        if store.kind == "remote":
            self._adopt_remote_files()

    def files(self) -> list[DumpFile]:
        while True:
            with self._lock:
                if freshness.is_current(self._made, self.store, self.settings.remote_refresh_seconds):
                    return list(self._files)
                if self._serves_while_refreshing():
                    self._refresh_in_background()
                    return list(self._files)
            with self._writing:
                with self._lock:
                    if freshness.is_current(self._made, self.store, self.settings.remote_refresh_seconds):
                        continue  # another request made them meanwhile
                made = freshness.made_now(self.store)
                files = self._kept() or self._write()
                self._install(made, files)
                return list(files)

    def _serves_while_refreshing(self) -> bool:
        """Only their age is against the files we have: made from a remote store, not written by us since."""
        return (not self.store.tracks_version and self._made is not None and bool(self._files)
                and self._made.version == freshness.made_now(self.store).version)

    def _install(self, made: freshness.Made, files: list[DumpFile]) -> None:
        with self._lock:
            self._made, self._files = made, files
            self.generation += 1

    def _refresh_in_background(self) -> None:
        if self._refreshing is not None or self._closed:
            return

        def refresh() -> None:
            try:
                with self._writing:
                    made = freshness.made_now(self.store)
                    if freshness.is_current(self._made, self.store, self.settings.remote_refresh_seconds):
                        return
                    self._install(made, self._write())
            except Exception as exc:  # noqa: BLE001 - the files served stay; the next age tries again
                logging.getLogger("guidegraph.server").warning("making the dump files again failed: %s", exc)
                with self._lock:
                    if self._made is not None:
                        self._made = freshness.Made(self._made.version)
            finally:
                with self._lock:
                    self._refreshing = None

        self._refreshing = threading.Thread(target=refresh, name="guidegraph-dumps-refresh", daemon=True)
        self._refreshing.start()

    def _kept(self) -> list[DumpFile] | None:
        """The files an earlier run wrote, if made from the data the store holds now."""
        token = self.store.content_token()
        if token is None or self._stamp() != self._stamp_for(token):
            return None
        return self._listed_files()

    def _listed_files(self) -> list[DumpFile] | None:
        files = read_index(self.path)
        for f in files or ():
            try:
                if (self.path / f.name).stat().st_size != f.byte_size:
                    return None
            except FileNotFoundError:
                return None
        return files

    def _adopt_remote_files(self) -> None:
        """Files an earlier run made from the same endpoint are served, as too old, until new ones are made."""
        if self._stamp() != self._stamp_for(None):
            return
        files = self._listed_files()
        if files:
            made = freshness.made_now(self.store)
            self._made = freshness.Made(made.version, at=time.monotonic() - self.settings.remote_refresh_seconds - 1)
            self._files = files

    def _write(self) -> list[DumpFile]:
        if self.store.kind == "remote":
            return self._write_in_child()
        token = self.store.content_token()
        (self.path / STAMP).unlink(missing_ok=True)
        files = write_dumps(self.store, self.path, self.settings.data_base_iri)
        if token is not None and self.store.content_token() == token:  # no write while they were written
            write_atomic(self.path / STAMP, json.dumps(self._stamp_for(token)).encode("utf-8"))
        return files

    def _write_in_child(self) -> list[DumpFile]:
        """Written beside the served files, then moved into their place: data first, the lists last."""
        staging = self.path / NEXT
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the server is stopping")
            self._writer = DumpWriter(self.store.store_config(), staging, self.settings.data_base_iri)
        try:
            files = self._writer.run()
        finally:
            with self._lock:
                self._writer = None
        (self.path / STAMP).unlink(missing_ok=True)
        for name in [f.name for f in files] + [CHECKSUMS, INDEX]:
            os.replace(staging / name, self.path / name)
        keep = {f.name for f in files} | {CHECKSUMS, INDEX, STAMP, NEXT}
        for stale in self.path.iterdir():
            if stale.name not in keep and not stale.name.startswith("."):
                stale.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        write_atomic(self.path / STAMP, json.dumps(self._stamp_for(None)).encode("utf-8"))
        return files

    def _stamp_for(self, token: str | None) -> dict:
        """What the files were made from: the embedded store's content token, else the remote endpoint."""
        return {**freshness.made_from(self.store, token), "made_by": dumps_signature(self.settings.data_base_iri)}

    def _stamp(self) -> dict | None:
        try:
            return json.loads((self.path / STAMP).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            writer, refreshing = self._writer, self._refreshing
        if writer is not None:
            writer.stop()
        if refreshing is not None:
            refreshing.join(timeout=15)
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
