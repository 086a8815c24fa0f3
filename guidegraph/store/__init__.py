"""guidegraph.store package."""
