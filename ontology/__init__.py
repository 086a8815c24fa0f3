"""The guidegraph OWL ontology, its alignments and fixed concept schemes (Turtle files).

Read them through these helpers (importlib.resources), so they work from a
source tree, an installed wheel or a zip.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from rdflib import Graph

from guidegraph.namespaces import PREFIXES

# The files that together make the published ontology, core first.
ONTOLOGY_FILES = ("guidegraph.ttl", "alignments.ttl", "schemes.ttl")
CONTEXT_FILE = "context.jsonld"


def ontology_path(name: str = "guidegraph.ttl") -> Path:
    """A filesystem path to one of the shipped ontology files."""
    resource = files(__name__).joinpath(name)
    if not resource.is_file():
        raise FileNotFoundError(f"no ontology file {name!r}")
    with as_file(resource) as path:
        return Path(path)


def ontology_text(name: str = "guidegraph.ttl") -> str:
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def ontology_graph(names: tuple[str, ...] = ONTOLOGY_FILES) -> Graph:
    """The ontology (by default core + alignments + schemes) as one rdflib Graph."""
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    for name in names:
        graph.parse(data=ontology_text(name), format="turtle")
    return graph


def core_graph() -> Graph:
    """Only our own terms (guidegraph.ttl), without the alignments."""
    return ontology_graph(("guidegraph.ttl",))


def jsonld_context() -> dict:
    """The published JSON-LD context (the value of its "@context" key)."""
    import json

    return json.loads(files(__name__).joinpath(CONTEXT_FILE).read_text(encoding="utf-8"))["@context"]


def check_consistency(data: Graph | None = None) -> None:
    """Run HermiT (via owlready2, needs Java) over the ontology plus ``data``.

    Raises guidegraph.errors.InputError when the reasoner finds the union
    inconsistent. owl:imports are dropped first: the imported files are all
    in the union already and the reasoner must not go to the network.
    """
    import tempfile

    import owlready2
    from rdflib.namespace import OWL

    from guidegraph.errors import InputError

    union = ontology_graph()
    if data is not None:
        for triple in data.triples((None, None, None)):
            union.add(triple)
    union.remove((None, OWL.imports, None))
    with tempfile.TemporaryDirectory(prefix="gg-hermit-") as tmp:
        path = Path(tmp) / "union.nt"
        union.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            # xsd:date and xsd:gYear are outside the OWL 2 datatype map; HermiT
            # would reject them rather than reason with them.
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InputError(f"the ontology and data are inconsistent: {exc}") from None
        finally:
            world.close()
