"""Parameter headers: ``required``, strict binding for callers, typed values (queries/__init__.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from guidegraph.queries import ParameterError, parse_query

TEXT = """# title: Directions by year
# param: topic string CAR-T required -- text to look for
# param: year integer 2025 -- the guide's year
# param: share decimal 0.5 -- a fraction
SELECT ?d WHERE { VALUES ?topic { "CAR-T" } VALUES ?year { 2025 } VALUES ?share { 0.5 } ?d ?p ?topic }
"""


def test_required_is_read_from_the_header():
    query = parse_query("99_by_year", TEXT)
    assert [(p.name, p.required) for p in query.parameters] == [("topic", True), ("year", False), ("share", False)]


@pytest.mark.parametrize("line", ["# param: topic string CAR-T requird -- x", "# param: topic string CAR-T required extra -- x", "# param: topic text CAR-T -- x"])
def test_a_malformed_param_line_is_refused(line):
    with pytest.raises(ValueError, match="bad param line"):
        parse_query("99_bad", TEXT.replace("# param: topic string CAR-T required -- text to look for", line))


def test_strict_binding_needs_required_values_and_fills_the_rest():
    query = parse_query("99_by_year", TEXT)
    assert 'VALUES ?topic { "CAR-T" }' in query.bind()  # the file's own defaults, as in an editor
    with pytest.raises(ParameterError) as err:
        query.bind({}, strict=True)
    assert err.value.parameter == "topic"
    with pytest.raises(ParameterError):
        query.bind({"topic": ""}, strict=True)  # an empty form field is not a value
    text = query.bind({"topic": "AI", "year": ""}, strict=True)
    assert 'VALUES ?topic { "AI" }' in text and "VALUES ?year { 2025 }" in text


@pytest.mark.parametrize(
    "name, raw, parsed",
    [("year", "+2021", 2021), ("share", "0.25", Decimal("0.25")), ("topic", " spaced ", " spaced ")],
)
def test_values_are_parsed_by_type(name, raw, parsed):
    query = parse_query("99_by_year", TEXT)
    assert next(p for p in query.parameters if p.name == name).parse(raw) == parsed


@pytest.mark.parametrize("name, raw", [("year", "2021.5"), ("year", "二〇二一"), ("share", "NaN"), ("share", "a lot")])
def test_bad_values_name_the_parameter(name, raw):
    query = parse_query("99_by_year", TEXT)
    with pytest.raises(ParameterError) as err:
        query.bind({"topic": "x", name: raw}, strict=True)
    assert err.value.parameter == name


def test_the_list_says_which_parameters_are_required(capsys):
    from guidegraph.cli import main

    assert main(["query", "--list"]) == 0
    out = capsys.readouterr().out
    assert "--param topic=…  (string, required) text to look for" in out
    assert "--param min_cases=…  (integer, default 500)" in out


def test_chinese_wording_is_read_and_english_is_the_fallback():
    text = TEXT.replace("# param: share", "# title@zh: 按年度的方向\n# param@zh: topic -- 要查找的文字\n# param: share")
    query = parse_query("99_by_year", text)
    assert query.title_in("zh") == "按年度的方向" and query.title_in("en") == "Directions by year"
    assert query.description_in("zh") == query.description_in("en") == ""
    topic, year, _ = query.parameters
    assert topic.description_in("zh") == "要查找的文字" and topic.description_in("en") == "text to look for"
    assert year.description_in("zh") == "the guide's year"  # no Chinese given


@pytest.mark.parametrize("line", ["# param@zh: colour -- 颜色", "# param@zh: topic 要查找的文字"])
def test_a_chinese_line_for_no_parameter_is_refused(line):
    with pytest.raises(ValueError, match="param@zh"):
        parse_query("99_bad", TEXT.replace("# param: share", line + "\n# param: share"))


def test_every_shipped_query_speaks_chinese():
    from guidegraph.queries import load_queries

    for query in load_queries():
        assert query.title_zh and query.description_zh, query.slug
        assert all(p.description_zh for p in query.parameters), query.slug
