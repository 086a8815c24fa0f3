"""The dataset description: VoID and DCAT 3, written to satisfy DCAT-AP 3.0.1.

``describe_dataset`` turns measured statistics, the list of dumps and the
site's addresses into one RDF graph: a ``dcat:Catalog`` with the whole
dataset and one dataset per named graph, their distributions, and the SPARQL
endpoint as a ``dcat:DataService``; the same dataset nodes carry the VoID
figures. Who publishes, the licence, themes and titles come from a profile
(``publisher.ttl`` by default). Nodes the caller does not name (per-graph
datasets, distributions, the service, publisher, contact point) get hash IRIs
in the catalogue's document, so dereferencing any of them returns the
description that holds it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, VOID, XSD

from guidegraph.catalog.statistics import DatasetStatistics, GraphStatistics
from guidegraph.catalog.vocab import (
    DCATAP,
    EU_FILE_TYPE,
    IANA_MEDIA_TYPES,
    PREFIXES,
    PROFILE,
    SD,
    SPDX,
)
from guidegraph.config import ONTOLOGY_NS
from guidegraph.errors import UsageError

# guidegraph.formats short name -> EU file-type authority code.
FILE_TYPES: dict[str, str] = {
    "nquads": "RDF_N_QUADS",
    "ntriples": "RDF_N_TRIPLES",
    "trig": "RDF_TRIG",
    "turtle": "RDF_TURTLE",
    "jsonld": "JSON_LD",
    "rdfxml": "RDF_XML",
}
COMPRESSION_MEDIA_TYPES = {"gzip": "application/gzip"}
# The whole dataset names this many example resources (one per graph, the
# graphs in IRI order); each graph's own dataset names its own.
WHOLE_EXAMPLES = 10
SPARQL_STANDARDS = (
    URIRef("https://www.w3.org/TR/sparql11-protocol/"),
    URIRef("https://www.w3.org/TR/sparql11-query/"),
    URIRef("https://www.w3.org/TR/sparql11-service-description/"),
)


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of the dataset or of one of its graphs."""

    url: str  # absolute download URL
    media_type: str  # e.g. application/n-quads
    compression: str | None  # "gzip" or None
    byte_size: int
    sha256: str
    graph: str | None  # the graph this dump holds; None = the whole dataset
    title: str
    format_name: str  # guidegraph.formats short name


@dataclass(frozen=True)
class Site:
    """Where the data is published."""

    base_url: str  # public origin + "/"
    base_iri: str  # IRI base of the data
    sparql_endpoint: str  # absolute URL of /sparql (it also serves the service description)
    catalog_iri: str
    dataset_iri: str
    modified: str  # ISO date or datetime of this dataset version
    issued: str | None = None  # first publication; None = ``modified``


@dataclass(frozen=True)
class Profile:
    """The configurable part of the description, read from a Turtle file."""

    graph: Graph

    def values(self, predicate: URIRef) -> list:
        return sorted(self.graph.objects(PROFILE.settings, predicate))

    def value(self, predicate: URIRef):
        found = self.values(predicate)
        if not found:
            raise UsageError(f"the catalogue profile has no {predicate.n3()} for cfg:settings")
        return found[0]


def load_profile(path: str | Path | None = None) -> Profile:
    """Read a profile (the bundled ``publisher.ttl`` when ``path`` is None)."""
    graph = Graph()
    try:
        if path is None:
            graph.parse(data=resources.files("guidegraph.catalog").joinpath("publisher.ttl").read_bytes(), format="turtle")
        else:
            graph.parse(str(path), format="turtle")
    except (OSError, SyntaxError, ValueError) as exc:
        raise UsageError(f"cannot read the catalogue profile {path or 'publisher.ttl'}: {exc}") from None
    for node in (PROFILE.publisher, PROFILE.contact, PROFILE.settings):
        if (node, None, None) not in graph:
            raise UsageError(f"the catalogue profile {path or 'publisher.ttl'} does not describe {node.n3()}")
    return Profile(graph)


def _authorities() -> Graph:
    graph = Graph()
    graph.parse(data=resources.files("guidegraph.catalog").joinpath("authorities.ttl").read_bytes(), format="turtle")
    return graph


def _time_literal(text: str) -> Literal:
    """xsd:date for a date, xsd:dateTime for anything with a time."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return Literal(text, datatype=XSD.date, normalize=False)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", text):
        return Literal(text, datatype=XSD.dateTime, normalize=False)
    raise UsageError(f"not an ISO 8601 date or date-time: {text!r}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._~-]+", "-", text).strip("-") or "x"


def _language_of(text: str) -> str:
    """zh for text with Han characters, else en: the two languages we publish in."""
    return "zh" if re.search(r"[\u3400-\u9fff]", text) else "en"


def _vocabulary(iri: str) -> str:
    """The namespace of a term: up to and including its last '#' or '/'."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else iri


class _Builder:
    def __init__(self, stats: DatasetStatistics, distributions: list[Distribution], site: Site, profile: Profile):
        self.stats, self.site, self.profile = stats, site, profile
        self.distributions = distributions
        self.g = Graph()
        for prefix, namespace in PREFIXES.items():
            self.g.bind(prefix, namespace)
        self.g.bind("gg", Namespace(ONTOLOGY_NS))
        self.doc = site.catalog_iri.split("#", 1)[0]
        self.catalog = URIRef(site.catalog_iri)
        self.dataset = URIRef(site.dataset_iri)
        self.service = self.mint("sparql-service")
        self.publisher = self.mint("publisher")
        self.contact = self.mint("contact-point")
        self.modified = _time_literal(site.modified)
        self.issued = _time_literal(site.issued) if site.issued else self.modified
        self.subsets: dict[str, URIRef] = {}

    def mint(self, local: str) -> URIRef:
        return URIRef(f"{self.doc}#{local}")

    def add(self, s, p, o) -> None:
        self.g.add((s, p, o))

    def text(self, node, predicate: URIRef, setting: URIRef, **fields: object) -> None:
        """Copy a profile text (one per language), filling ``{name}`` placeholders."""
        texts = self.profile.values(setting)
        if not texts:
            raise UsageError(f"the catalogue profile has no {setting.n3()} for cfg:settings")
        for template in texts:
            value = str(template)
            for name, field_value in fields.items():
                value = value.replace("{" + name + "}", "" if field_value is None else str(field_value))
            self.add(node, predicate, Literal(" ".join(value.split()), lang=template.language))

    def copy_profile_node(self, source: URIRef, target: URIRef) -> None:
        for p, o in self.profile.graph.predicate_objects(source):
            self.add(target, p, o)

    def common(self, node: URIRef) -> None:
        """Properties every dataset and the service share."""
        self.add(node, DCTERMS.publisher, self.publisher)
        self.add(node, DCAT.contactPoint, self.contact)
        for predicate in (DCAT.theme, DCAT.keyword, DCTERMS.license):
            for value in self.profile.values(predicate):
                self.add(node, predicate, value)

    def coverage(self, node: URIRef, years: list[int], jurisdictions: dict[str, str | None]) -> None:
        for value in self.profile.values(DCTERMS.spatial):
            self.add(node, DCTERMS.spatial, value)
        for language in self.profile.values(DCTERMS.language):
            self.add(node, DCTERMS.language, language)
        # Our jurisdictions have no geometry, which DCAT-AP expects of a
        # dcterms:spatial Location; they are named as dcterms:coverage instead.
        for iri, label in sorted(jurisdictions.items()):
            self.add(node, DCTERMS.coverage, URIRef(iri))
            if label:
                self.add(URIRef(iri), SKOS.prefLabel, Literal(label, lang="zh"))
                self.add(node, DCAT.keyword, Literal(label, lang="zh"))
        if years:
            period = BNode()
            self.add(node, DCTERMS.temporal, period)
            self.add(period, RDF.type, DCTERMS.PeriodOfTime)
            self.add(period, DCAT.startDate, Literal(f"{min(years):04d}-01-01", datatype=XSD.date))
            self.add(period, DCAT.endDate, Literal(f"{max(years):04d}-12-31", datatype=XSD.date))

    def void_counts(self, node: URIRef, triples: int, entities: int, classes: dict, properties: dict) -> None:
        self.add(node, VOID.triples, Literal(triples, datatype=XSD.integer))
        self.add(node, VOID.entities, Literal(entities, datatype=XSD.integer))
        self.add(node, VOID.classes, Literal(len(classes), datatype=XSD.integer))
        self.add(node, VOID.properties, Literal(len(properties), datatype=XSD.integer))
        self.add(node, VOID.sparqlEndpoint, URIRef(self.site.sparql_endpoint))
        self.add(node, VOID.uriSpace, Literal(self.site.base_iri))

    # -- the parts -------------------------------------------------------------
    def build_agents(self) -> None:
        self.copy_profile_node(PROFILE.publisher, self.publisher)
        self.copy_profile_node(PROFILE.contact, self.contact)
        self.add(self.site_home, RDF.type, FOAF.Document)

    @property
    def site_home(self) -> URIRef:
        return URIRef(self.site.base_url)

    def build_catalog(self) -> None:
        c = self.catalog
        self.add(c, RDF.type, DCAT.Catalog)
        self.text(c, DCTERMS.title, PROFILE.catalogTitle)
        self.text(c, DCTERMS.description, PROFILE.catalogDescription)
        self.add(c, DCTERMS.publisher, self.publisher)
        self.add(c, FOAF.homepage, self.site_home)
        self.add(c, DCTERMS.issued, self.issued)
        self.add(c, DCTERMS.modified, self.modified)
        for predicate in (DCTERMS.license, DCTERMS.language, DCTERMS.spatial, DCAT.themeTaxonomy):
            for value in self.profile.values(predicate):
                self.add(c, predicate, value)
        self.add(c, DCAT.dataset, self.dataset)
        for subset in self.subsets.values():
            self.add(c, DCAT.dataset, subset)
        self.add(c, DCAT.service, self.service)

    def build_whole(self) -> None:
        d, stats = self.dataset, self.stats
        for cls in (DCAT.Dataset, VOID.Dataset, SD.Dataset):
            self.add(d, RDF.type, cls)
        self.text(d, DCTERMS.title, PROFILE.datasetTitle)
        self.text(d, DCTERMS.description, PROFILE.datasetDescription)
        self.add(d, DCTERMS.issued, self.issued)
        self.add(d, DCTERMS.modified, self.modified)
        self.common(d)
        years = [g.year for g in stats.graphs if g.year is not None]
        jurisdictions = {g.jurisdiction: g.jurisdiction_label for g in stats.graphs if g.jurisdiction}
        self.coverage(d, years, jurisdictions)
        self.void_counts(d, stats.triples, stats.entities, stats.classes, stats.properties)
        self.add(d, VOID.distinctSubjects, Literal(stats.distinct_subjects, datatype=XSD.integer))
        self.add(d, VOID.distinctObjects, Literal(stats.distinct_objects, datatype=XSD.integer))
        for cls, instances in stats.classes.items():
            part = self.mint(f"class-{_slug(cls)}")
            self.add(d, VOID.classPartition, part)
            self.add(part, VOID["class"], URIRef(cls))
            self.add(part, VOID.entities, Literal(instances, datatype=XSD.integer))
        for predicate, triples in stats.properties.items():
            part = self.mint(f"property-{_slug(predicate)}")
            self.add(d, VOID.propertyPartition, part)
            self.add(part, VOID.property, URIRef(predicate))
            self.add(part, VOID.triples, Literal(triples, datatype=XSD.integer))
        vocabularies = {ONTOLOGY_NS} | {_vocabulary(t) for t in (*stats.classes, *stats.properties)}
        for vocabulary in sorted(vocabularies):
            self.add(d, VOID.vocabulary, URIRef(vocabulary))
        examples = [g.example_resources[0] for g in stats.graphs if g.example_resources]
        for example in examples[:WHOLE_EXAMPLES]:
            self.add(d, VOID.exampleResource, URIRef(example))

    def subset_iri(self, graph: str) -> URIRef:
        base = self.site.base_iri
        if graph.startswith(base):
            local = graph[len(base):]
            local = local[: -len("/graph")] if local.endswith("/graph") else local
            return self.mint("dataset-" + _slug(local))
        return self.mint("dataset-" + hashlib.sha256(graph.encode("utf-8")).hexdigest()[:16])

    def build_subset(self, graph: GraphStatistics) -> URIRef:
        node = self.subsets[graph.graph] = self.subset_iri(graph.graph)
        for cls in (DCAT.Dataset, VOID.Dataset, SD.Graph):
            self.add(node, RDF.type, cls)
        fields = {
            "title": graph.title or graph.guide,
            "year": graph.year,
            "jurisdiction_label": graph.jurisdiction_label or graph.jurisdiction,
            "graph": graph.graph,
        }
        if graph.guide:
            self.text(node, DCTERMS.title, PROFILE.guideDatasetTitle, **fields)
            self.text(node, DCTERMS.description, PROFILE.guideDatasetDescription, **fields)
            self.add(node, VOID.rootResource, URIRef(graph.guide))
        else:
            self.text(node, DCTERMS.title, PROFILE.graphDatasetTitle, **fields)
            self.text(node, DCTERMS.description, PROFILE.graphDatasetDescription, **fields)
        self.add(node, DCTERMS.identifier, Literal(graph.graph))
        self.add(node, DCTERMS.isPartOf, self.dataset)
        self.add(self.dataset, DCTERMS.hasPart, node)
        self.add(self.dataset, VOID.subset, node)
        named = BNode()
        self.add(self.dataset, SD.namedGraph, named)
        self.add(named, RDF.type, SD.NamedGraph)
        self.add(named, SD.name, URIRef(graph.graph))
        self.add(named, SD.graph, node)
        if graph.issued:
            self.add(node, DCTERMS.issued, _time_literal(graph.issued))
        self.add(node, DCTERMS.modified, self.modified)
        self.common(node)
        # A graph without a guide of its own (shared concepts) covers what the whole does.
        years = [graph.year] if graph.year is not None else [g.year for g in self.stats.graphs if g.year is not None]
        self.coverage(node, years, {graph.jurisdiction: graph.jurisdiction_label} if graph.jurisdiction else {})
        self.void_counts(node, graph.triples, graph.entities, graph.classes, graph.properties)
        for example in graph.example_resources:
            self.add(node, VOID.exampleResource, URIRef(example))
        return node

    def extra_subset(self, graph: str, title: str) -> URIRef:
        """A dataset for a dump of a graph the statistics do not cover (e.g. the ontology)."""
        node = self.subsets[graph] = self.subset_iri(graph)
        self.add(node, RDF.type, DCAT.Dataset)
        self.add(node, DCTERMS.title, Literal(title, lang=_language_of(title)))
        fields = {"graph": graph}
        self.text(node, DCTERMS.description, PROFILE.graphDatasetDescription, **fields)
        self.add(node, DCTERMS.identifier, Literal(graph))
        self.add(node, DCTERMS.isPartOf, self.dataset)
        self.add(self.dataset, DCTERMS.hasPart, node)
        self.add(node, DCTERMS.modified, self.modified)
        self.common(node)
        years = [g.year for g in self.stats.graphs if g.year is not None]
        self.coverage(node, years, {})
        return node

    def build_distribution(self, dist: Distribution) -> None:
        file_type = FILE_TYPES.get(dist.format_name)
        if file_type is None:
            raise UsageError(f"no EU file type for the format {dist.format_name!r} of {dist.url}")
        if dist.compression is not None and dist.compression not in COMPRESSION_MEDIA_TYPES:
            raise UsageError(f"unknown compression {dist.compression!r} of {dist.url}")
        if not re.fullmatch(r"[0-9a-f]{64}", dist.sha256):
            raise UsageError(f"not a SHA-256 hex digest for {dist.url}: {dist.sha256!r}")
        if not re.match(r"https?://[^/\s]+/", dist.url) or any(c in dist.url for c in ' <>"{}|\\^`'):
            raise UsageError(f"a distribution's download URL must be an absolute http(s) URL: {dist.url!r}")
        if dist.byte_size < 0:
            raise UsageError(f"negative byte size for {dist.url}")
        if dist.graph is None:
            owner = self.dataset
        else:
            owner = self.subsets.get(dist.graph) or self.extra_subset(dist.graph, dist.title)
        node = self.mint("distribution-" + _slug(dist.url[len(self.site.base_url):] if dist.url.startswith(self.site.base_url) else dist.url))
        if (node, None, None) in self.g:
            raise UsageError(f"two distributions share the download URL {dist.url}")
        url = URIRef(dist.url)
        self.add(owner, DCAT.distribution, node)
        self.add(owner, VOID.dataDump, url)
        self.add(node, RDF.type, DCAT.Distribution)
        self.add(node, DCAT.accessURL, url)
        self.add(node, DCAT.downloadURL, url)
        self.add(node, DCTERMS.title, Literal(dist.title, lang=_language_of(dist.title)))
        packed = f", {dist.compression}-compressed" if dist.compression else ""
        packed_zh = f"，{dist.compression} 压缩" if dist.compression else ""
        self.add(node, DCTERMS.description, Literal(f"{dist.title}: {dist.media_type}{packed}, {dist.byte_size} bytes.", lang="en"))
        self.add(node, DCTERMS.description, Literal(f"{dist.title}：{dist.media_type}{packed_zh}，{dist.byte_size} 字节。", lang="zh"))
        self.add(node, DCAT.mediaType, URIRef(IANA_MEDIA_TYPES + dist.media_type.split(";")[0].strip()))
        self.add(node, DCTERMS.format, EU_FILE_TYPE[file_type])
        if dist.compression:
            self.add(node, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPES + COMPRESSION_MEDIA_TYPES[dist.compression]))
        self.add(node, DCAT.byteSize, Literal(dist.byte_size, datatype=XSD.nonNegativeInteger))
        checksum = BNode()
        self.add(node, SPDX.checksum, checksum)
        self.add(checksum, RDF.type, SPDX.Checksum)
        self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
        self.add(checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary))
        for value in self.profile.values(DCTERMS.license):
            self.add(node, DCTERMS.license, value)
        self.add(node, DCATAP.availability, self.profile.value(DCATAP.availability))
        self.add(node, DCTERMS.modified, self.modified)

    def build_service(self) -> None:
        s = self.service
        self.add(s, RDF.type, DCAT.DataService)
        self.text(s, DCTERMS.title, PROFILE.serviceTitle)
        self.text(s, DCTERMS.description, PROFILE.serviceDescription)
        self.add(s, DCAT.endpointURL, URIRef(self.site.sparql_endpoint))
        # The endpoint answers a GET without a query with its service description.
        self.add(s, DCAT.endpointDescription, URIRef(self.site.sparql_endpoint))
        self.add(s, DCAT.servesDataset, self.dataset)
        for subset in self.subsets.values():
            self.add(s, DCAT.servesDataset, subset)
        for standard in SPARQL_STANDARDS:
            self.add(s, DCTERMS.conformsTo, standard)
        self.common(s)

    def add_authority_facts(self) -> None:
        """Copy what authorities.ttl says about every term the description points to."""
        facts = _authorities()
        pending = {o for o in self.g.objects() if isinstance(o, URIRef)}
        seen: set[URIRef] = set()
        while pending:
            term = pending.pop()
            if term in seen:
                continue
            seen.add(term)
            for p, o in facts.predicate_objects(term):
                self.add(term, p, o)
                if isinstance(o, URIRef):
                    pending.add(o)


def describe_dataset(
    stats: DatasetStatistics,
    distributions: list[Distribution],
    site: Site,
    profile: Profile | None = None,
) -> Graph:
    """The VoID + DCAT description of the dataset as one graph."""
    builder = _Builder(stats, distributions, site, profile or load_profile())
    builder.build_agents()
    for graph in stats.graphs:
        builder.build_subset(graph)
    builder.build_whole()
    for dist in distributions:
        builder.build_distribution(dist)
    builder.build_service()
    builder.build_catalog()
    builder.add_authority_facts()
    return builder.g
