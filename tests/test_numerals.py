"""parse_number and the compact text view shared by the number parsers."""

import pytest

from guidegraph.ingest.parse.numerals import compact_view, parse_number


@pytest.mark.parametrize(
    "printed, expected",
    [
        ("3.5", 3.5),
        ("1,000", 1000.0),
        ("12,345,678", 12345678.0),
        ("１００", 100.0),
        ("５.２５", 5.25),
        ("0.25", 0.25),
        ("两", 2.0),
        ("十", 10.0),
        ("十五", 15.0),
        ("二十", 20.0),
        ("一百二十", 120.0),
        ("一百零五", 105.0),
        ("十万", 100000.0),
        ("三千五百", 3500.0),
        ("一亿二千万", 120000000.0),
        ("1.5万", 15000.0),
        ("3千", 3000.0),
        ("3千万", 30000000.0),
        ("〇", 0.0),
        ("零", 0.0),
        ("二〇二五", 2025.0),
        ("叁", 3.0),
        (" 42 ", 42.0),
    ],
)
def test_numbers_are_resolved(printed, expected):
    assert parse_number(printed) == expected


@pytest.mark.parametrize("printed", ["", "   ", "abc", "万", "百", "1,2", "3.5.1", "十一五", "5G", "1-2", "约3", "三四"])
def test_non_numbers_give_none(printed):
    assert parse_number(printed) is None


def test_non_string_gives_none():
    assert parse_number(None) is None  # type: ignore[arg-type]


def test_compact_view_drops_pdf_whitespace_and_maps_back():
    # 002 seed: "拟安排国拨经费概算 1200\n\n万元" is wrapped across a blank line
    text = "概算 1200\n\n万元"
    compact, offsets = compact_view(text)
    assert compact == "概算1200万元"
    assert len(offsets) == len(compact)
    assert all(text[offsets[i]] == "".join(compact)[i] for i in range(len(compact)))


def test_compact_view_keeps_one_space_between_ascii_tokens():
    compact, offsets = compact_view("ISO  13485 与 3.8 bits")
    assert compact == "ISO 13485与3.8 bits"
    assert offsets[3] == 3  # the kept space is the first of the run


def test_compact_view_folds_full_width():
    compact, _ = compact_view("≥９０％")
    assert compact == "≥90%"
