"""The home page: what the dataset holds, every guide in a table to sort and filter, and the ways in.

``/`` is the page, ``/.json`` its machine twin (the same rows and counts);
the RDF description of the dataset is the catalogue. Filtering and sorting
are query parameters (``?level=provincial&year=2024&sort=year&order=desc``),
so the table works without JavaScript and every view has a URL.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from flask import Blueprint, Flask, Response, current_app, render_template, request

from guidegraph.namespaces import GG, SKOS
from guidegraph.server import feeds_pages
from guidegraph.store.base import GraphStore

bp = Blueprint("home", __name__)

LEVELS = ("national", "provincial", "municipal", "county")
LEVEL_LABELS = {
    "zh": {"national": "国家", "provincial": "省级", "municipal": "市级", "county": "县级", "": "未知"},
    "en": {"national": "national", "provincial": "provincial", "municipal": "municipal", "county": "county", "": "unknown"},
}
SORT_KEYS = ("jurisdiction", "level", "year", "programmes", "directions", "deadline", "title")
COUNTED = {"programmes": (GG.Programme, GG.SpecialProgramme), "directions": (GG.Direction,),
           "indicators": (GG.Indicator,), "offices": (GG.AcceptingOffice, GG.ResponsibleDepartment, GG.ContactDesk, GG.Office)}


@dataclass
class GuideRow:
    iri: str
    title: str = ""
    year: int | None = None
    jurisdiction: str = ""
    jurisdiction_label: str = ""
    level: str = ""
    issuer: str = ""
    deadline: str = ""  # the last application deadline, ISO
    counts: dict[str, int] = field(default_factory=dict)


def _rows(store: GraphStore, sparql: str) -> list[dict[str, str]]:
    answer = store.query(sparql, result_format="json", graph_format="turtle", timeout=30, max_rows=None)
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(answer.body)["results"]["bindings"]]


def guide_rows(store: GraphStore) -> list[GuideRow]:
    """Every guide with its metadata and counts, from a few grouped queries (no cross products)."""
    prefix = f"PREFIX gg: <{GG}>\nPREFIX skos: <{SKOS}>\n"
    guides: dict[str, GuideRow] = {}
    for row in _rows(store, prefix + """
        SELECT ?g (SAMPLE(?t) AS ?title) (SAMPLE(?y) AS ?year) (SAMPLE(?j) AS ?jur) (SAMPLE(?jl) AS ?jlabel)
               (SAMPLE(?lv) AS ?level) WHERE {
          ?g a gg:GuideDocument . OPTIONAL { ?g gg:title ?t } OPTIONAL { ?g gg:year ?y }
          OPTIONAL { ?g gg:jurisdiction ?j OPTIONAL { ?j skos:prefLabel ?jl } OPTIONAL { ?j gg:jurisdictionLevel ?lv } }
        } GROUP BY ?g"""):
        level = row.get("level", "").rsplit("#", 1)[-1]
        year = row.get("year", "")
        guides[row["g"]] = GuideRow(
            row["g"], row.get("title", ""), int(year[:4]) if year[:4].isdigit() else None,
            row.get("jur", ""), row.get("jlabel", ""), level if level in LEVELS else "",
        )
    for name, classes in COUNTED.items():
        values = " ".join(f"<{c}>" for c in classes)
        for row in _rows(store, prefix + f"""SELECT ?g (COUNT(DISTINCT ?x) AS ?n) WHERE {{
                VALUES ?type {{ {values} }} ?x a ?type ; gg:guide ?g }} GROUP BY ?g"""):
            if row["g"] in guides:
                guides[row["g"]].counts[name] = int(row["n"])
    for row in _rows(store, prefix + """SELECT ?g (COUNT(DISTINCT ?i) AS ?n) WHERE {
            ?i a gg:Indicator ; gg:constraint ?c ; gg:guide ?g } GROUP BY ?g"""):
        if row["g"] in guides:
            guides[row["g"]].counts["quantified"] = int(row["n"])
    for row in _rows(store, prefix + """SELECT ?g (MAX(?d) AS ?last) WHERE { ?g gg:deadline/gg:date ?d } GROUP BY ?g"""):
        if row["g"] in guides:
            guides[row["g"]].deadline = row["last"]
    for row in _rows(store, prefix + """SELECT ?g (SAMPLE(?n) AS ?issuer) WHERE { ?g gg:issuingAuthority/gg:name ?n } GROUP BY ?g"""):
        if row["g"] in guides:
            guides[row["g"]].issuer = row["issuer"]
    return sorted(guides.values(), key=lambda g: (-(g.year or 0), g.jurisdiction, g.title))


@dataclass(frozen=True)
class View:
    """What the reader asked to see: filters and the sort."""

    jurisdiction: str = ""
    level: str = ""
    year: str = ""
    sort: str = "year"
    order: str = "desc"

    @classmethod
    def from_args(cls, args) -> "View":
        sort = args.get("sort", "year")
        return cls(
            args.get("jurisdiction", ""), args.get("level", "") if args.get("level", "") in LEVELS else "",
            args.get("year", "") if args.get("year", "").isdigit() else "",
            sort if sort in SORT_KEYS else "year", "asc" if args.get("order") == "asc" else "desc",
        )

    def apply(self, rows: list[GuideRow]) -> list[GuideRow]:
        kept = [r for r in rows if (not self.jurisdiction or r.jurisdiction == self.jurisdiction)
                and (not self.level or r.level == self.level) and (not self.year or str(r.year) == self.year)]

        def key(r: GuideRow):
            if self.sort in ("programmes", "directions"):
                return r.counts.get(self.sort, 0)
            if self.sort == "year":
                return r.year or 0
            if self.sort == "level":
                return LEVELS.index(r.level) if r.level in LEVELS else len(LEVELS)
            return {"jurisdiction": r.jurisdiction_label, "deadline": r.deadline, "title": r.title}[self.sort] or ""

        return sorted(kept, key=key, reverse=self.order == "desc")

    def link(self, **changes) -> str:
        """The query string of this view with ``changes`` (e.g. a new sort)."""
        from urllib.parse import urlencode

        values = {**asdict(self), **changes}
        return "?" + urlencode({k: v for k, v in values.items() if v and not (k == "sort" and v == "year" and values["order"] == "desc")})


def _totals(rows: list[GuideRow]) -> dict[str, int]:
    totals = {"guides": len(rows)}
    for name in ("programmes", "directions", "indicators", "quantified", "offices"):
        totals[name] = sum(r.counts.get(name, 0) for r in rows)
    return totals


def _home_rows() -> list[GuideRow]:
    store = current_app.extensions["guidegraph.store"]
    return current_app.extensions["guidegraph.pages"].get_or_make(store, "home-rows", lambda: guide_rows(store))


@bp.get("/")
def home() -> Response:
    rows = _home_rows()
    view = View.from_args(request.args)
    shown = view.apply(rows)
    settings = current_app.extensions["guidegraph.settings"]
    choices = {
        "jurisdictions": sorted({(r.jurisdiction, r.jurisdiction_label) for r in rows if r.jurisdiction}, key=lambda j: j[1]),
        "years": sorted({r.year for r in rows if r.year}, reverse=True),
        "levels": [lv for lv in LEVELS if any(r.level == lv for r in rows)],
    }
    from guidegraph.server.i18n import current_language

    def render() -> str:
        return render_template(
            "home.html", rows=shown, total_rows=len(rows), totals=_totals(rows), view=view, choices=choices,
            level_labels=LEVEL_LABELS[current_language()], base_iri=settings.data_base_iri, resource_path=settings.resource_path,
        )

    store = current_app.extensions["guidegraph.store"]
    # the "closing soon" block counts from today: a new day is a new page
    body = current_app.extensions["guidegraph.pages"].get_or_make(store, ("home", view, current_language(), feeds_pages.today()), render)
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Link"] = '</.json>; rel="alternate"; type="application/json", </catalog>; rel="describedby"; type="text/turtle"'
    response.vary.add("Cookie")
    return response


@bp.get("/.json")
def home_json() -> Response:
    rows = _home_rows()
    view = View.from_args(request.args)
    settings = current_app.extensions["guidegraph.settings"]
    body = {
        "totals": _totals(rows),
        "guides": [{**asdict(r), "page": settings.resource_path + r.iri[len(settings.data_base_iri):]
                    if r.iri.startswith(settings.data_base_iri) else None} for r in view.apply(rows)],
        "links": {"sparql": "/sparql", "catalog": "/catalog", "void": "/.well-known/void", "dumps": "/dumps/",
                  "ontology": "/ontology"},
    }
    response = Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8")
    response.headers["Link"] = '</>; rel="alternate"; type="text/html"'
    return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page declares; it is our SVG icon."""
    return current_app.send_static_file("favicon.svg")


def install(app: Flask) -> None:
    app.register_blueprint(bp)
