"""Browser libraries installed from the npm registry, served from our own origin.

``package.json`` at the repository root names them and ``package-lock.json``
pins them; ``.ci/setup`` runs ``npm ci`` into ``node_modules`` (never
committed). ``/static/vendor/<package>/<file>`` serves a file of a package
that package.json lists as a dependency, and nothing else of node_modules.
``$GUIDEGRAPH_NODE_MODULES`` points elsewhere (an installed wheel has no repo);
the package.json beside that folder is the one read.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, abort, send_from_directory

bp = Blueprint("static_assets", __name__)

VENDOR = "/static/vendor"
REPO_ROOT = Path(__file__).resolve().parent.parent
SERVED_SUFFIXES = (".js", ".mjs", ".css", ".map", ".woff", ".woff2", ".ttf", ".svg", ".png")
CACHE_SECONDS = 24 * 3600


def node_modules() -> Path:
    return Path(os.environ.get("GUIDEGRAPH_NODE_MODULES", REPO_ROOT / "node_modules"))


@lru_cache(maxsize=1)
def declared_packages() -> tuple[str, ...]:
    """The dependencies package.json lists, longest first (so "@scope/name" matches before "@scope")."""
    manifest = node_modules().parent / "package.json"
    names = json.loads(manifest.read_text(encoding="utf-8")).get("dependencies", {}) if manifest.exists() else {}
    return tuple(sorted(names, key=len, reverse=True))


def vendor_url(package: str, file: str) -> str:
    """The URL of ``file`` inside an npm ``package`` (used by templates through the ``vendor`` global)."""
    if package not in declared_packages():
        raise KeyError(f"{package} is not a dependency in package.json")
    return f"{VENDOR}/{package}/{file}"


@bp.get(VENDOR + "/<path:rest>")
def vendor_file(rest: str) -> Response:
    for package in declared_packages():
        if rest.startswith(package + "/"):
            file = rest[len(package) + 1 :]
            break
    else:
        abort(404)
    if not file.endswith(SERVED_SUFFIXES):
        abort(404)
    # send_from_directory refuses paths that leave the package folder.
    response = send_from_directory(node_modules() / package, file, max_age=CACHE_SECONDS)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_context_processor
def _template_globals() -> dict:
    return {"vendor": vendor_url}
