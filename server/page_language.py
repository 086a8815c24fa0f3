"""Page language for the query pages: Chinese first, English one click away, remembered.

The language is ``?lang=zh|en`` when given (and then kept in a cookie), else
the cookie, else Chinese: the data is Chinese, so a first visit gets Chinese
whatever language the browser itself is set to. Templates get ``ui(key)``
for these pages' wording (named apart from the site-wide ``t``, so a site
layout with its own wording can wrap them), ``lang`` for ``<html lang>`` and
``switch_href`` for the link to the other language.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Response, request

LANGUAGES = ("zh", "en")
COOKIE = "lang"
COOKIE_SECONDS = 365 * 24 * 3600

LABELS = {
    "zh": {
        "switch": "English",
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
        "switch": "中文",
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


def page_language() -> str:
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGUAGES:
        return kept
    return "zh"


def switch_href(lang: str) -> str:
    """This page in the other language (its other query parameters kept)."""
    other = "en" if lang == "zh" else "zh"
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return request.path + "?" + urlencode({**args, "lang": other})


def template_context() -> dict:
    lang = page_language()
    labels = LABELS[lang]
    return {"lang": lang, "ui": labels.__getitem__, "switch_href": switch_href(lang)}


def remember(response: Response) -> Response:
    """Keep an explicit choice for the next pages; the answer depends on how the language was chosen."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        response.set_cookie(COOKIE, asked, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True)
    response.vary.add("Cookie")
    return response
