"""guidegraph.server package."""
