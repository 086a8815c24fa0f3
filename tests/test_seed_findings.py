"""Every Violation and Warning on the seeds is explained, and docs/seed-findings.md is current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("seed_findings", Path(__file__).parent / "seed_findings.py")
seed_findings = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seed_findings)


@pytest.fixture(scope="module")
def results():
    return seed_findings.seed_findings()


def test_every_violation_and_warning_is_explained(results):
    for path, report in results:
        for f in report.findings:
            if f.severity in ("Violation", "Warning"):
                assert (path.name[:3], f.shape) in seed_findings.EXPLANATIONS, (path.name, f.shape, f.lines)


def test_no_explanation_is_stale(results):
    seen = {(p.name[:3], f.shape) for p, r in results for f in r.findings if f.severity in ("Violation", "Warning")}
    assert set(seed_findings.EXPLANATIONS) == seen


def test_committed_report_is_current(results):
    assert seed_findings.DOC.read_text(encoding="utf-8") == seed_findings.render(results)


def test_known_true_facts(results):
    by_seed = {p.name[:3]: r for p, r in results}
    counts = [f for f in by_seed["002"].findings if f.shape == "DeclaredDirectionCount"]
    assert [(f.title, f.messages["en"]) for f in counts] == [
        ("常见多发病防治研究", "The programme declares 22 directions but publishes 17")
    ]
    jiangsu = [(f.shape, f.number, f.start_line) for f in by_seed["004"].findings if f.severity == "Violation"]
    assert sorted(jiangsu) == [("DirectionIndicator", "1001", 110), ("DirectionResearchContent", "1001", 110)]
