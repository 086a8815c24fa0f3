"""Human documentation of the ontology, generated from the shipped Turtle.

``render_ontology_html("zh" | "en")`` returns one self-contained HTML page
listing every class, property and named individual with its labels,
definition, domain, range and alignments; the server serves it at the
ontology IRI.
"""

from __future__ import annotations

from html import escape

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

STYLE = """
body{font-family:system-ui,-apple-system,"Noto Sans CJK SC","PingFang SC",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;margin-top:2.5rem}
section.term{border-left:3px solid #4a7;padding:.2rem 1rem;margin:1.2rem 0}
section.term h3{margin:.2rem 0}.alt{color:#666;font-weight:normal;font-size:.9em}
dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem;margin:.4rem 0}dt{color:#555}dd{margin:0}
code{background:#f4f4f4;padding:0 .2rem}nav ul{columns:3}
"""


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


def _link(term: URIRef) -> str:
    if str(term).startswith(ONTOLOGY_NS):
        return f'<a href="#{escape(_local(term))}"><code>{escape(_qname(term))}</code></a>'
    if isinstance(term, URIRef):
        return f'<a href="{escape(str(term))}"><code>{escape(_qname(term))}</code></a>'
    return "<code>(anonymous)</code>"


def _links(terms) -> str:
    return ", ".join(_link(t) for t in sorted(terms, key=str))


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((t for t in graph.subjects(RDF.type, kind) if str(t).startswith(ONTOLOGY_NS)), key=_local)


def _term_section(graph: Graph, term: URIRef, lang: str, kind: URIRef) -> str:
    t = TEXT[lang]
    other = "en" if lang == "zh" else "zh"
    label = _literal(graph, term, RDFS.label, lang) or _local(term)
    alt = _literal(graph, term, RDFS.label, other)
    rows = [(t["iri"], f"<code>{escape(str(term))}</code>")]
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
        types = [o for o in graph.objects(term, RDF.type) if o != OWL.NamedIndividual]
        rows.append((t["type"], _links(types)))
    if aligned:
        rows.append((t["aligned"], _links(aligned)))
    definition = _literal(graph, term, SKOS.definition, lang)
    body = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (
        f'<section class="term" id="{escape(_local(term))}">'
        f'<h3>{escape(label)} <span class="alt" lang="{other}">{escape(alt)}</span></h3>'
        f"<p>{escape(definition)}</p><dl>{body}</dl></section>"
    )


def render_ontology_html(lang: str = "zh") -> str:
    """The ontology documentation as one HTML page in Chinese ("zh") or English ("en")."""
    if lang not in TEXT:
        raise ValueError(f"unsupported documentation language {lang!r}; use 'zh' or 'en'")
    graph = ontology_graph()
    t = TEXT[lang]
    ont = URIRef(ONTOLOGY_IRI)
    title = _literal(graph, ont, DCTERMS.title, lang)
    description = _literal(graph, ont, DCTERMS.description, lang)
    version = _literal(graph, ont, OWL.versionInfo, lang)
    license_iri = graph.value(ont, DCTERMS.license)
    groups = [
        ("classes", OWL.Class), ("object", OWL.ObjectProperty), ("datatype", OWL.DatatypeProperty),
        ("individuals", OWL.NamedIndividual),
    ]
    nav = "".join(f'<li><a href="#{key}">{escape(t[key])}</a></li>' for key, _ in groups)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>',
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1><p>{escape(description)}</p>",
        f'<dl><dt>{t["iri"]}</dt><dd><code>{escape(ONTOLOGY_IRI)}</code></dd>',
        f'<dt>{t["namespace"]}</dt><dd><code>gg: {escape(ONTOLOGY_NS)}</code></dd>',
        f'<dt>{t["version"]}</dt><dd>{escape(version)}</dd>',
        f'<dt>{t["license"]}</dt><dd><a href="{escape(str(license_iri))}">{escape(str(license_iri))}</a></dd></dl>',
        f'<p><a href="?lang={"en" if lang == "zh" else "zh"}">{t["other"]}</a></p>',
        f'<nav><h2>{t["contents"]}</h2><ul>{nav}</ul></nav>',
    ]
    for key, kind in groups:
        parts.append(f'<h2 id="{key}">{escape(t[key])}</h2>')
        parts.extend(_term_section(graph, term, lang, kind) for term in _terms(graph, kind))
    parts.append("</body></html>")
    return "\n".join(parts)
