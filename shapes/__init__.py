"""SHACL shapes that check a guide is complete and consistent (Turtle data files)."""
