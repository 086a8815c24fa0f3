"""The standard terms the linkers write, as pyoxigraph terms: taken from the one
declaration of namespaces (guidegraph.namespaces), not spelled out again."""

from __future__ import annotations

import pyoxigraph as ox

from guidegraph.namespaces import ORG, OWL, RDF, RDFS, SKOS, XSD

SKOS_NS = str(SKOS._NS)
ORG_NS = str(ORG._NS)

RDF_TYPE = ox.NamedNode(str(RDF.type))
RDFS_LABEL = ox.NamedNode(str(RDFS.label))
PREF_LABEL = ox.NamedNode(str(SKOS.prefLabel))
ALT_LABEL = ox.NamedNode(str(SKOS.altLabel))
SAME_AS = ox.NamedNode(str(OWL.sameAs))
XSD_DECIMAL = ox.NamedNode(str(XSD.decimal))

__all__ = ["SKOS_NS", "ORG_NS", "RDF_TYPE", "RDFS_LABEL", "PREF_LABEL", "ALT_LABEL", "SAME_AS", "XSD_DECIMAL"]
