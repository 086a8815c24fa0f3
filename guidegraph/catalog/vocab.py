"""What the dataset description names beyond guidegraph.namespaces: the EU authority lists,
the IANA media-type pages, the profile's own nodes, and the prefixes it binds."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from guidegraph.namespaces import ADMS, DCATAP, GSP, LOCN, SD, SPDX, VCARD, VOID  # noqa: F401 - used by the catalogue

# EU Vocabularies named authority lists (the controlled vocabularies DCAT-AP names).
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
EU_FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
EU_DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
EU_COUNTRY = Namespace(EU_AUTHORITY + "country/")
EU_LANGUAGE = Namespace(EU_AUTHORITY + "language/")
EU_PLANNED_AVAILABILITY = Namespace(EU_AUTHORITY + "planned-availability/")

# DCAT-AP wants media types as IRIs of the IANA registry pages.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

# Where the description's own configuration nodes live in publisher.ttl.
PROFILE = Namespace("urn:guidegraph:catalog:")

PREFIXES: dict[str, Namespace] = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "foaf": FOAF,
    "sd": SD,
    "adms": ADMS,
    "spdx": SPDX,
    "dcatap": DCATAP,
    "locn": LOCN,
    "gsp": GSP,
    "vcard": VCARD,
    "skos": SKOS,
    "xsd": XSD,
    "rdfs": RDFS,
    "rdf": RDF,
}
