"""Liveness and readiness: GET /health."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/health")
def health():
    store = current_app.extensions["guidegraph.store"]
    quads = store.triple_count()
    return jsonify({"status": "ok", "store": store.kind, "quads": quads})
