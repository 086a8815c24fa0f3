"""The library of SPARQL queries answering research questions (.rq data files)."""
