"""guidegraph: Chinese S&T funding guides (申报指南) as a published knowledge graph."""

__version__ = "0.1.0"
