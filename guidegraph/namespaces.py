"""RDF namespaces guidegraph writes, declared once.

``GG`` is our own vocabulary as a closed DefinedNamespace: a misspelt term
raises AttributeError instead of minting an IRI nobody declared.
tests/test_ontology.py keeps this list equal to ontology/guidegraph.ttl.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from guidegraph.config import ONTOLOGY_NS


class GG(DefinedNamespace):
    """The guidegraph ontology, https://w3id.org/guidegraph/ontology#."""

    _NS = Namespace(ONTOLOGY_NS)
    _fail = True

    # changes between guides (guidegraph.diff)
    GuideComparison: URIRef
    Change: URIRef
    DirectionAdded: URIRef
    DirectionRemoved: URIRef
    DirectionChanged: URIRef
    SectionAdded: URIRef
    SectionRemoved: URIRef
    SectionChanged: URIRef
    TitleChanged: URIRef
    CodeChanged: URIRef
    ContentChanged: URIRef
    IndicatorAdded: URIRef
    IndicatorRemoved: URIRef
    IndicatorChanged: URIRef
    ThresholdChanged: URIRef
    ThresholdRaised: URIRef
    ThresholdLowered: URIRef
    FundingChanged: URIRef
    DeclaredCountChanged: URIRef
    DeadlineChanged: URIRef
    DeadlineAdded: URIRef
    DeadlineRemoved: URIRef
    OfficeChanged: URIRef
    OfficeAdded: URIRef
    OfficeRemoved: URIRef
    oldGuide: URIRef
    newGuide: URIRef
    oldResource: URIRef
    newResource: URIRef
    partOfChange: URIRef
    oldValue: URIRef
    newValue: URIRef
    changeDetail: URIRef
    matchRule: URIRef
    similarity: URIRef
    # classes
    AcceptingOffice: URIRef
    ApplicationMaterial: URIRef
    ApplicationPeriod: URIRef
    ApplicationStart: URIRef
    Category: URIRef
    Comparator: URIRef
    ContactDesk: URIRef
    ContactPoint: URIRef
    Deadline: URIRef
    Direction: URIRef
    DirectionSimilarity: URIRef
    EligibilityRule: URIRef
    Field: URIRef
    FieldSection: URIRef
    ForwardingNotice: URIRef
    FundingAmount: URIRef
    FundingScope: URIRef
    GuideDocument: URIRef
    Indicator: URIRef
    IssuingAuthority: URIRef
    Jurisdiction: URIRef
    JurisdictionLevel: URIRef
    KeyDate: URIRef
    Note: URIRef
    Office: URIRef
    OutlineNode: URIRef
    Programme: URIRef
    QuantitativeConstraint: URIRef
    Requirement: URIRef
    ResearchContent: URIRef
    ResponsibleDepartment: URIRef
    SharedOffice: URIRef
    Section: URIRef
    SourceDocument: URIRef
    SourceSpan: URIRef
    SpecialProgramme: URIRef
    SubDirection: URIRef
    Tag: URIRef
    TextBlock: URIRef
    # object properties
    acceptingOffice: URIRef
    applicationMaterial: URIRef
    applicationPeriod: URIRef
    applicationStart: URIRef
    childNode: URIRef
    comparator: URIRef
    constraint: URIRef
    contactDesk: URIRef
    contactPoint: URIRef
    countStatement: URIRef
    deadline: URIRef
    eligibilityRule: URIRef
    field: URIRef
    funding: URIRef
    fundingScope: URIRef
    guide: URIRef
    indicator: URIRef
    intro: URIRef
    issuingAuthority: URIRef
    jurisdiction: URIRef
    officeJurisdiction: URIRef
    rorRecord: URIRef
    funderRegistryEntry: URIRef
    sharedOffice: URIRef
    jurisdictionLevel: URIRef
    keyDate: URIRef
    note: URIRef
    office: URIRef
    parentNode: URIRef
    periodEnd: URIRef
    periodStart: URIRef
    preamble: URIRef
    relatedDirection: URIRef
    requirement: URIRef
    researchContent: URIRef
    responsibleDepartment: URIRef
    section: URIRef
    similarityOf: URIRef
    sourceDocument: URIRef
    sourceSpan: URIRef
    tag: URIRef
    topNode: URIRef
    unreadContact: URIRef
    # datatype properties
    adminDivisionCode: URIRef
    iso3166Code: URIRef
    address: URIRef
    amount: URIRef
    code: URIRef
    coverageRatio: URIRef
    currency: URIRef
    date: URIRef
    dateTime: URIRef
    declaredDirectionCount: URIRef
    declaredDirectionTotal: URIRef
    declaredProjectCount: URIRef
    declaredProjectCountMax: URIRef
    docNumber: URIRef
    email: URIRef
    encoding: URIRef
    endChar: URIRef
    endLine: URIRef
    fileName: URIRef
    heading: URIRef
    implementationPeriod: URIRef
    issueDate: URIRef
    maxValue: URIRef
    mediaType: URIRef
    name: URIRef
    number: URIRef
    personName: URIRef
    postcode: URIRef
    projectCountApproximate: URIRef
    scale: URIRef
    serves: URIRef
    sha256: URIRef
    similarityMethod: URIRef
    similarityScore: URIRef
    sourceText: URIRef
    startChar: URIRef
    startLine: URIRef
    subtitle: URIRef
    suppliedByReviewer: URIRef
    symbol: URIRef
    telephone: URIRef
    text: URIRef
    title: URIRef
    unit: URIRef
    value: URIRef
    year: URIRef
    yuan: URIRef
    # individuals
    atLeast: URIRef
    atMost: URIRef
    between: URIRef
    budgetShare: URIRef
    county: URIRef
    exactly: URIRef
    jurisdictionLevels: URIRef
    lessThan: URIRef
    moreThan: URIRef
    municipal: URIRef
    national: URIRef
    perProject: URIRef
    provincial: URIRef
    totalBudget: URIRef
    unspecifiedScope: URIRef

SCHEMA = Namespace("https://schema.org/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EURIO = Namespace("http://data.europa.eu/s66#")
FRAPO = Namespace("http://purl.org/cerif/frapo/")
CCCEV = Namespace("http://data.europa.eu/m8g/")
VANN = Namespace("http://purl.org/vocab/vann/")
# for the service and dataset descriptions (SPARQL SD, VoID, DCAT-AP and what it uses)
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")

# Prefixes bound in every serialisation and in the JSON-LD context.
PREFIXES: dict[str, str] = {
    "gg": ONTOLOGY_NS,
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "org": str(ORG),
    "vcard": str(VCARD),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "eurio": str(EURIO),
    "frapo": str(FRAPO),
    "cccev": str(CCCEV),
}

__all__ = [
    "GG", "SCHEMA", "VCARD", "EURIO", "FRAPO", "CCCEV", "VANN", "PREFIXES", "SD", "VOID", "ADMS", "SPDX", "DCATAP", "LOCN", "GSP",
    "DCAT", "DCTERMS", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD", "URIRef",
]
