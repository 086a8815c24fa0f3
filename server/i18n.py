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

# Validation by upload (/validate).
_VALIDATE_TEXT = {
    "zh": {
        "validate": "校验指南", "v_title": "上传指南进行校验",
        "v_intro": "上传申报指南（.txt、.docx、.pdf、.html）或粘贴全文，按 SHACL 完整性规则检查，并列出需要修改的地方及其原文行号。上传内容只在内存中处理，发布之前不会保存。",
        "v_file": "指南文件", "v_file_hint": ".txt、.docx、.pdf 或 .html，最大 {mb} MB；文件类型按内容识别",
        "v_or_paste": "或粘贴全文", "v_issuer": "发布单位（草稿未写明时填写）", "v_jurisdiction": "所属地区（草稿未写明时填写）",
        "v_lang": "报告语言", "v_submit": "开始校验", "v_error": "无法校验",
        "v_nothing": "请上传一个文件或粘贴指南全文", "v_too_large": "上传内容超过 {mb} MB 的限制",
        "v_refused": "请求被拒绝", "v_csrf": "表单已过期或不是从本站提交的；请重新打开校验页面再提交。",
        "v_expired_title": "结果已不存在", "v_expired": "这次校验的结果已过期或不属于当前浏览器会话；请重新上传。",
        "v_report": "校验报告", "v_conforms": "符合：没有违规项", "v_not_conforms": "不符合：有须修改的违规项",
        "v_counts": "违规 {v}，警告 {w}，提示 {i}", "v_to_fix": "须修改", "v_to_check": "建议核对", "v_for_info": "提示",
        "v_no_findings": "没有发现问题。", "v_lines": "行", "v_no_line": "无行号", "v_code": "指南代码",
        "v_outline": "识别出的结构", "v_no_outline": "没有识别出条目。", "v_download": "下载报告",
        "v_guide": "指南", "v_issuers": "发布单位", "v_year": "年度", "v_again": "校验另一份指南",
        "v_publish": "发布到数据集", "v_publish_text": "把这份指南写入数据集（替换同一指南的旧版本）。需要写入令牌。",
        "v_token": "写入令牌", "v_publish_off": "本服务器未配置写入令牌，发布功能已关闭。",
        "v_bad_token": "写入令牌不正确。", "v_published": "已发布", "v_published_text": "指南已写入命名图",
        "v_open_guide": "查看指南页面", "kind": "类型", "number": "编号",
    },
    "en": {
        "validate": "Validate", "v_title": "Validate a guide",
        "v_intro": "Upload a funding guide (.txt, .docx, .pdf, .html) or paste its text to check it against the SHACL completeness rules and see what to fix, with the source line numbers. Uploads are processed in memory and nothing is kept unless you publish it.",
        "v_file": "Guide file", "v_file_hint": ".txt, .docx, .pdf or .html, at most {mb} MB; the type is read from the content",
        "v_or_paste": "or paste the text", "v_issuer": "Issuer (for a draft that names none)",
        "v_jurisdiction": "Jurisdiction (for a draft that names none)", "v_lang": "Report language", "v_submit": "Validate",
        "v_error": "Cannot validate", "v_nothing": "Upload a file or paste the guide's text",
        "v_too_large": "The upload is larger than the limit of {mb} MB", "v_refused": "Request refused",
        "v_csrf": "The form has expired or was not sent from this site; open the validation page again and resubmit.",
        "v_expired_title": "Result gone", "v_expired": "This validation result has expired or belongs to another browser session; upload the guide again.",
        "v_report": "Validation report", "v_conforms": "Conforms: no violations", "v_not_conforms": "Does not conform: there are violations to fix",
        "v_counts": "{v} violation(s), {w} warning(s), {i} info", "v_to_fix": "to fix", "v_to_check": "to check",
        "v_for_info": "for information", "v_no_findings": "No findings.", "v_lines": "lines", "v_no_line": "no line",
        "v_code": "guide code", "v_outline": "Recovered outline", "v_no_outline": "No outline nodes were recovered.",
        "v_download": "Download the report", "v_guide": "Guide", "v_issuers": "Issuer", "v_year": "Year",
        "v_again": "Validate another guide", "v_publish": "Publish to the dataset",
        "v_publish_text": "Write this guide into the dataset (replacing an earlier version of the same guide). Needs the write token.",
        "v_token": "Write token", "v_publish_off": "This server has no write token configured: publishing is off.",
        "v_bad_token": "The write token is wrong.", "v_published": "Published", "v_published_text": "The guide was written to the named graph",
        "v_open_guide": "Open the guide's page", "kind": "Kind", "number": "Number",
    },
}
for _lang, _texts in _VALIDATE_TEXT.items():
    for _key, _value in _texts.items():
        TEXT[_lang].setdefault(_key, _value)


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

# Diffs of two guides (/diff).
_DIFF_TEXT = {
    "zh": {
        "diff": "指南比较", "d_title": "比较两份指南",
        "d_intro": "选择两份已发布的指南，查看新增、删除和变更的研究方向，提高或降低的考核指标值，以及经费、拟支持数、截止时间和受理/联系单位的变化，并附两边的原文行号。",
        "d_old": "旧指南", "d_new": "新指南", "d_pick": "请选择", "d_submit": "比较", "d_error": "无法比较",
        "d_missing": "请同时给出 old 和 new 两个参数（指南 IRI）",
        "d_unknown_param": "不认识的参数：{names}；只接受 old、new 和 lang",
        "d_unknown_guide": "数据集中没有这份指南：{iri}",
        "d_same": "两份指南没有差异。", "d_summary": "概要", "d_guide_level": "指南整体",
        "d_nodes": "方向与条目", "d_change": "变更", "d_old_value": "旧值", "d_new_value": "新值",
        "d_lines": "原文行（旧 → 新）", "d_detail": "说明", "d_matched_by": "匹配方式", "d_changeset": "RDF 变更集（TriG）",
    },
    "en": {
        "diff": "Compare", "d_title": "Compare two guides",
        "d_intro": "Pick two published guides to see the research directions added, removed and changed, indicator thresholds raised or lowered, and changes of funding, declared counts, deadlines and offices, with the source lines of both sides.",
        "d_old": "Older guide", "d_new": "Newer guide", "d_pick": "choose", "d_submit": "Compare", "d_error": "Cannot compare",
        "d_missing": "Give both parameters old and new (guide IRIs)",
        "d_unknown_param": "Unknown parameter(s): {names}; only old, new and lang are accepted",
        "d_unknown_guide": "This dataset holds no guide {iri}",
        "d_same": "The two guides do not differ.", "d_summary": "Summary", "d_guide_level": "The guide as a whole",
        "d_nodes": "Directions and sections", "d_change": "Change", "d_old_value": "Old", "d_new_value": "New",
        "d_lines": "Source lines (old → new)", "d_detail": "Detail", "d_matched_by": "matched by", "d_changeset": "RDF change set (TriG)",
    },
}
for _lang, _texts in _DIFF_TEXT.items():
    for _key, _value in _texts.items():
        TEXT[_lang].setdefault(_key, _value)

# Full-text search (/search and the home page's search box).
_SEARCH_TEXT = {
    "zh": {
        "search": "搜索", "s_placeholder": "搜索指南、方向、研究内容、考核指标、单位与联系人", "s_submit": "搜索",
        "s_label": "全文搜索", "s_results": "搜索结果", "s_total": "共 {n} 条结果", "s_none": "没有找到包含所有检索词的条目。",
        "s_hint": "输入中文词语、英文缩写或编号（如 CAR-T、类器官、0351-4048940）；多个词用空格分开，须全部出现。",
        "s_error": "无法搜索", "s_in_guide": "所属指南", "s_matched": "匹配于", "s_previous": "上一页", "s_next": "下一页",
        "s_json": "JSON 数据", "s_shown": "第 {first}–{last} 条",
        "f_title": "标题", "f_content": "研究内容与简介", "f_indicators": "考核指标", "f_other": "编号、发布单位与联系方式",
        "k_GuideDocument": "指南", "k_SpecialProgramme": "专项", "k_Programme": "计划", "k_Category": "类别",
        "k_FieldSection": "领域", "k_Direction": "研究方向", "k_SubDirection": "子方向", "k_AcceptingOffice": "受理单位",
        "k_ResponsibleDepartment": "责任处室", "k_ContactDesk": "联系处室", "k_Office": "单位",
    },
    "en": {
        "search": "Search", "s_placeholder": "Search guides, directions, research content, indicators, offices and contacts",
        "s_submit": "Search", "s_label": "Full-text search", "s_results": "Search results", "s_total": "{n} results",
        "s_none": "Nothing holds every term searched for.",
        "s_hint": "Type Chinese words, abbreviations or numbers (CAR-T, 类器官, 0351-4048940); separate terms by spaces, all must occur.",
        "s_error": "Cannot search", "s_in_guide": "Guide", "s_matched": "matched in", "s_previous": "Previous",
        "s_next": "Next", "s_json": "JSON data", "s_shown": "results {first}–{last}",
        "f_title": "title", "f_content": "research content and introduction", "f_indicators": "indicators",
        "f_other": "codes, issuer and contacts",
        "k_GuideDocument": "guide", "k_SpecialProgramme": "special programme", "k_Programme": "programme",
        "k_Category": "category", "k_FieldSection": "field", "k_Direction": "direction", "k_SubDirection": "sub-direction",
        "k_AcceptingOffice": "accepting office", "k_ResponsibleDepartment": "responsible department",
        "k_ContactDesk": "contact desk", "k_Office": "office",
    },
}
for _lang, _texts in _SEARCH_TEXT.items():
    for _key, _value in _texts.items():
        TEXT[_lang].setdefault(_key, _value)
