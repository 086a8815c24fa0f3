"""/validate and POST /api/validate over HTTP against real servers on loopback."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
import socket
import tempfile
import threading
import time
import tracemalloc
import urllib.parse
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from guidegraph.validation import CSV_COLUMNS, validate
from conftest import run_in_thread, send
from tests.pdf_fixtures import build_pdf
from tests.test_upload_guard import billion_laughs_docx, docx_bytes, zip_bomb_docx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "004_757a5c273432423d.txt"
TOKEN = "validate-write-token"
XSS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)")


@pytest.fixture(scope="module")
def server(make_server):
    return make_server({"timeout": 20})


@pytest.fixture(scope="module")
def writable(make_server):
    return make_server({"timeout": 20, "write_token": TOKEN})


@pytest.fixture(scope="module")
def small(make_server):
    return make_server({"timeout": 20, "max_upload_bytes": 1024 * 1024})


@pytest.fixture(scope="module")
def seed_api_report(server):
    r = send("POST", server.url + "/api/validate?name=004.txt", SEED.read_bytes(), {"Content-Type": "text/plain"})
    assert r.status == 200, r.body[:300]
    return json.loads(r.body)


# ---------------------------------------------------------------- a browser session, by hand


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None) -> tuple[bytes, str]:
    boundary = "----gg" + secrets.token_hex(8)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n")
    for name, (filename, data) in (files or {}).items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Session:
    """Cookies and the form's CSRF token, as a browser would keep them."""

    def __init__(self, base: str):
        self.base = base
        page = send("GET", base + "/validate")
        assert page.status == 200
        self.cookie = re.search(r"gg_csrf=([^;]+)", page.headers["set-cookie"]).group(1)
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text()).group(1)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        return {"Cookie": f"gg_csrf={self.cookie}", **(extra or {})}

    def upload(self, name: str, data: bytes, **fields: str):
        body, ctype = multipart({"csrf": self.csrf, **fields}, {"file": (name, data)})
        return send("POST", self.base + "/validate", body, self.headers({"Content-Type": ctype}))

    def upload_and_follow(self, name: str, data: bytes, **fields: str):
        r = self.upload(name, data, **fields)
        assert r.status == 303, r.body[:500]
        return r.headers["location"], self.get(r.headers["location"])

    def get(self, path: str):
        return send("GET", self.base + path, None, self.headers())


# ---------------------------------------------------------------- the form


def test_form_page_offers_upload_paste_draft_fields_and_a_strict_cookie(server):
    r = send("GET", server.url + "/validate")
    assert r.status == 200 and r.media_type == "text/html"
    html = r.text()
    assert '<html lang="zh">' in html
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html and "<textarea" in html
    for field in ('name="issuer"', 'name="jurisdiction"', 'name="lang" value="en"', 'name="csrf"'):
        assert field in html
    cookie = r.headers["set-cookie"]
    assert "SameSite=Strict" in cookie and "HttpOnly" in cookie and "Path=/validate" in cookie
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "发布功能已关闭" in html  # no write token on this server


def test_form_page_in_english(server):
    r = send("GET", server.url + "/validate?lang=en")
    assert '<html lang="en">' in r.text() and "Validate a guide" in r.text()


# ---------------------------------------------------------------- the report page


def test_seed_upload_shows_its_findings_with_their_source_lines(server, seed_api_report):
    session = Session(server.url)
    location, page = session.upload_and_follow("004.txt", SEED.read_bytes())
    assert location.startswith("/validate/result/") and page.status == 200
    html = page.text()
    seed_lines = SEED.read_text(encoding="utf-8").splitlines()
    findings = seed_api_report["findings"]
    assert findings, "the seed guide has findings to show"
    for f in findings:
        assert f"<li value=\"{f['start_line']}\"><code>{seed_lines[f['start_line'] - 1]}</code></li>" in html
        assert f["messages"]["zh"] in html
    counts = seed_api_report["counts"]
    assert f"违规 {counts['Violation']}，警告 {counts['Warning']}，提示 {counts['Info']}" in html
    # The recovered outline is beside it.
    for node in seed_api_report["outline"][0]["children"]:
        assert node["title"] in html


def test_findings_about_one_direction_are_shown_together_with_its_lines_once(server, seed_api_report):
    by_place: dict[tuple, list[dict]] = {}
    for f in seed_api_report["findings"]:
        by_place.setdefault((f["severity"], f["number"], f["title"], f["lines"]), []).append(f)
    shared = [group for group in by_place.values() if len(group) > 1]
    assert shared, "the seed guide has a direction with more than one finding"
    _, page = Session(server.url).upload_and_follow("004.txt", SEED.read_bytes())
    items = re.findall(r'<li class="finding">(.*?)</figure>\s*</li>', page.text(), re.S)
    for group in shared:
        holding = [item for item in items if all(f["messages"]["zh"] in item for f in group)]
        assert len(holding) == 1
        assert holding[0].count(f'<li value="{group[0]["start_line"]}">') == 1


def test_violations_come_before_warnings(server):
    session = Session(server.url)
    # A direction without indicators (violation) in a guide without deadline or contacts (warnings).
    text = "2025年度某省科技计划项目申报指南\n江苏省科学技术厅\n一、人工智能\n1001 大模型评测技术研究\n研究内容：评测方法。\n"
    _, page = session.upload_and_follow("draft.txt", text.encode())
    html = page.text()
    sections = re.findall(r'<section class="sev sev-(\w+)"', html)
    assert sections and sections == sorted(sections, key=["violation", "warning", "info"].index)


def test_report_page_switches_to_english_and_keeps_the_result(server, seed_api_report):
    session = Session(server.url)
    location, _ = session.upload_and_follow("004.txt", SEED.read_bytes())
    r = session.get(location + "?lang=en")
    html = r.text()
    assert r.status == 200 and '<html lang="en">' in html and "Validation report" in html
    for f in seed_api_report["findings"]:
        assert f["messages"]["en"] in html
    assert "lines " in html  # the excerpt captions, in English


def test_results_are_only_shown_to_the_session_that_made_them(server):
    session = Session(server.url)
    location, _ = session.upload_and_follow("004.txt", SEED.read_bytes())
    other = Session(server.url)
    assert other.get(location).status == 404
    assert other.get(location + ".json").status == 404
    assert send("GET", server.url + location).status == 404


def test_upload_without_the_csrf_field_is_refused(server):
    session = Session(server.url)
    body, ctype = multipart({}, {"file": ("004.txt", SEED.read_bytes())})
    r = send("POST", server.url + "/validate", body, session.headers({"Content-Type": ctype}))
    assert r.status == 403
    body, ctype = multipart({"csrf": session.csrf}, {"file": ("004.txt", SEED.read_bytes())})
    r = send("POST", server.url + "/validate", body, {"Content-Type": ctype})  # no cookie
    assert r.status == 403


def test_pasted_text_is_validated_like_a_file(server, seed_api_report):
    session = Session(server.url)
    body, ctype = multipart({"csrf": session.csrf, "text": SEED.read_text(encoding="utf-8")})
    r = send("POST", server.url + "/validate", body, session.headers({"Content-Type": ctype}))
    assert r.status == 303
    html = session.get(r.headers["location"]).text()
    assert all(f["messages"]["zh"] in html for f in seed_api_report["findings"])


# ---------------------------------------------------------------- downloads


def test_downloads_parse_and_agree_with_the_report(server, seed_api_report):
    session = Session(server.url)
    location, _ = session.upload_and_follow("004.txt", SEED.read_bytes())
    as_json = session.get(location + ".json")
    assert as_json.media_type == "application/json" and "attachment" in as_json.headers["content-disposition"]
    assert json.loads(as_json.body)["counts"] == seed_api_report["counts"]
    as_ttl = session.get(location + ".ttl")
    assert as_ttl.media_type == "text/turtle"
    graph = Graph().parse(data=as_ttl.text(), format="turtle")
    assert len(set(graph.subjects(SH.resultSeverity, None))) == len(seed_api_report["findings"])
    as_csv = session.get(location + ".csv")
    rows = list(csv.reader(io.StringIO(as_csv.text())))
    assert as_csv.media_type == "text/csv" and tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) - 1 == len(seed_api_report["findings"])
    assert session.get(location + ".xml").status == 404


# ---------------------------------------------------------------- the API


def test_api_json_is_the_validators_report_with_the_outline(seed_api_report):
    expected = json.loads(validate(SEED).report.to_json())
    assert seed_api_report["conforms"] == expected["conforms"] is False
    assert seed_api_report["counts"] == expected["counts"]
    assert [f["shape"] for f in seed_api_report["findings"]] == [f["shape"] for f in expected["findings"]]
    for f in seed_api_report["findings"]:
        assert {"severity", "message", "messages", "section", "start_line", "end_line", "lines", "title"} <= set(f)
        assert f["source"] == "004.txt"
    assert seed_api_report["guide"]["title"] == expected["guides"][0]["title"]
    kinds = {n["kind"] for n in seed_api_report["outline"]}
    assert kinds and all(set(n) >= {"kind", "number", "title", "children"} for n in seed_api_report["outline"])


@pytest.mark.parametrize("how", ["param", "accept"])
def test_api_turtle_and_csv(server, how):
    url = server.url + "/api/validate"
    ttl = send("POST", url + ("?format=turtle" if how == "param" else ""), SEED.read_bytes(),
               {"Content-Type": "text/plain", **({"Accept": "text/turtle"} if how == "accept" else {})})
    assert ttl.status == 200 and ttl.media_type == "text/turtle"
    graph = Graph().parse(data=ttl.text(), format="turtle")
    assert (None, SH.conforms, None) in graph
    table = send("POST", url + ("?format=csv" if how == "param" else ""), SEED.read_bytes(),
                 {"Content-Type": "text/plain", **({"Accept": "text/csv"} if how == "accept" else {})})
    assert table.media_type == "text/csv" and tuple(next(csv.reader(io.StringIO(table.text())))) == CSV_COLUMNS


DRAFT = "关于征集2026年度科技计划项目指南的通知（征求意见稿）\n一、人工智能\n1001 大模型安全评测技术研究\n研究内容：研究大模型安全评测方法。\n考核指标：形成评测规范1项。\n"


def test_api_json_body_with_issuer_and_jurisdiction_for_a_draft(server):
    url = server.url + "/api/validate"
    bare = json.loads(send("POST", url, json.dumps({"text": DRAFT, "lang": "en"}).encode(),
                           {"Content-Type": "application/json"}).body)
    assert bare["guide"]["jurisdiction"] is None and bare["guide"]["issuers"] == []
    shapes = {f["shape"] for f in bare["findings"]}
    supplied = json.loads(send("POST", url, json.dumps({"text": DRAFT, "issuer": "某市科学技术局", "jurisdiction": "江苏省"}).encode(),
                               {"Content-Type": "application/json"}).body)
    assert supplied["guide"]["issuers"] == ["某市科学技术局"] and supplied["guide"]["jurisdiction"] == "江苏省"
    gone = shapes - {f["shape"] for f in supplied["findings"]}
    assert gone, "supplying the jurisdiction answers the finding that it is missing"
    assert any("jurisdiction" in f["messages"]["en"] for f in bare["findings"] if f["shape"] in gone)


def test_api_multipart_upload(server, seed_api_report):
    body, ctype = multipart({"lang": "en"}, {"file": ("004.txt", SEED.read_bytes())})
    r = send("POST", server.url + "/api/validate", body, {"Content-Type": ctype})
    data = json.loads(r.body)
    assert r.status == 200 and data["counts"] == seed_api_report["counts"]
    assert data["findings"][0]["message"] == data["findings"][0]["messages"]["en"]


@pytest.mark.parametrize("name, body, headers, status, words", [
    ("g.txt", b"", {"Content-Type": "text/plain"}, 400, "上传"),
    ("g.txt", b"{not json", {"Content-Type": "application/json"}, 400, "JSON"),
    ("g.txt", b'{"txt": "x"}', {"Content-Type": "application/json"}, 400, '"text"'),
    ("report.pdf", b"junk bytes \x00\x01\x02 not a document at all" * 20, {"Content-Type": "application/pdf"}, 422, "not a PDF file"),
    ("g.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), {"Content-Type": "text/plain"}, 422, "PNG image"),
])
def test_api_errors_are_clear_json(server, name, body, headers, status, words):
    r = send("POST", server.url + f"/api/validate?name={name}", body, headers)
    assert r.status == status and r.media_type == "application/json"
    error = json.loads(r.body)["error"]
    assert error["status"] == status and words in error["message"]
    assert "Traceback" not in r.text()


def test_api_refuses_formats_it_does_not_write(server):
    r = send("POST", server.url + "/api/validate?format=xml", SEED.read_bytes(), {"Content-Type": "text/plain"})
    assert r.status == 406 and "turtle" in json.loads(r.body)["error"]["message"]
    r = send("POST", server.url + "/api/validate", SEED.read_bytes(), {"Content-Type": "text/plain", "Accept": "image/png"})
    assert r.status == 406


# ---------------------------------------------------------------- hostile uploads


def test_zip_bomb_docx_is_refused_with_a_page(server):
    r = Session(server.url).upload("bomb.docx", zip_bomb_docx(120))
    assert r.status == 422 and "unpacks to" in r.text() and 'role="alert"' in r.text()


def test_billion_laughs_docx_is_refused(server):
    r = Session(server.url).upload("laughs.docx", billion_laughs_docx())
    assert r.status == 422 and "DTD" in r.text()
    api = send("POST", server.url + "/api/validate?name=laughs.docx", billion_laughs_docx(), {"Content-Type": "application/octet-stream"})
    assert api.status == 422 and "DTD" in json.loads(api.body)["error"]["message"]


def test_junk_named_pdf_is_refused_clearly(server):
    r = Session(server.url).upload("guide.pdf", b"GIF? no: random junk \x00\xff" * 50)
    assert r.status == 422 and "not a PDF file" in r.text() and "Traceback" not in r.text()


def test_a_real_pdf_upload_is_read_and_validated(server):
    data = build_pdf([["2025年度江苏省科技计划项目申报指南", "一、人工智能", "1001 大模型评测技术研究", "研究内容：评测方法。"]])
    _, page = Session(server.url).upload_and_follow("g.pdf", data)
    assert page.status == 200 and "大模型评测技术研究" in page.text()


def xss_text() -> str:
    a, b, c = XSS
    return (f"2025年度{a}科技计划项目申报指南{b}\n江苏省科学技术厅\n一、人工智能{c}\n"
            f"1001 大模型{a}评测技术研究{b}\n研究内容：评测方法{c}。\n考核指标：形成{a}规范1项{b}，链接{c}。\n"
            f"联系人：张三{a}，电话：025-12345678{b}\n")


def xss_html() -> bytes:
    from html import escape

    body = "".join(f"<p>{escape(line)}</p>" for line in xss_text().splitlines())
    return f"<!doctype html><html><head><title>{escape(XSS[0])}</title><script>alert(2)</script></head><body>{body}</body></html>".encode()


@pytest.mark.parametrize("name, data", [
    ("xss.txt", xss_text().encode()),
    ("xss.docx", docx_bytes(xss_text().splitlines())),
    ("xss.html", xss_html()),
], ids=["txt", "docx", "html"])
def test_literals_from_the_guide_are_escaped_in_the_report(server, name, data):
    session = Session(server.url)
    location, page = session.upload_and_follow(name, data)
    html = page.text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the payload reached the page, escaped
    assert "<script>alert" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
    assert not re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I)
    assert "<script>" not in session.get(location + "?lang=en").text()


# ---------------------------------------------------------------- size limits


def test_oversized_form_upload_gets_a_413_page(small):
    r = Session(small.url).upload("big.txt", "指南正文\n".encode() * 150_000)  # ~1.9 MB over a 1 MB limit
    html = r.text()
    assert r.status == 413 and r.media_type == "text/html"
    assert "1 MB" in html and 'role="alert"' in html and "Traceback" not in html


def test_oversized_api_upload_gets_a_413_json(small):
    r = send("POST", small.url + "/api/validate", b"x" * (1024 * 1024 + 1), {"Content-Type": "text/plain"})
    assert r.status == 413 and json.loads(r.body)["error"]["status"] == 413
    ok = send("POST", small.url + "/api/validate", "指南\n".encode() * 1000, {"Content-Type": "text/plain"})
    assert ok.status == 200


def test_the_default_upload_limit_is_20_mb_not_the_query_limit(server):
    """12 MB is over the endpoint's 10 MB request limit but within the upload limit: read and sniffed."""
    r = send("POST", server.url + "/api/validate?name=scan.txt", b"\x89PNG\r\n\x1a\n" + bytes(12 * 1024 * 1024),
             {"Content-Type": "application/octet-stream"})
    assert r.status == 422 and "PNG" in json.loads(r.body)["error"]["message"]
    r = send("POST", server.url + "/api/validate", bytes(21 * 1024 * 1024), {"Content-Type": "text/plain"})
    assert r.status == 413


def post_streaming(url: str, total: int, chunked: bool) -> tuple[int, int]:
    """POST ``total`` bytes in 64 KB pieces, reading the answer as soon as it comes; (status, bytes sent)."""
    parts = urllib.parse.urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    head = f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: text/plain\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {total}\r\n\r\n"
    sock.sendall(head.encode())
    got = bytearray()
    done = threading.Event()

    def reader():
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            got.extend(data)
            if b"\r\n\r\n" in got:
                done.set()
        done.set()

    threading.Thread(target=reader, daemon=True).start()
    sent, piece = 0, b"x" * 65536
    try:
        while sent < total and not done.is_set():
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
            sent += len(piece)
        if chunked and not done.is_set():
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed the connection on us: it had answered
    done.wait(30)
    sock.close()
    status = int(bytes(got).split(b" ", 2)[1]) if got.startswith(b"HTTP/") else 0
    return status, sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_the_app_reads_no_more_than_the_limit_of_a_50_mb_body(small, chunked):
    """Under the test server (waitress buffers bodies to disk) the app's memory stays far below the body."""
    tracemalloc.start()
    try:
        status, _ = post_streaming(small.url + "/api/validate", 50 * 1024 * 1024, chunked)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert peak < 12 * 1024 * 1024, f"peak {peak / 2**20:.1f} MB while refusing a 50 MB body"


def test_waitress_with_the_upload_body_limit_answers_before_the_body_is_sent(small):
    """With serve's body limit (upload_guard.server_body_limit) waitress refuses at the headers."""
    import waitress

    from guidegraph.server.upload_guard import server_body_limit

    settings = small.app.extensions["guidegraph.settings"]
    server = waitress.create_server(small.app, host="127.0.0.1", port=0, threads=2,
                                    max_request_body_size=server_body_limit(settings))
    stop = run_in_thread(server)
    try:
        status, sent = post_streaming(f"http://127.0.0.1:{server.effective_port}/api/validate", 50 * 1024 * 1024, False)
    finally:
        stop()
    assert status == 413 and sent < 50 * 1024 * 1024


# ---------------------------------------------------------------- temporary files


def test_no_temporary_file_is_left_after_good_and_bad_uploads(small, monkeypatch, tmp_path):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    session = Session(small.url)
    uploads = [
        ("004.txt", SEED.read_bytes(), 303),
        ("g.pdf", build_pdf([["2025年度科技计划项目申报指南", "一、人工智能"]]), 303),
        ("junk.pdf", b"junk \x00" * 100, 422),
        ("bomb.docx", zip_bomb_docx(120), 422),
        ("laughs.docx", billion_laughs_docx(), 422),
        ("big.txt", SEED.read_bytes() + b"\n" * (900 * 1024), 303),  # spooled to disk while parsed
        ("bigger.txt", b"x" * (2 * 1024 * 1024), 413),
    ]
    for name, data, status in uploads:
        r = session.upload(name, data)
        assert r.status == status, (name, r.status, r.body[:200])
    assert list(scratch.iterdir()) == []


# ---------------------------------------------------------------- publishing


def graph_count(server, graph: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    r = send("POST", server.sparql, urllib.parse.urlencode({"query": query}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
    return int(json.loads(r.body)["results"]["bindings"][0]["n"]["value"])


def publish(session: Session, location: str, *, csrf: str | None, token: str | None, bearer: str | None = None):
    fields = {"result": location.rsplit("/", 1)[-1]}
    if csrf is not None:
        fields["csrf"] = csrf
    if token is not None:
        fields["token"] = token
    headers = session.headers({"Content-Type": "application/x-www-form-urlencoded"})
    if bearer:
        headers["Authorization"] = f"Bearer {bearer}"
    return send("POST", session.base + "/validate/publish", urllib.parse.urlencode(fields).encode(), headers)


def test_publishing_is_off_without_a_write_token(server):
    session = Session(server.url)
    location, page = session.upload_and_follow("004.txt", SEED.read_bytes())
    assert "/validate/publish" not in page.text() and "发布功能已关闭" in page.text()
    r = publish(session, location, csrf=session.csrf, token="anything")
    assert r.status == 403 and "发布功能已关闭" in r.text()


def test_publishing_needs_token_and_csrf_and_then_writes_the_guide(writable, seed_api_report):
    from guidegraph import iris

    session = Session(writable.url)
    location, page = session.upload_and_follow("004.txt", SEED.read_bytes())
    assert 'action="/validate/publish"' in page.text()
    guide = seed_api_report["guides"][0]["iri"]
    base = writable.app.extensions["guidegraph.settings"].data_base_iri
    graph = guide + "/graph"
    assert guide.startswith(base)
    assert graph_count(writable, graph) == 0  # validating stored nothing

    assert publish(session, location, csrf=None, token=TOKEN).status == 403
    assert publish(session, location, csrf="0" * 64, token=TOKEN).status == 403
    other = Session(writable.url)
    assert publish(session, location, csrf=other.csrf, token=TOKEN).status == 403  # another session's token
    wrong = publish(session, location, csrf=session.csrf, token="not-the-token")
    assert wrong.status == 403 and "令牌不正确" in wrong.text()
    assert publish(session, location, csrf=session.csrf, token=None).status == 403
    assert graph_count(writable, graph) == 0

    done = publish(session, location, csrf=session.csrf, token=TOKEN)
    assert done.status == 200 and graph in done.text()
    assert graph_count(writable, graph) > 100
    assert graph_count(writable, iris.concepts_graph_iri(base)) > 0
    written = graph_count(writable, graph)
    again = publish(session, location, csrf=session.csrf, token=None, bearer=TOKEN)
    assert again.status == 200
    assert graph_count(writable, graph) == written  # replaced, not added to


# ---------------------------------------------------------------- the in-memory results


def checked_result(tmp_path, text: str):
    """A result as the upload job makes it (run in this process here)."""
    from guidegraph.server.upload_guard import UploadLimits
    from guidegraph.server.validate_report import Checked, job, write_job

    write_job(tmp_path, text.encode("utf-8"), "g.txt", "zh", None, None, "https://example.org/gg/", UploadLimits())
    out = job(str(tmp_path))
    return lambda owner="me": Checked.from_job(owner, out)


def test_recent_results_are_bounded_in_count_and_bytes_and_expire(tmp_path):
    from guidegraph.server.validate_report import RecentResults

    make = checked_result(tmp_path, DRAFT)
    store = RecentResults(max_items=3, max_bytes=10**9, ttl=3600)
    kept = [make() for _ in range(5)]
    assert all(store.put(c) for c in kept) and len(store) == 3
    assert store.get(kept[0].id, "me") is None and store.get(kept[4].id, "me") is kept[4]
    assert store.get(kept[4].id, "someone else") is None and store.get(kept[4].id, "") is None
    one = kept[4].size
    by_bytes = RecentResults(max_items=100, max_bytes=int(one * 2.5), ttl=3600)
    for _ in range(5):
        by_bytes.put(make())
    assert len(by_bytes) == 2
    assert RecentResults(max_bytes=one - 1).put(make()) is False
    expiring = RecentResults(ttl=0.05)
    item = make()
    expiring.put(item)
    time.sleep(0.1)
    assert expiring.get(item.id, "me") is None and len(expiring) == 0


def test_a_result_keeps_the_validators_findings(tmp_path):
    checked = checked_result(tmp_path, SEED.read_text(encoding="utf-8"))()
    expected = validate(SEED).report
    assert [(f.shape, f.start_line, f.messages) for f in checked.report.findings] == \
        [(f.shape, f.start_line, f.messages) for f in expected.findings]
    assert checked.report.counts() == expected.counts() and checked.report.conforms == expected.conforms


def test_an_uploaded_name_is_never_read_from_the_servers_disk(tmp_path, monkeypatch):
    """An upload named like a server file: its report's lines come from the upload, never from that file."""
    from guidegraph.ingest.pipeline import outline_text
    from guidegraph.server.validate_report import run_validation

    secret = tmp_path / "secret.txt"
    secret.write_text("\n".join(f"SECRET LINE {i}" for i in range(1, 1000)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    outline = outline_text(SEED.read_text(encoding="utf-8"), "secret.txt")
    # validate() takes an outline's lines from the text it carries, not from a file named like its source
    plain = validate(outline).report.findings
    assert any(f.start_line and f.excerpt for f in plain) and not any("SECRET" in f.excerpt for f in plain)
    report, validated = run_validation(outline, lang="zh", issuer=None, jurisdiction=None, workdir=tmp_path / "w")
    assert any(f.start_line for f in report.findings) and validated.source == "secret.txt" == outline.source
    assert not any("SECRET" in f.excerpt for f in report.findings)


@pytest.mark.parametrize("setting", [{"max_upload_bytes": 0}, {"pdf_max_pages": 0}, {"validate_seconds": -1}])
def test_upload_limits_must_be_positive(setting):
    from guidegraph.errors import UsageError
    from guidegraph.server.settings import Settings

    with pytest.raises(UsageError, match="upload limits"):
        Settings.from_mapping(setting)
    assert Settings.from_mapping({}).max_upload_bytes == 20 * 1024 * 1024
