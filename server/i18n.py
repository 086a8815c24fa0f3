"""The pages' language: Chinese first, English one click away, remembered in a cookie.

``?lang=en`` (or ``zh``) switches and is remembered; otherwise the cookie,
otherwise Chinese. Templates read ``lang`` and ``t(key)``; labels from the
data are picked by ``pick_label`` in the same order (chosen language, then
the other, then any).
"""

from __future__ import annotations

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
            response.set_cookie(COOKIE, g.lang, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.context_processor
    def _template_language() -> dict:
        return {"lang": current_language(), "t": translate, "other_lang": "en" if current_language() == "zh" else "zh"}
