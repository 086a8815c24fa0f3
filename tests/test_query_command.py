"""``guidegraph query`` with the shipped research queries: --list, --canned NAME --param KEY=VALUE."""

from __future__ import annotations

import pytest

from guidegraph.cli import main
from guidegraph.bundled_corpus import load_bundled_corpus
from guidegraph.store import open_store


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("store")
    with open_store({"data_dir": str(path)}) as store:
        assert load_bundled_corpus(store) > 50_000
    return str(path)


def test_list_names_every_query_and_its_parameters(capsys):
    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "clinical_case_thresholds" in out and "--param min_cases=" in out
    assert out.count("\n") >= 10


def test_canned_query_with_a_parameter(data_dir, capsys):
    assert main(["query", "--data-dir", data_dir, "--canned", "clinical_case_thresholds", "--param", "min_cases=1000"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    # 002 L4820: 建成包含临床资料和多组学数据（30万例以上）的我国泛血管疾病大数据平台
    assert any("泛血管疾病筛查" in r and '"300000"' in r for r in rows)
    assert all(float(r.split("\t")[3].split('"')[1]) >= 1000 for r in rows)


def test_canned_query_text_parameter_is_bound_safely(data_dir, capsys):
    assert main(["query", "--data-dir", data_dir, "--canned", "topic_search", "--param", 'topic=CAR-T" } } DROP ALL #']) == 0
    assert capsys.readouterr().out.strip().count("\n") == 0  # only the header: no match, and nothing injected


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "--canned", "nope"], "no query named"),
        (["query", "--canned", "topic_search", "--param", "colour=red"], "has no parameter"),
        (["query", "--param", "a=b", "ASK {}"], "--param goes with --canned"),
        (["query"], "no query given"),
    ],
)
def test_mistakes_are_usage_errors(args, message, capsys):
    assert main(args) == 2
    assert message in capsys.readouterr().err
