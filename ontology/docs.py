"""Human documentation of the ontology, generated from the shipped Turtle.

``ontology_model(lang)`` lists every class, property and named individual
with its labels, definition, domain, range and alignments; the server renders
it with the site's layout at the ontology IRI (templates/ontology.html), and
``render_ontology_html`` as one self-contained file for ``guidegraph ontology docs``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from guidegraph.config import ONTOLOGY_IRI, ONTOLOGY_NS
from guidegraph.namespaces import PREFIXES
from guidegraph.ontology import ontology_graph

TEXT = {
    "zh": {
        "classes": "类", "object": "对象属性", "datatype": "数据属性", "individuals": "命名个体",
        "iri": "IRI", "super": "上位", "sub": "下位", "domain": "定义域", "range": "值域", "aligned": "对齐",
        "inverse": "互逆", "version": "版本", "license": "许可", "namespace": "命名空间", "type": "类型",
        "contents": "目录", "other": "English",
    },
    "en": {
        "classes": "Classes", "object": "Object properties", "datatype": "Datatype properties",
        "individuals": "Named individuals", "iri": "IRI", "super": "Super", "sub": "Sub", "domain": "Domain",
        "range": "Range", "aligned": "Aligned to", "inverse": "Inverse of", "version": "Version",
        "license": "License", "namespace": "Namespace", "type": "Type", "contents": "Contents", "other": "中文",
    },
}



@dataclass(frozen=True)
class TermLink:
    href: str
    qname: str


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    alt: str
    definition: str
    rows: list[tuple[str, list[TermLink] | str]]  # (heading, links or plain IRI text)


def _qname(term: URIRef) -> str:
    text = str(term)
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(ns) and len(text) > len(ns):
            return f"{prefix}:{text[len(ns):]}"
    return text


def _local(term: URIRef) -> str:
    return str(term)[len(ONTOLOGY_NS):]


def _literal(graph: Graph, term: URIRef, prop: URIRef, lang: str) -> str:
    values = [o for o in graph.objects(term, prop) if isinstance(o, Literal)]
    for value in values:
        if value.language == lang:
            return str(value)
    return str(values[0]) if values else ""


def _links(terms) -> list[TermLink]:
    out = []
    for term in sorted(terms, key=str):
        if str(term).startswith(ONTOLOGY_NS):
            out.append(TermLink("#" + _local(term), _qname(term)))
        elif isinstance(term, URIRef):
            out.append(TermLink(str(term), _qname(term)))
        else:
            out.append(TermLink("", "(anonymous)"))
    return out


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((t for t in graph.subjects(RDF.type, kind) if str(t).startswith(ONTOLOGY_NS)), key=_local)


def _term(graph: Graph, term: URIRef, lang: str, kind: URIRef) -> Term:
    t = TEXT[lang]
    other = "en" if lang == "zh" else "zh"
    rows: list = [(t["iri"], str(term))]
    supers_prop = RDFS.subClassOf if kind == OWL.Class else RDFS.subPropertyOf
    supers = [o for o in graph.objects(term, supers_prop) if isinstance(o, URIRef)]
    ours = [s for s in supers if str(s).startswith(ONTOLOGY_NS)]
    aligned = [s for s in supers if not str(s).startswith(ONTOLOGY_NS)]
    if kind == OWL.Class:
        aligned += [o for o in graph.objects(term, OWL.equivalentClass) if isinstance(o, URIRef)]
    if ours:
        rows.append((t["super"], _links(ours)))
    subs = [s for s in graph.subjects(supers_prop, term) if str(s).startswith(ONTOLOGY_NS)]
    if subs:
        rows.append((t["sub"], _links(subs)))
    for prop, key in ((RDFS.domain, "domain"), (RDFS.range, "range"), (OWL.inverseOf, "inverse")):
        values = list(graph.objects(term, prop)) + (list(graph.subjects(OWL.inverseOf, term)) if prop == OWL.inverseOf else [])
        if values:
            rows.append((t[key], _links(values)))
    if kind == OWL.NamedIndividual:
        rows.append((t["type"], _links([o for o in graph.objects(term, RDF.type) if o != OWL.NamedIndividual])))
    if aligned:
        rows.append((t["aligned"], _links(aligned)))
    return Term(
        _local(term), _literal(graph, term, RDFS.label, lang) or _local(term), _literal(graph, term, RDFS.label, other),
        _literal(graph, term, SKOS.definition, lang), rows,
    )


def ontology_model(lang: str = "zh") -> dict:
    """What the documentation page shows, as plain data for the template."""
    if lang not in TEXT:
        raise ValueError(f"unsupported documentation language {lang!r}; use 'zh' or 'en'")
    graph = ontology_graph()
    ont = URIRef(ONTOLOGY_IRI)
    groups = [
        ("classes", OWL.Class), ("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty),
        ("individuals", OWL.NamedIndividual),
    ]
    return {
        "text": TEXT[lang], "lang": lang, "other_lang": "en" if lang == "zh" else "zh",
        "iri": ONTOLOGY_IRI, "namespace": ONTOLOGY_NS,
        "title": _literal(graph, ont, DCTERMS.title, lang),
        "description": _literal(graph, ont, DCTERMS.description, lang),
        "version": _literal(graph, ont, OWL.versionInfo, lang),
        "license": str(graph.value(ont, DCTERMS.license) or ""),
        "groups": [(key, [_term(graph, term, lang, kind) for term in _terms(graph, kind)]) for key, kind in groups],
    }


def render_ontology_html(lang: str = "zh") -> str:
    """The documentation as one self-contained HTML page (its stylesheet inlined), for files."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("guidegraph.server", "templates"), autoescape=select_autoescape(default=True))
    stylesheet = files("guidegraph.server").joinpath("static/guidegraph.css").read_text(encoding="utf-8")
    return env.get_template("ontology_standalone.html").render(doc=ontology_model(lang), stylesheet=stylesheet)
