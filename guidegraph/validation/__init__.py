"""Validation of guides against the SHACL shapes, as one package.

``validate()`` (in ``validate``) runs pySHACL's core checks on a triple-index
store (``triple_index_store``) and the SHACL-SPARQL constraints on a pyoxigraph
mirror (``oxigraph_graph``) holding only the predicates the constraints read
(``sparql_predicates``); it returns (conforms, report graph, report) with
findings located in the guide's lines.
"""

from guidegraph.validation.validate import (  # noqa: F401 - the package's public face
    CSV_COLUMNS,
    LANGS,
    SEVERITIES,
    SEVERITY_LABELS,
    Finding,
    ValidationReport,
    ValidationResult,
    render_csv,
    render_text,
    validate,
)

__all__ = ["validate", "ValidationResult", "ValidationReport", "Finding", "render_text", "render_csv", "LANGS", "SEVERITIES",
           "SEVERITY_LABELS", "CSV_COLUMNS"]
