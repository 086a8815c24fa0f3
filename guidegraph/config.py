"""Settings shared by ingest, the store and the server.

IRIs are configurable for whoever deploys guidegraph; the defaults below are
what the bundled corpus is published under.
"""

from __future__ import annotations

import os

ONTOLOGY_IRI = "https://w3id.org/guidegraph/ontology"
ONTOLOGY_NS = ONTOLOGY_IRI + "#"
DEFAULT_BASE_IRI = "https://w3id.org/guidegraph/id/"


def base_iri() -> str:
    """The base IRI for data resources: $GUIDEGRAPH_BASE_IRI or the default."""
    base = os.environ.get("GUIDEGRAPH_BASE_IRI", DEFAULT_BASE_IRI)
    return base if base.endswith(("/", "#")) else base + "/"
