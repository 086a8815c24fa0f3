"""guidegraph.readers package."""
