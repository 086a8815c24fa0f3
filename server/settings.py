"""Server settings: one dataclass built from the ``create_app`` config dict."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, fields
from typing import Any, Mapping

from guidegraph.errors import UsageError
from guidegraph.store.freshness import REMOTE_REFRESH_SECONDS

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _check_day(value: str) -> None:
    try:
        datetime.date.fromisoformat(value if len(value) == 10 else "bad")
    except (TypeError, ValueError):
        raise UsageError(f"the today setting must be a date as YYYY-MM-DD, not {value!r}") from None


@dataclass
class Settings:
    store: str = "embedded"  # "embedded" or "remote"
    data_dir: str | None = None  # None: a temporary store (tests)
    union_default_graph: bool = True
    memory: bool = True  # embedded: answer from an in-memory copy of the store (store/memory_mirror.py)
    result_cache_bytes: int = 256 * 1024 * 1024  # query results kept for the dataset version; 0: none
    fast_lane: bool = True  # plain GET /sparql?query= answered without Flask (server/sparql_fast_lane.py)
    warm_cache: bool = True  # run the canned queries in the background after every change
    endpoint: str | None = None  # remote query endpoint
    update_endpoint: str | None = None
    gsp_endpoint: str | None = None
    remote_user: str | None = None
    remote_password: str | None = None
    remote_dialect: str = "auto"  # how the remote server departs from SPARQL 1.1: auto, standard, virtuoso
    # Dumps, catalogue statistics and the search index made from a remote store are made again once
    # this old (others may have written to it) or after our own writes (store/freshness.py).
    remote_refresh_seconds: float = REMOTE_REFRESH_SECONDS
    # Query answers and pages from a remote store kept this long (0: never); others' writes show
    # within it, ours at once.
    remote_cache_seconds: float = 0.0
    write_token: str | None = None  # None: read-only
    timeout: float = DEFAULT_TIMEOUT  # seconds per query
    max_rows: int | None = DEFAULT_MAX_ROWS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    allow_service: bool = False  # federated SERVICE
    load_corpus: bool = False  # the serve command ingests the bundled corpus into an empty store
    base_iri: str | None = None  # the IRI base of the data served; None: guidegraph.config's default
    prepare_dumps: bool = False  # write the dump files in the background at start (the serve command does)
    page_cache: bool = True  # keep rendered pages and descriptions for the dataset version
    resource_path: str = "/id/"  # where {base_iri}X dereferences on this server: {resource_path}X
    today: str | None = None  # the day (YYYY-MM-DD) "closing soon" counts from; None: today in China
    cors: bool = True
    gzip_min_bytes: int = 1024
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES  # a guide uploaded to /validate
    pdf_max_pages: int = 500  # an uploaded PDF with more pages is refused
    validate_seconds: float = 60.0  # CPU and wall-clock budget for reading, parsing and validating one upload
    validate_memory_bytes: int = 2 * 1024 * 1024 * 1024  # address space of the process doing it

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any] | None) -> "Settings":
        config = dict(config or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(k for k in config if k not in known and k != "store_instance")
        if unknown:
            raise UsageError(f"unknown server setting(s): {', '.join(unknown)}")
        settings = cls(**{k: v for k, v in config.items() if k in known})
        if settings.timeout is not None and settings.timeout <= 0:
            raise UsageError("the query time limit must be positive")
        if settings.max_upload_bytes <= 0 or settings.pdf_max_pages <= 0 or settings.validate_seconds <= 0:
            raise UsageError("the upload limits must be positive")
        if not (settings.resource_path.startswith("/") and settings.resource_path.endswith("/")):
            raise UsageError("the resource path must start and end with /")
        if settings.today is not None:
            _check_day(settings.today)
        return settings

    @property
    def data_base_iri(self) -> str:
        """The base the served IRIs start with (the setting, else the configured default)."""
        from guidegraph import iris

        return iris.base(self.base_iri)

    def store_config(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "data_dir": self.data_dir,
            "union_default_graph": self.union_default_graph,
            "memory": self.memory,
            "endpoint": self.endpoint,
            "update_endpoint": self.update_endpoint,
            "gsp_endpoint": self.gsp_endpoint,
            "remote_user": self.remote_user,
            "remote_password": self.remote_password,
            "remote_dialect": self.remote_dialect,
            "remote_cache_seconds": self.remote_cache_seconds,
        }

    @property
    def writable(self) -> bool:
        return bool(self.write_token)
