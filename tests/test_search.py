"""Full-text search: the tokeniser, the ranked index over the seed guides through the real
server, highlighting, hostile input, freshness after a Graph Store PUT, the SPARQL functions."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse

import pytest

from conftest import WRITE_TOKEN, send
from guidegraph.namespaces import GG
from guidegraph.search.snippets import make_snippet, segments
from guidegraph.search.sparql_functions import text_score_value
from guidegraph.search.tokens import MAX_QUERY_CHARS, QueryError, find_hits, index_tokens, parse_query, term_keys
from seeded_server import seeded_server  # noqa: F401 - a fixture

CORPUS_JIANGSU = "corpus/004_757a5c273432423d.txt"


def search(server, q: str, **args) -> dict:
    r = send("GET", f"{server.url}/api/search?{urllib.parse.urlencode({'q': q, **args})}")
    assert r.status == 200, (q, r.status, r.body[:300])
    assert r.media_type == "application/json"
    return json.loads(r.body)


# --- tokens -------------------------------------------------------------------

def test_han_runs_become_bigrams_and_a_closing_character():
    assert index_tokens("细胞治疗") == ["细胞", "胞治", "治疗", "疗"]
    assert index_tokens("癌") == ["癌"]


def test_letters_and_digits_are_lower_case_words_and_full_width_is_folded():
    assert index_tokens("CAR-T细胞") == ["car", "t", "细胞", "胞"]
    assert index_tokens("ＣＡＲ－Ｔ 0351-4048940") == ["car", "t", "0351", "4048940"]


def test_a_term_is_a_phrase_of_its_tokens_and_a_lone_last_character_a_prefix():
    (term,) = parse_query("细胞治疗")
    assert term.tokens == ("细胞", "胞治", "治疗") and not term.prefix
    (single,) = parse_query("癌")
    assert single.tokens == ("癌",) and single.prefix
    assert single.count_in(index_tokens("肝癌细胞")) == 1  # 癌 starts the bigram 癌细
    assert single.count_in(index_tokens("肝癌")) == 1  # 癌 closes the run
    assert single.count_in(index_tokens("肝脏")) == 0


def test_operators_and_quotes_never_reach_the_index():
    for hostile in ('"', '*', 'NEAR(', '-', "') OR 1=1 --", "a:b", "^x", "{x}"):
        try:
            terms = parse_query(hostile)
        except QueryError:
            continue
        for term in terms:
            assert all(t.isalnum() for t in term.tokens), (hostile, term.tokens)
    with pytest.raises(QueryError):
        parse_query('" * - ( )')
    with pytest.raises(QueryError):
        parse_query("细" * (MAX_QUERY_CHARS + 1))


def test_hits_ignore_case_width_and_punctuation_between_letters():
    text = "开发泛癌CAR-T治疗策略与ｃａｒ－ｔ细胞"
    spans = find_hits(text, term_keys(parse_query("car-t")))
    assert [text[s:e] for s, e in spans] == ["CAR-T", "ｃａｒ－ｔ"]


def test_a_snippet_is_a_window_around_the_first_hit_with_shifted_marks():
    content = "前" * 100 + "靶点发现" + "后" * 200
    parts = {"title": "标题", "content": content, "indicators": "", "other": ""}
    snippet = make_snippet(parts, {"title": [], "content": find_hits(content, ["靶点"]), "indicators": [], "other": []})
    assert snippet.field == "content" and snippet.text.startswith("…") and snippet.text.endswith("…")
    ((start, end),) = snippet.marks
    assert snippet.text[start:end] == "靶点"
    assert [piece for piece, hit in segments(snippet.text, snippet.marks) if hit] == ["靶点"]


def test_the_score_function_prefers_more_occurrences_and_shorter_text():
    assert text_score_value("肿瘤免疫", "免疫") > text_score_value("肿瘤免疫" + "其他内容" * 40, "免疫") > 0
    assert text_score_value("免疫免疫免疫" + "其他" * 20, "免疫") > text_score_value("免疫" + "其他" * 21, "免疫")
    assert text_score_value("肿瘤", "免疫") == 0.0
    assert text_score_value("肿瘤", "  --  ") is None


# --- ranking on the seed guides ---------------------------------------------------

# (query, type of the expected first hit, its label); each chosen by reading corpus/*.txt:
# a direction, field or programme named by its title words, an office by its name, a
# contact's name or phone number, a guide by its document number or issuer, a direction
# by a phrase only its research content or indicators hold.
EXPECTED_FIRST = [
    ("城市智能交通系统", "Direction", "城市智能交通系统"),
    ("中医临床", "FieldSection", "中医临床"),
    ("卵母细胞发育的质量控制", "Direction", "卵母细胞发育的质量控制"),
    ("CAR-T 肝癌", "Direction", "靶向肝癌新型CAR-T细胞疗法的临床前研究"),
    ("恶性肿瘤靶向CAR-T细胞治疗技术", "SubDirection", "恶性肿瘤靶向CAR-T细胞治疗技术"),
    ("古建筑修缮", "Direction", "古建筑修缮材料及工艺"),
    ("无创脑机接口", "Direction", "无创脑机接口精准调控关键技术研发"),
    ("脂溢性脱发", "Direction", "治疗脂溢性脱发的中药外用创新药临床前研究"),
    ("稀散金属 富集", "Direction", "稀散金属镓—锗—铟高效富集及分离纯化"),
    ("双频短相干激光光源", "Direction", "双频短相干激光光源"),
    ("新冠病毒 呼吸道", "Direction", "新冠病毒等呼吸道病毒感染和传播特性研究"),
    ("病原学与防疫技术体系研究", "SpecialProgramme", "病原学与防疫技术体系研究"),
    ("战略性矿产绿色选冶技术", "FieldSection", "战略性矿产绿色选冶技术"),
    ("泉城高端外专计划", "Programme", "泉城高端外专计划"),
    ("生物医药", "FieldSection", "生物医药领域"),
    ("NGS基因分型", "Direction", "全基因组基因分型技术研究"),
    ("脑类器官", "Direction", "组织工程类脑智能复合体设计与开发"),
    ("张春芳", "AcceptingOffice", "山西省科学技术交流中心"),
    ("梅栋梁", "ContactDesk", "山西省科技厅社会发展处"),
    ("0351-4048940", "ContactDesk", "山西省科技厅高新处"),
    ("66608811", "ResponsibleDepartment", "社会发展科技处"),
    ("叶荣", "ContactDesk", "省卫生健康委科教处"),
    ("省科技计划项目受理服务中心", "AcceptingOffice", "省科技计划项目受理服务中心"),
    ("苏科资发〔2025〕51号", "GuideDocument", "2025年度省前沿技术研发计划（卫生健康领域）项目指南"),
    ("济南市科学技术局", "GuideDocument", "2019年济南市科技发展计划编制指南"),
]


@pytest.mark.parametrize(("query", "kind", "label"), EXPECTED_FIRST, ids=[q for q, _, _ in EXPECTED_FIRST])
def test_the_obvious_hit_ranks_first(seeded_server, query, kind, label):
    answer = search(seeded_server, query, limit=5)
    assert answer["query"] == query and answer["total"] >= 1
    first = answer["hits"][0]
    assert (first["type"], first["label"]) == (kind, label), [(h["type"], h["label"]) for h in answer["hits"]]


def test_there_are_at_least_twenty_ranking_cases():
    assert len({q for q, _, _ in EXPECTED_FIRST}) >= 20


def test_a_hit_names_its_resource_guide_and_page(seeded_server):
    hit = search(seeded_server, "城市智能交通系统")["hits"][0]
    assert hit["exact_title"] is True and hit["matched"] == ["title"]
    assert "/id/guide/cn-sx/2017/" in hit["guide"] and hit["iri"] != hit["guide"]
    see_other = send("GET", seeded_server.url + hit["page"], headers={"Accept": "text/turtle"})
    assert see_other.status == 303
    described = send("GET", urllib.parse.urljoin(seeded_server.url + hit["page"], see_other.headers["location"]))
    assert described.status == 200 and hit["label"] in described.text()
    ask = f"ASK {{ <{hit['iri']}> a <{GG}Direction> ; <{GG}guide> <{hit['guide']}> }}"
    r = send("GET", f"{seeded_server.sparql}?{urllib.parse.urlencode({'query': ask})}",
             headers={"Accept": "application/sparql-results+json"})
    assert json.loads(r.body)["boolean"] is True


def test_every_term_must_occur(seeded_server):
    both = search(seeded_server, "CAR-T 肝癌", limit=100)
    car_t = search(seeded_server, "CAR-T", limit=100)
    assert 0 < both["total"] < car_t["total"]
    assert {h["iri"] for h in both["hits"]} <= {h["iri"] for h in car_t["hits"]}
    assert search(seeded_server, "CAR-T 不存在的词语组合")["total"] == 0


def test_case_and_width_do_not_change_the_answer(seeded_server):
    ranked = [[h["iri"] for h in search(seeded_server, q, limit=20)["hits"]] for q in ("CAR-T", "car-t", "ＣＡＲ－Ｔ")]
    assert ranked[0] and ranked[0] == ranked[1] == ranked[2]


def test_paging_walks_the_same_ranking(seeded_server):
    whole = search(seeded_server, "细胞", limit=30)
    pages = search(seeded_server, "细胞", limit=10)["hits"] + search(seeded_server, "细胞", limit=10, offset=10)["hits"]
    assert whole["total"] > 20
    assert [h["iri"] for h in pages] == [h["iri"] for h in whole["hits"][:20]]
    scores = [h["score"] for h in whole["hits"] if not h["exact_title"]]
    assert scores == sorted(scores, reverse=True)


def test_snippets_mark_the_terms_found(seeded_server):
    answer = search(seeded_server, "CAR-T 细胞", limit=10)
    assert answer["hits"]
    for hit in answer["hits"]:
        assert hit["snippet_marks"], hit
        for start, end in hit["snippet_marks"]:
            marked = re.sub(r"[\W_]", "", hit["snippet"][start:end]).lower()
            assert marked in ("cart", "细胞") or "cart" in marked or "细胞" in marked, (marked, hit["snippet"])
        for start, end in hit["label_marks"]:
            assert hit["label"][start:end]


def test_a_phrase_only_an_indicator_holds_is_shown_from_the_indicators(seeded_server):
    hit = search(seeded_server, "NGS基因分型")["hits"][0]
    assert hit["matched"] == ["indicators"] and hit["snippet_field"] == "indicators"
    (start, end), = hit["snippet_marks"]
    assert hit["snippet"][start:end] == "NGS基因分型"


# --- the pages ----------------------------------------------------------------------

def test_the_results_page_marks_hits_and_links_its_json_twin(seeded_server):
    r = send("GET", f"{seeded_server.url}/search?{urllib.parse.urlencode({'q': 'CAR-T 肝癌'})}")
    assert r.status == 200 and r.media_type == "text/html"
    page = r.text()
    assert "<mark>CAR-T</mark>" in page and "<mark>肝癌</mark>" in page
    assert 'rel="alternate"' in r.headers["link"] and "/api/search?" in r.headers["link"]
    assert 'href="/api/search?q=CAR-T+%E8%82%9D%E7%99%8C' in page
    assert "靶向肝癌新型CAR-T细胞疗法的临床前研究" in re.sub(r"</?mark>", "", page) and "研究方向" in page


def test_the_results_page_speaks_english_when_asked(seeded_server):
    r = send("GET", f"{seeded_server.url}/search?{urllib.parse.urlencode({'q': '中医临床', 'lang': 'en'})}")
    assert r.status == 200 and "Search results" in r.text() and "field" in r.text() and '<html lang="en">' in r.text()


def test_the_home_page_has_the_search_box(seeded_server):
    page = send("GET", seeded_server.url + "/").text()
    assert re.search(r'<form[^>]*action="/search"[^>]*role="search"', page) and 'name="q"' in page


def test_a_query_is_escaped_on_the_page(seeded_server):
    hostile = '<script>alert(1)</script> 细胞'
    r = send("GET", f"{seeded_server.url}/search?{urllib.parse.urlencode({'q': hostile})}")
    assert r.status == 200 and "<script>alert" not in r.text() and "&lt;script&gt;" in r.text()


def test_the_page_without_a_query_is_the_empty_form(seeded_server):
    r = send("GET", seeded_server.url + "/search")
    assert r.status == 200 and 'name="q"' in r.text() and "<mark>" not in r.text()


# --- hostile input ------------------------------------------------------------------

@pytest.mark.parametrize("q", ['"', '""', "*", "细胞*", "NEAR(细胞 治疗)", "-细胞", "细胞 -治疗", "细胞 OR 治疗", "细胞 AND",
                               "'; DROP TABLE items; --", "' OR '1'='1", "fts MATCH '*'", "\\", "%", "细胞\x00治疗",
                               "^细胞", "title:细胞", "{细胞 治疗}", "细" * 150, "ʼ", "😀 细胞"])
def test_hostile_queries_get_results_or_a_clean_400(seeded_server, q):
    r = send("GET", f"{seeded_server.url}/api/search?{urllib.parse.urlencode({'q': q})}")
    assert r.status in (200, 400), (q, r.status, r.body[:200])
    body = json.loads(r.body)
    if r.status == 400:
        assert body["error"]["parameter"] == "q" and body["error"]["message"]
    else:
        assert isinstance(body["total"], int)
    page = send("GET", f"{seeded_server.url}/search?{urllib.parse.urlencode({'q': q})}")
    assert page.status in (200, 400) and "Traceback" not in page.text()


def test_bad_parameters_are_400_naming_the_parameter(seeded_server):
    cases = {
        "": "q", "q=": "q", "q=%20%20": "q", "q=" + "细" * (MAX_QUERY_CHARS + 1): "q", "q=%22%2A%28%29": "q",
        "q=细胞&limit=abc": "limit", "q=细胞&limit=0": "limit", "q=细胞&limit=101": "limit",
        "q=细胞&offset=-1": "offset", "q=细胞&offset=x": "offset", "q=细胞&q=治疗": "q", "q=细胞&sort=score": "sort",
    }
    for query, parameter in cases.items():
        r = send("GET", f"{seeded_server.url}/api/search?{urllib.parse.quote(query, safe='=&%')}")
        assert r.status == 400, (query, r.status)
        assert json.loads(r.body)["error"]["parameter"] == parameter, query


# --- kept in step with the store -------------------------------------------------------

def _guide_graph(server) -> str:
    r = send("GET", f"{server.sparql}?{urllib.parse.urlencode({'query': f'SELECT ?g WHERE {{ GRAPH ?g {{ ?d a <{GG}GuideDocument> }} }}'})}",
             headers={"Accept": "application/sparql-results+json"})
    (row,) = json.loads(r.body)["results"]["bindings"]
    return row["g"]["value"]


def test_a_guide_replaced_by_graph_store_put_is_found_at_the_next_search(make_server):
    from guidegraph.bundled_corpus import load_bundled_corpus

    server = make_server({"write_token": WRITE_TOKEN})
    load_bundled_corpus(server.app.extensions["guidegraph.store"], paths=[CORPUS_JIANGSU])
    old_title = "无创脑机接口精准调控关键技术研发"
    assert search(server, "无创脑机接口")["hits"][0]["label"] == old_title
    graph = _guide_graph(server)
    old = send("GET", f"{server.url}/graph-store?{urllib.parse.urlencode({'graph': graph})}", headers={"Accept": "application/n-triples"})
    assert old.status == 200 and old_title in old.text()
    new_title = "植入式<b>脑机</b>接口神经调控关键技术研发"
    edited = old.text().replace(f'"{old_title}"', json.dumps(new_title, ensure_ascii=False))
    put = send("PUT", f"{server.url}/graph-store?{urllib.parse.urlencode({'graph': graph})}", edited.encode(),
               {"Content-Type": "application/n-triples", "Authorization": f"Bearer {WRITE_TOKEN}"})
    assert put.status in (200, 204), put.body[:300]
    # the write itself starts the rebuild: the index catches up with no search asking for it
    service, version = server.app.extensions["guidegraph.search"], server.app.extensions["guidegraph.store"].version
    deadline = time.monotonic() + 60
    while service.last_build.version != f"{version.token}-{version.counter}" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.last_build.version == f"{version.token}-{version.counter}"
    assert old_title not in [h["label"] for h in search(server, "无创脑机接口", limit=100)["hits"]]
    hit = search(server, "植入式 神经调控")["hits"][0]
    assert hit["label"] == new_title and hit["type"] == "Direction"
    page = send("GET", f"{server.url}/search?{urllib.parse.urlencode({'q': '植入式'})}").text()
    assert "&lt;b&gt;" in page and "<b>脑机</b>" not in page and "<mark>植入式</mark>" in page


def test_the_index_file_lives_in_the_data_directory_and_is_replaced_whole(make_server, tmp_path):
    from guidegraph.bundled_corpus import load_bundled_corpus

    server = make_server({"data_dir": str(tmp_path / "data")})
    load_bundled_corpus(server.app.extensions["guidegraph.store"], paths=[CORPUS_JIANGSU])
    assert search(server, "叶荣")["total"] == 1
    folder = tmp_path / "data" / "search"
    assert [p.name for p in folder.iterdir()] == ["search-index.sqlite"]  # no .part file left behind
    first_inode = (folder / "search-index.sqlite").stat().st_ino
    server.app.extensions["guidegraph.store"].update(f'INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:o> a <{GG}ContactDesk> ; <{GG}name> "测试联络处" }} }}')
    assert search(server, "测试联络处")["hits"][0]["iri"] == "urn:x:o"
    assert (folder / "search-index.sqlite").stat().st_ino != first_inode
    assert [p.name for p in folder.iterdir()] == ["search-index.sqlite"]


def test_search_over_a_remote_store_sees_our_writes_and_others_after_the_refresh_age(make_server, scratch_remote_config):
    from guidegraph.bundled_corpus import load_bundled_corpus

    server = make_server(dict(scratch_remote_config))
    store = server.app.extensions["guidegraph.store"]
    load_bundled_corpus(store, paths=[CORPUS_JIANGSU])
    hit = search(server, "无创脑机接口")["hits"][0]
    assert hit["label"] == "无创脑机接口精准调控关键技术研发" and hit["type"] == "Direction"
    store.update(f'INSERT DATA {{ GRAPH <urn:x:remote> {{ <urn:x:r1> a <{GG}Office> ; <{GG}name> "远程写入测试办公室" }} }}')
    assert [h["iri"] for h in search(server, "远程写入测试办公室")["hits"]] == ["urn:x:r1"]
    # written behind our back, straight to the remote store: found once the index is older than the refresh age
    behind = f'INSERT DATA {{ GRAPH <urn:x:remote> {{ <urn:x:r2> a <{GG}Office> ; <{GG}name> "背后写入测试办公室" }} }}'
    r = send("POST", scratch_remote_config["update_endpoint"], behind.encode(), {"Content-Type": "application/sparql-update"})
    assert r.status in (200, 204)
    assert search(server, "背后写入测试办公室")["total"] == 0
    service = server.app.extensions["guidegraph.search"]
    # Past the refresh age the search is answered from the index as it is, while a thread builds
    # the new one (held here until the answer is in, so what the first search saw is certain).
    release, real_rebuild = threading.Event(), service.rebuild
    service.rebuild = lambda version: (release.wait(30), real_rebuild(version))[1]
    service.refresh_seconds = 0
    started = time.perf_counter()
    assert search(server, "背后写入测试办公室")["total"] == 0
    assert time.perf_counter() - started < 5
    release.set()
    assert service.wait_for_refresh(60)
    assert [h["iri"] for h in search(server, "背后写入测试办公室")["hits"]] == ["urn:x:r2"]
    # our own write, though, is waited for: the next search sees it at once
    store.update(f'INSERT DATA {{ GRAPH <urn:x:remote> {{ <urn:x:r3> a <{GG}Office> ; <{GG}name> "又一写入测试办公室" }} }}')
    service.wait_for_refresh(60)
    assert [h["iri"] for h in search(server, "又一写入测试办公室")["hits"]] == ["urn:x:r3"]



def test_a_rebuild_under_the_same_version_is_read_by_a_thread_that_searched_before(scratch_remote_config):
    """The same thread searches before and after a write behind our back: its kept connection
    must move to the rebuilt file though the version (our own writes only) did not change."""
    from guidegraph.search.service import SearchService
    from guidegraph.store import open_store

    store = open_store(dict(scratch_remote_config))
    service = SearchService(store, refresh_seconds=3600)
    try:
        store.update(f'INSERT DATA {{ GRAPH <urn:x:same> {{ <urn:x:s1> a <{GG}Office> ; <{GG}name> "同线程甲办公室" }} }}')
        assert [h.iri for h in service.search("同线程甲办公室").hits] == ["urn:x:s1"]
        version = service.last_build.version
        behind = f'INSERT DATA {{ GRAPH <urn:x:same> {{ <urn:x:s2> a <{GG}Office> ; <{GG}name> "同线程乙办公室" }} }}'
        r = send("POST", scratch_remote_config["update_endpoint"], behind.encode(), {"Content-Type": "application/sparql-update"})
        assert r.status in (200, 204)
        release, real_rebuild = threading.Event(), service.rebuild
        service.rebuild = lambda v: (release.wait(30), real_rebuild(v))[1]
        service.refresh_seconds = 0
        assert service.search("同线程乙办公室").total == 0  # the aged index, while the new one is built
        release.set()
        assert service.wait_for_refresh(60)
        assert [h.iri for h in service.search("同线程乙办公室").hits] == ["urn:x:s2"]
        assert service.last_build.version == version
    finally:
        store.update("DROP SILENT GRAPH <urn:x:same>")
        service.close()
        store.close()

# --- from SPARQL ----------------------------------------------------------------------

def _select(server, query: str) -> list[dict]:
    r = send("POST", server.sparql, query.encode(), {"Content-Type": "application/sparql-query",
                                                     "Accept": "application/sparql-results+json"})
    assert r.status == 200, r.body[:300]
    return json.loads(r.body)["results"]["bindings"]


def test_sparql_text_match_filters_with_the_index_rules(seeded_server):
    rows = _select(seeded_server, f"""PREFIX gg: <{GG}>
        SELECT ?d ?title WHERE {{ ?d a gg:Direction ; gg:title ?title FILTER gg:textMatch(?title, "car-t 肝癌") }}""")
    assert [r["title"]["value"] for r in rows] == ["靶向肝癌新型CAR-T细胞疗法的临床前研究"]
    api = {h["iri"] for h in search(seeded_server, "类器官", limit=100)["hits"] if h["type"] == "Direction" and "content" in h["matched"]}
    rows = _select(seeded_server, f"""PREFIX gg: <{GG}>
        SELECT DISTINCT ?d WHERE {{ ?d a gg:Direction ; (gg:researchContent|gg:intro)/gg:text ?t FILTER gg:textMatch(?t, "类器官") }}""")
    assert api and {r["d"]["value"] for r in rows} == api


def test_sparql_text_score_orders_and_errors_leave_it_unbound(seeded_server):
    rows = _select(seeded_server, f"""PREFIX gg: <{GG}>
        SELECT ?title (gg:textScore(?title, "细胞") AS ?score) (gg:textScore(?title, "***") AS ?none) WHERE {{
          ?d a gg:Direction ; gg:title ?title FILTER gg:textMatch(?title, "细胞") }} ORDER BY DESC(?score)""")
    assert len(rows) >= 3
    scores = [float(r["score"]["value"]) for r in rows]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert all("none" not in r for r in rows)
    assert all("细胞" in r["title"]["value"] for r in rows)


def test_a_write_during_a_background_refresh_is_built_too(tmp_path):
    """The refresh a write starts may have read the version before a second write came; it
    builds again, so the index reaches the newest version with no search asking for it."""
    import threading

    from guidegraph.search.service import SearchService
    from guidegraph.store import open_store

    with open_store({"data_dir": str(tmp_path / "data")}) as store:
        service = SearchService(store, tmp_path / "index")
        entered, gate = threading.Event(), threading.Event()
        real_rebuild = service.rebuild

        def first_build_waits(version):
            if not entered.is_set():
                entered.set()
                assert gate.wait(30)
            return real_rebuild(version)

        service.rebuild = first_build_waits
        store.update(f'INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:a> a <{GG}ContactDesk> ; <{GG}name> "甲联络处" }} }}')
        service.refresh_in_background()
        assert entered.wait(30)
        store.update(f'INSERT DATA {{ GRAPH <urn:x:g> {{ <urn:x:b> a <{GG}ContactDesk> ; <{GG}name> "乙联络处" }} }}')
        newest = f"{store.version.token}-{store.version.counter}"
        service.refresh_in_background()  # while the first build still holds the older version
        gate.set()
        deadline = time.monotonic() + 30
        while (service.last_build is None or service.last_build.version != newest) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.last_build.version == newest
        assert [h.iri for h in service.search("乙联络处").hits] == ["urn:x:b"]
        service.close()


def test_the_links_keepers_own_write_brings_the_index_up_to_date(make_server):
    """Deriving the links writes the links graph with no request behind it; the index follows that write too."""
    from guidegraph.bundled_corpus import load_bundled_corpus

    server = make_server({})
    store = server.app.extensions["guidegraph.store"]
    load_bundled_corpus(store, paths=[CORPUS_JIANGSU])
    search(server, "无创脑机接口")  # the index is built at the corpus's version
    service, keeper = server.app.extensions["guidegraph.search"], server.app.extensions["guidegraph.links"]
    assert keeper.wait()
    built = service.last_build.version
    assert keeper.refresh_now() > 0  # a pass run directly: no HTTP write, no after-request hook
    newest = f"{store.version.token}-{store.version.counter}"
    assert newest != built
    deadline = time.monotonic() + 30
    while service.last_build.version != newest and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.last_build.version == newest
