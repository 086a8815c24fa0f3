"""Bulk loading RDF files straight into the embedded store's data directory.

``guidegraph load`` and ``guidegraph ingest --into`` open the store on disk in
their own process (pyoxigraph's bulk loader, streaming from the file), not
through the server's engine, so nothing is held in memory but the loader's
batches. The parts: ``sources`` (what a file is, a first pass that checks
it), ``target`` (the store directory: opening it, replacing graphs, loading),
``progress`` (the bar), ``derived`` (the links graph and search index that
follow the store) and ``run`` (the whole load, as the commands call it).
"""
