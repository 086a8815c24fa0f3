"""The guidegraph HTTP server: a SPARQL 1.1 endpoint with Graph Store Protocol."""

__all__ = ["create_app"]


def __getattr__(name: str):
    # Imported when asked for: the CLI reads the server's settings (server.settings, http_servers)
    # to build --help for every command, and Flask with the app costs a third of a second to import.
    if name == "create_app":
        from guidegraph.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
