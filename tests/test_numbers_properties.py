"""Property tests: the number parsers never raise and keep their invariants."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidegraph.ingest.parse.counts import parse_direction_count, parse_period, parse_project_count
from guidegraph.ingest.parse.funding import parse_funding
from guidegraph.ingest.parse.numerals import compact_view, parse_number
from guidegraph.ingest.parse.quantities import parse_quantities
from guidegraph.ingest.parse.statements import split_statements

# Characters the parsers react to, so random text hits their branches often.
GENRE = (
    "0123456789０１２３.．,，、:：;；。！？!?()（）[]【】《》“”\"‘’〔〕 \n\t"
    "-~～—至到±×x^%‰℃°μµ/"
    "零〇一二两三四五六七八九十百千万亿元是第"
    "不少于低超过以上下内及大小高等至左右约拟启动部署支持项目数为个方向任务青年科学家实施周期执行期年月日度"
    "例家项种套台次人株篇件批条倍天小时分钟kgmLhsnmdBGDTCHNabc"
    "①②③"
)
genre_text = st.text(alphabet=st.sampled_from(GENRE), max_size=80)
any_text = st.text(max_size=60)
texts = st.one_of(genre_text, any_text)

# what split_statements may leave out: sentence ends, marker characters, and a
# comma right before a marker
SEPARATOR_CHARS = set("。；;！？!?，,、.．()（）①②③0123456789０１２３４５６７８９一二三四五六七八九十是"
                      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(texts)
def test_parse_number_never_raises(s):
    value = parse_number(s)
    assert value is None or isinstance(value, float)


@PROPS
@given(texts)
def test_compact_view_maps_every_character(s):
    compact, offsets = compact_view(s)
    assert len(compact) == len(offsets)
    assert offsets == sorted(set(offsets))
    assert all(0 <= i < len(s) for i in offsets)


@PROPS
@given(texts)
def test_quantities_are_substrings_and_ranges_ordered(s):
    for q in parse_quantities(s):
        assert q.text and q.text in s
        assert q.comparator in (">=", ">", "<=", "<", "=", "range")
        assert isinstance(q.value, float)
        if q.comparator == "range":
            assert q.value_max is not None and q.value <= q.value_max
        else:
            assert q.value_max is None


@PROPS
@given(texts)
def test_split_spans_ordered_stripped_and_lossless(s):
    spans = split_statements(s)
    covered = bytearray(len(s))
    last = 0
    for a, b in spans:
        assert last <= a < b <= len(s)
        assert not s[a].isspace() and not s[b - 1].isspace()
        covered[a:b] = b"\x01" * (b - a)
        last = b
    for i, ch in enumerate(s):
        if not covered[i] and not ch.isspace():
            assert ch in SEPARATOR_CHARS, (s, i, ch)


@PROPS
@given(texts)
def test_sentence_ends_outside_brackets_never_inside_spans(s):
    if any(ch in s for ch in "()（）[]【】《》“”\"‘’〔〕"):
        return
    for a, b in split_statements(s):
        assert not any(ch in "。；;" for ch in s[a:b])


@PROPS
@given(texts)
def test_funding_texts_are_substrings(s):
    for f in parse_funding(s):
        assert f.text in s
        assert f.scale in ("元", "万元", "亿元")
        assert f.comparator in ("=", "<=", ">=")
        assert f.scope in ("per_project", "total", "part", "unspecified")


@PROPS
@given(texts)
def test_counts_never_raise_and_texts_are_substrings(s):
    for got in (parse_project_count(s), parse_period(s)):
        if got is not None:
            assert got["text"] in s
            if got["value_max"] is not None:
                assert got["value"] <= got["value_max"]
    got = parse_direction_count(s)
    if got is not None:
        assert got["text"] in s
        if got["young_scientist"]:
            assert got["young_scientist"]["text"] in s
