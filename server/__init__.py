"""The guidegraph HTTP server: a SPARQL 1.1 endpoint with Graph Store Protocol."""

from guidegraph.server.app import create_app

__all__ = ["create_app"]
