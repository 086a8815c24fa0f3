"""The pages' language: Chinese first, English one click away, remembered in a cookie.

``?lang=en`` (or ``zh``) switches and is remembered; otherwise the cookie,
otherwise Chinese. Templates read ``lang``, ``t(key)`` (``ui`` is the same) and
``switch_href``; labels from the
data are picked by ``pick_label`` in the same order (chosen language, then
the other, then any).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, g, request

LANGUAGES = ("zh", "en")
COOKIE = "lang"

TEXT = {
    "zh": {
        "site": "guidegraph 科技计划申报指南知识图谱", "home": "首页", "catalog": "数据目录", "query": "SPARQL 查询",
        "ontology": "本体", "dumps": "数据下载", "switch": "English", "iri": "IRI", "type": "类型",
        "properties": "属性", "incoming": "被引用", "more_incoming": "只显示前 {n} 条，查看全部引用",
        "source": "原文", "source_lines": "第 {start}–{end} 行", "indicators": "考核指标", "constraint": "量化约束",
        "comparator": "比较", "value": "数值", "unit": "单位", "funding": "经费", "amount": "金额", "yuan": "折合人民币（元）",
        "scope": "范围", "offices": "受理与联系单位", "contacts": "联系人", "phones": "电话", "children": "下级条目",
        "served_as": "本服务器把 {base} 下的 IRI 映射到 {local}",
        "not_found": "未找到", "not_found_text": "本数据集中没有这个 IRI 的资源：",
        "formats": "其他格式", "text": "文本", "guide": "指南",
        # the query pages
        "canned_queries": "预设查询",
        "index_lead": "关于申报指南的研究问题，每个问题对应 queries/ 中的一条 SPARQL 查询。每条查询都有带参数表单的页面和数据接口：",
        "index_openapi": "接口说明（OpenAPI）",
        "index_editor": "也可以在查询编辑器中自己写查询：",
        "query_editor": "SPARQL 查询编辑器",
        "col_query": "查询",
        "col_answers": "回答的问题",
        "col_parameters": "参数",
        "col_data": "数据",
        "required": "必填",
        "no_parameters": "无参数",
        "default": "默认",
        "run": "查询",
        "results": "结果",
        "rows": "行",
        "cut_short": "已截断，完整结果见接口",
        "data": "数据",
        "no_rows": "没有符合条件的结果。",
        "sparql_that_ran": "执行的 SPARQL",
        "open_in_editor": "在查询编辑器中打开",
        "breadcrumbs": "导航",
        "editor_lead": "查询在本服务器的端点上执行，覆盖所有已发布的指南：",
        "editor_examples_lead": "可以从下面的研究问题开始（每个问题也是一条带表单和接口的预设查询）。",
        "examples": "示例",
        "editor_region": "SPARQL 编辑器和结果",
    },
    "en": {
        "site": "guidegraph — funding guides knowledge graph", "home": "Home", "catalog": "Catalogue", "query": "SPARQL query",
        "ontology": "Ontology", "dumps": "Dumps", "switch": "中文", "iri": "IRI", "type": "Type",
        "properties": "Properties", "incoming": "Linked from", "more_incoming": "Only the first {n} are shown; see all incoming links",
        "source": "Source text", "source_lines": "lines {start}–{end}", "indicators": "Assessment indicators",
        "constraint": "Quantities", "comparator": "Comparator", "value": "Value", "unit": "Unit", "funding": "Funding",
        "amount": "Amount", "yuan": "In yuan", "scope": "Scope", "offices": "Offices and contacts", "contacts": "Contacts",
        "phones": "Phones", "children": "Parts", "served_as": "This server maps IRIs under {base} to {local}",
        "not_found": "Not found", "not_found_text": "This dataset holds no resource with the IRI",
        "formats": "Other formats", "text": "Text", "guide": "Guide",
        # the query pages
        "canned_queries": "Canned queries",
        "index_lead": "Research questions about the funding guides, each answered by one SPARQL query from queries/. Every query has a page with a form for its parameters and an API:",
        "index_openapi": "described in OpenAPI",
        "index_editor": "or write your own in the",
        "query_editor": "SPARQL query editor",
        "col_query": "Query",
        "col_answers": "What it answers",
        "col_parameters": "Parameters",
        "col_data": "Data",
        "required": "required",
        "no_parameters": "no parameters",
        "default": "default",
        "run": "Run",
        "results": "Results",
        "rows": "rows",
        "cut_short": "cut short: the API has all",
        "data": "Data",
        "no_rows": "No rows match.",
        "sparql_that_ran": "The SPARQL that ran",
        "open_in_editor": "Open it in the query editor",
        "breadcrumbs": "Breadcrumbs",
        "editor_lead": "Queries run on this server's endpoint, over every published guide:",
        "editor_examples_lead": "Start from one of the research questions below (each is also a canned query with a form and an API).",
        "examples": "Examples",
        "editor_region": "SPARQL editor and results",
    },
}


def current_language() -> str:
    return g.get("lang", "zh")


def translate(key: str, **values: object) -> str:
    text = TEXT[current_language()].get(key) or TEXT["zh"].get(key, key)
    return text.format(**values) if values else text


def pick_label(labels: dict[str, str], fallback: str = "") -> tuple[str, str | None]:
    """(label, its language) in the page's language first, then Chinese, then anything."""
    lang = current_language()
    for key in (lang, "zh", "en", ""):
        if labels.get(key):
            return labels[key], key or None
    if labels:
        key, value = next(iter(labels.items()))
        return value, key or None
    return fallback, None


def switch_href() -> str:
    """This page in the other language, its other query parameters kept."""
    other = "en" if current_language() == "zh" else "zh"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return request.path + "?" + urlencode({**args, "lang": other})


def install(app: Flask) -> None:
    @app.before_request
    def _choose_language() -> None:
        asked = request.args.get("lang")
        if asked in LANGUAGES:
            g.lang, g.lang_switched = asked, True
        else:
            g.lang = request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGUAGES else "zh"

    @app.after_request
    def _remember_language(response: Response) -> Response:
        if g.get("lang_switched"):
            response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        if response.mimetype == "text/html":
            response.vary.add("Cookie")  # the page's language may come from the cookie
        return response

    @app.context_processor
    def _template_language() -> dict:
        return {"lang": current_language(), "t": translate, "ui": translate,
                "other_lang": "en" if current_language() == "zh" else "zh", "switch_href": switch_href()}
