"""PDF-style re-wrap: a contact row whose phone number wrapped across a page number keeps the number.

The fixture re-wraps the Shanxi 2017 seed as a typeset PDF would: the 受理单位
contact rows are broken before (or inside) their phone numbers, with a page
number in between.
"""

from __future__ import annotations

import pytest

from guidegraph.corpus import seed_paths
from guidegraph.ingest.pipeline import outline_text

SEED = next(p for p in seed_paths() if p.name.startswith("000_"))

# row as printed -> the same row after a page break (a page number on its own line between)
REWRAPS = {
    "山西省农村技术开发中心  卢晓霞   0351-5255511": "山西省农村技术开发中心  卢晓霞\n\n- 13 -\n\n0351-5255511",
    "山西省科技成果转化中心  卢晓东   0351-4043343": "山西省科技成果转化中心  卢晓东   0351-\n— 14 —\n4043343",
    "山西省科技厅社会发展处      梅栋梁   0351-4046686": "山西省科技厅社会发展处      梅栋梁   联系电话：\n\n15\n\n0351-4046686",
}


@pytest.fixture(scope="module")
def rewrapped() -> str:
    text = SEED.read_text(encoding="utf-8")
    for row, wrapped in REWRAPS.items():
        assert row in text, row  # the fixture is built from the seed as it is
        text = text.replace(row, wrapped)
    return text


def _phones(outline, name):
    return [p for o in outline.offices if o.name == name for c in o.contacts for p in c.phones]


def test_the_seed_as_printed_has_these_numbers():
    o = outline_text(SEED.read_text(encoding="utf-8"))
    assert "0351-5255511" in _phones(o, "山西省农村技术开发中心")
    assert "0351-4046686" in _phones(o, "山西省科技厅社会发展处")


def test_numbers_wrapped_across_a_page_number_stay_with_their_row(rewrapped):
    o = outline_text(rewrapped)
    assert "0351-5255511" in _phones(o, "山西省农村技术开发中心")
    assert "0351-4043343" in _phones(o, "山西省科技成果转化服务中心")
    assert _phones(o, "山西省科技厅社会发展处") == ["0351-4046686"]
    person = next(c for f in o.offices if f.name == "山西省农村技术开发中心" for c in f.contacts if c.person == "卢晓霞")
    assert person.phones == ["0351-5255511"]
    # nothing office-shaped is left over, and the page numbers are listed as such
    assert not [u for u in o.coverage.unassigned if "no office" in u.reason]
    assert {u.text for u in o.coverage.unassigned if u.reason == "page number"} >= {"- 13 -", "— 14 —", "15"}
