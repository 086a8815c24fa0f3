"""The catalogue's measurements (statistics and page paths) kept in the data directory across restarts.

Measuring takes seven scans of the data and its distinct subjects: 7.5 s at
10^6 triples, during which a harvester asking a restarted server for
/catalog, the VoID description or the sitemap waited. The measurements are
written in the data directory and stamped as the dump files are: with what they were
made from (the embedded store's content token, or the remote endpoint), the
base IRI the page paths are cut from, and the code that measured them. A
start takes them up when the stamp matches: as current from the embedded
store, as aged from a remote one (served while measured again, as the dumps
are). Anything else, a damaged file included, is measured again.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

from guidegraph import __version__
from guidegraph.catalog.statistics import DatasetStatistics, GraphStatistics
from guidegraph.formats import write_atomic
from guidegraph.store import freshness
from guidegraph.store.base import GraphStore

FORMAT = 1  # raise when what is written changes shape

log = logging.getLogger("guidegraph.server")


def kept_file(data_dir: str | Path) -> Path:
    """Where a server on ``data_dir`` keeps the catalogue's measurements."""
    return Path(data_dir) / "catalog" / "measured.json"


def stamp_for(store: GraphStore, token: str | None, base_iri: str) -> dict:
    return {**freshness.made_from(store, token), "base": base_iri, "made_by": __version__, "format": FORMAT}


def save(path: Path, stamp: dict, stats: DatasetStatistics, paths: list[str]) -> None:
    document = {"stamp": stamp, "statistics": dataclasses.asdict(stats), "paths": paths}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def load(path: Path, stamp: dict) -> tuple[DatasetStatistics, list[str]] | None:
    """The measurements kept at ``path`` if made under ``stamp``, else None."""
    try:
        document = json.loads(path.read_bytes())
        if document.get("stamp") != stamp:
            return None
        return _statistics(document["statistics"]), [str(p) for p in document["paths"]]
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("the catalogue kept in %s cannot be read (%s); measuring again", path, exc)
        return None


def _statistics(fields: dict) -> DatasetStatistics:
    graphs = tuple(GraphStatistics(**{**g, "example_resources": tuple(g["example_resources"])})
                   for g in fields["graphs"])
    return DatasetStatistics(**{**fields, "graphs": graphs})
