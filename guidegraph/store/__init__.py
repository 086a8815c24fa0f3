"""The triple store behind guidegraph: embedded pyoxigraph or a remote SPARQL 1.1 endpoint.

``open_store(config)`` picks the implementation from configuration:

- ``store``: ``"embedded"`` (default) or ``"remote"``;
- embedded: ``data_dir`` (``None`` = temporary), ``union_default_graph`` (default True),
  ``memory`` (default True: serve from an in-memory copy, see store/memory_mirror.py);
- remote: ``endpoint``, ``update_endpoint``, ``gsp_endpoint``, ``remote_user``/``remote_password``,
  ``remote_dialect`` (``"auto"``, ``"standard"``, ``"virtuoso"``; see remote_dialects.py).
"""

from __future__ import annotations

from typing import Any, Mapping

from guidegraph.errors import UsageError
from guidegraph.store.base import (
    Dataset,
    GraphStore,
    QueryAnswer,
    QuerySyntaxError,
    QueryTimeout,
    ServiceDisabled,
    StoreUnavailable,
)

__all__ = [
    "Dataset",
    "GraphStore",
    "QueryAnswer",
    "QuerySyntaxError",
    "QueryTimeout",
    "ServiceDisabled",
    "StoreUnavailable",
    "open_store",
]


def open_store(config: Mapping[str, Any] | None = None) -> GraphStore:
    """Open the store the configuration names."""
    config = dict(config or {})
    kind = config.get("store", "embedded")
    if kind == "embedded":
        from guidegraph.store.embedded import EmbeddedStore

        return EmbeddedStore(config.get("data_dir"), union_default_graph=config.get("union_default_graph", True),
                             memory=config.get("memory", True))
    if kind == "remote":
        from guidegraph.store.remote import RemoteStore

        endpoint = config.get("endpoint")
        if not endpoint:
            raise UsageError("the remote store needs --endpoint URL (the SPARQL query endpoint)")
        return RemoteStore(
            endpoint,
            update_endpoint=config.get("update_endpoint"),
            gsp_endpoint=config.get("gsp_endpoint"),
            user=config.get("remote_user"),
            password=config.get("remote_password"),
            dialect=config.get("remote_dialect") or "auto",
            cache_seconds=float(config.get("remote_cache_seconds") or 0.0),
        )
    raise UsageError(f"unknown store {kind!r}; choose embedded or remote")

