"""The guidegraph OWL ontology and its alignments (Turtle data files)."""
