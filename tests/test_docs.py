"""The README and docs name what a user can run: every subcommand, every page family, every query."""

from __future__ import annotations

from pathlib import Path

from guidegraph.cli import COMMAND_MODULES
from guidegraph.queries import load_queries

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```", 2)[1]
    assert "make serve" in first_block and "make test" in first_block


def test_every_subcommand_is_shown_in_the_readme():
    missing = [name for name in COMMAND_MODULES if f"guidegraph {name}" not in README]
    assert not missing, missing


def test_every_page_family_is_in_the_readme():
    for path in ("/query", "/queries/", "/validate", "/catalog", "/dumps/", "/ontology", "/.well-known/void", "/id/"):
        assert path in README, path


def test_every_shipped_query_is_in_the_query_docs():
    docs = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")
    missing = [q.slug for q in load_queries() if q.slug not in docs]
    assert not missing, missing
