"""``guidegraph`` with a remote store's dump files written in the server's own process, and made
again by the request that finds them too old (it waits), as before guidegraph/dumps_process.py:
the design bench_remote_refresh.py compares against.

    python benchmarks/engines/serve_dumps_in_worker.py serve --store remote ... --http-server waitress

Only with waitress (one process): granian's worker would import the code unchanged.
"""

from __future__ import annotations

import sys

from guidegraph import cli
from guidegraph.dumps import write_dumps
from guidegraph.server import dumps_pages


def _write_in_this_process(folder: dumps_pages.DumpFolder):
    return write_dumps(folder.store, folder.path, folder.settings.data_base_iri)


if __name__ == "__main__":
    dumps_pages.DumpFolder._write_in_child = _write_in_this_process
    dumps_pages.DumpFolder._serves_while_refreshing = lambda folder: False
    sys.exit(cli.main(sys.argv[1:]))
