"""Diffs of two funding guides, computed on their RDF: what was added, removed and changed.

    diff_files(old_path, new_path)        two guide files (.txt/.docx/.pdf/.html)
    diff_stored(store, old_iri, new_iri)  two guides in the store
    diff_facts(old, new)                  two snapshots read from RDF (guidegraph.diff.facts)

The method (matching rule, thresholds) is in docs/diff.md.
"""

from __future__ import annotations

from guidegraph.diff.changes import Change, GuideDiff, NodeDiff
from guidegraph.diff.compare import diff_facts
from guidegraph.diff.sources import facts_of_file, facts_of_stored_guide


def diff_files(old_path, new_path, base_iri: str | None = None) -> GuideDiff:
    return diff_facts(facts_of_file(old_path, base_iri), facts_of_file(new_path, base_iri))


def diff_stored(store, old_iri: str, new_iri: str) -> GuideDiff:
    return diff_facts(facts_of_stored_guide(store, old_iri), facts_of_stored_guide(store, new_iri))


__all__ = ["Change", "GuideDiff", "NodeDiff", "diff_facts", "diff_files", "diff_stored"]
