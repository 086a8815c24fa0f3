"""``guidegraph`` with the search index as before it was kept across restarts and refreshed in the
background: every start builds it at the first search, and the search that finds a remote store's
index older than the refresh age waits for the new one. The design bench_search_restart.py
compares against.

    python benchmarks/engines/serve_search_as_before.py serve ... --http-server waitress

Only with waitress (one process): granian's worker would import the code unchanged.
"""

from __future__ import annotations

import sys

from guidegraph import cli
from guidegraph.search.service import SearchService

_ensure_current = SearchService.ensure_current


def _waits_for_every_build(service: SearchService, *, stale_ok: bool = True) -> None:
    _ensure_current(service, stale_ok=False)


def _takes_up_nothing(service: SearchService) -> None:
    service._adoption_tried = True


if __name__ == "__main__":
    SearchService.ensure_current = _waits_for_every_build
    SearchService._adopt_earlier_index = _takes_up_nothing
    sys.exit(cli.main(sys.argv[1:]))
