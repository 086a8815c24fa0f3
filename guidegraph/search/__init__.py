"""Chinese full-text search over the graph: a SQLite FTS5 index of character bigrams.

``SearchService(store, directory)`` keeps the index in step with the store
and answers ``search(query, limit, offset)``; ``sparql_functions`` holds the
text functions the embedded SPARQL engine offers. docs/search.md explains
the method and its measured speed.
"""

from guidegraph.search.service import SearchService
from guidegraph.search.tokens import QueryError

__all__ = ["QueryError", "SearchService"]
