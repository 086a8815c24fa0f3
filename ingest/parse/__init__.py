"""guidegraph.parse package."""
