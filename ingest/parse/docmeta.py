"""Document metadata: title, year, jurisdiction, issuers, 文号 and issue date.

A guide comes either bare (a title block on top) or wrapped in a notice:
发文机关 header ("江苏省科学技术厅 江苏省财政厅 … 文件"), 文号, "关于印发《…》的通知",
body, signature and date. The guide's own title is the 《…》 inside the
notice title when there is one. Jurisdiction comes from general rules: the
34 provincial-level divisions, ``…市`` / ``…县`` names, 国家/科技部 for national
guides, then the issuers and the 文号 prefix when the title says only "省".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from guidegraph.ingest.model import Span
from guidegraph.ingest.parse.dates import find_datetimes, line_starts

# (full name, short name, one-character abbreviations used in 文号)
PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("北京市", "北京", "京"), ("天津市", "天津", "津"), ("上海市", "上海", "沪"), ("重庆市", "重庆", "渝"),
    ("河北省", "河北", "冀"), ("山西省", "山西", "晋"), ("辽宁省", "辽宁", "辽"), ("吉林省", "吉林", "吉"),
    ("黑龙江省", "黑龙江", "黑"), ("江苏省", "江苏", "苏"), ("浙江省", "浙江", "浙"), ("安徽省", "安徽", "皖"),
    ("福建省", "福建", "闽"), ("江西省", "江西", "赣"), ("山东省", "山东", "鲁"), ("河南省", "河南", "豫"),
    ("湖北省", "湖北", "鄂"), ("湖南省", "湖南", "湘"), ("广东省", "广东", "粤"), ("海南省", "海南", "琼"),
    ("四川省", "四川", "川蜀"), ("贵州省", "贵州", "黔贵"), ("云南省", "云南", "滇云"), ("陕西省", "陕西", "陕秦"),
    ("甘肃省", "甘肃", "甘陇"), ("青海省", "青海", "青"), ("台湾省", "台湾", "台"),
    ("内蒙古自治区", "内蒙古", "蒙"), ("广西壮族自治区", "广西", "桂"), ("西藏自治区", "西藏", "藏"),
    ("宁夏回族自治区", "宁夏", "宁"), ("新疆维吾尔自治区", "新疆", "新"),
    ("香港特别行政区", "香港", "港"), ("澳门特别行政区", "澳门", "澳"),
)
_NATIONAL = re.compile(r"^国家|国家重点研发计划|国家自然科学基金|国家科技重大专项|科学技术部|^科技部|国务院|中华人民共和国")
_ORG_END = ("厅", "局", "委员会", "委", "部", "院", "政府", "办公室", "中心", "协会", "基金会", "办", "府")
_DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12})\s*(?P<open>[〔\[［(（【])\s*(?P<year>\d{4})\s*[〕\]］)）】]\s*(?P<no>\d{1,5})\s*号"
)
_ATTACHMENT = re.compile(r"^\s*(?:-\s*)?附\s*件\s*[:：]?\s*[\d一二三四五六七八九十]*\s*$")
_NOTICE = re.compile(r"关于.*(?:通知|公告|通告)$|关于(?:印发|发布|组织|开展|做好|征集)")
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、|[(（][一二三四五六七八九十\d]+[)）]|\d+\s*[.、．]\s*\S|[IVX]+\s*[.．、]\s*\S)")
_TERMINAL = "。；;：:，,！？!?"
_CJK = r"\u4e00-\u9fff"


@dataclass
class DocMeta:
    """What the top and the tail of a guide say about the document itself."""

    title: str | None = None
    subtitle: str | None = None
    year: int | None = None
    jurisdiction: dict[str, Any] | None = None
    issuers: list[str] = field(default_factory=list)
    doc_number: str | None = None  # brackets normalised to 〔〕
    doc_number_text: str | None = None  # as printed
    issue_date: str | None = None
    notice_title: str | None = None
    title_inferred: bool = False  # built from a "现发布…申报指南" sentence, not printed as a title
    forwarding: bool = False  # the notice forwards another body's call (关于转发…)
    consumed_lines: set[int] = field(default_factory=set)
    spans: dict[str, Span] = field(default_factory=dict)


def tidy(text: str) -> str:
    """Collapse PDF spacing in CJK text; full-width brackets around CJK content."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(rf"(?<=[{_CJK}（）《》“”、，：\d])\s+(?=[{_CJK}（）()《》“”\d])", "", text)
    text = re.sub(rf"(?<=[{_CJK}\d])\s+(?=[{_CJK}（(])", "", text)
    text = re.sub(rf"\(([^()]*[{_CJK}][^()]*)\)", r"（\1）", text)
    return text


def _span(starts: list[int], lines: list[str], first: int, last: int) -> Span:
    """Span of 0-based lines first..last."""
    return Span(first + 1, last + 1, starts[first], starts[last] + len(lines[last]))


def _nonblank(lines: list[str], start: int, limit: int) -> list[int]:
    return [i for i in range(start, min(len(lines), limit)) if lines[i].strip()]


def _split_issuers(text: str) -> list[str]:
    """"江苏省科学技术厅 江苏省财政厅" -> two issuers; also split glued names at a province/city name."""
    parts = [p for p in re.split(r"\s+", text.strip()) if p]
    out: list[str] = []
    for part in parts:
        starts = [0]
        for full, short, _ in PROVINCES:
            for name in (full, short):
                for m in re.finditer(name, part):
                    if m.start() > 0 and part[:m.start()].endswith(_ORG_END):
                        starts.append(m.start())
        starts = sorted(set(starts)) + [len(part)]
        out.extend(part[a:b] for a, b in zip(starts, starts[1:]) if part[a:b])
    return out


def _is_org(text: str) -> bool:
    return bool(re.fullmatch(rf"[{_CJK}（）()]{{3,30}}", text)) and text.endswith(_ORG_END)


def _header(lines: list[str], meta: DocMeta, starts: list[int]) -> int:
    """发文机关 + 文件 + 文号 on top; returns the index to read the title from."""
    top = _nonblank(lines, 0, 40)[:6]
    pos = 0
    for k, i in enumerate(top):
        text = lines[i].strip()
        head = text[:-2].strip() if text.endswith("文件") and len(text) > 2 else None
        first = i
        if text == "文件" and k > 0:
            head, first = lines[top[k - 1]].strip(), top[k - 1]
        if head:
            issuers = _split_issuers(head)
            if issuers and all(_is_org(x) for x in issuers):
                meta.issuers = issuers
                meta.consumed_lines.update(range(first + 1, i + 2))
                meta.spans["issuers"] = _span(starts, lines, first, i)
                pos = i + 1
            break
    for i in _nonblank(lines, pos, 40)[:4]:
        m = _DOC_NUMBER.fullmatch(re.sub(r"\s+", "", lines[i]))
        if m:
            meta.doc_number_text = lines[i].strip()
            meta.doc_number = f"{m['prefix']}〔{m['year']}〕{m['no']}号"
            meta.consumed_lines.add(i + 1)
            meta.spans["doc_number"] = _span(starts, lines, i, i)
            pos = i + 1
            break
    return pos


_ISSUER_BEFORE = re.compile(rf"^(?P<issuers>[{_CJK}（）、]{{4,60}}?(?:厅|局|委员会|委|部|办公室|政府|院))(?=关于)")


def _notice_issuers(lines: list[str], pos: int) -> tuple[list[str], int] | None:
    """Issuers named at the head of the notice title line, and that line's index."""
    for i in _nonblank(lines, pos, pos + 60)[:8]:
        by = _ISSUER_BEFORE.match(lines[i].strip())
        if by:
            issuers = [x for part in re.split(r"[、，,]", by.group("issuers")) for x in _split_issuers(part) if x]
            if issuers and all(_is_org(x) for x in issuers):
                return issuers, i
            return None
    return None


def _notice_title(lines: list[str], pos: int) -> tuple[str, int, int] | None:
    """"关于印发《…》的通知", joined when wrapped: (text, first, last line index)."""
    idx = _nonblank(lines, pos, pos + 60)[:8]
    for n, i in enumerate(idx):
        text = lines[i].strip()
        by = _ISSUER_BEFORE.match(text)
        if by:
            text = text[by.end("issuers"):]  # "浙江省科学技术厅关于发布…的通知": the issuer, then the title
        if not text.startswith("关于") or len(text) > 120:
            continue
        last, joined = i, text
        for j in idx[n + 1:n + 3]:
            if re.search(r"(?:通知|公告|通告|函)$", tidy(joined)):
                break
            nxt = lines[j].strip()
            if len(nxt) > 60 or nxt.endswith(("：", ":")):
                break
            joined, last = joined + nxt, j
        if _NOTICE.search(tidy(joined)) and not re.search(r"[，。；;,]", joined):
            return tidy(joined), i, last
    return None


def _guide_name(notice: str) -> str:
    """The guide a notice publishes: its 《…》, or the notice minus "关于发布" and "的通知"."""
    inner = re.search(r"《([^》]+)》", notice)
    if inner:
        return tidy(inner.group(1))
    core = re.sub(r"^关于(?:印发|发布|下达|公布|组织申报|组织开展|开展|征集)?", "", notice)
    core = re.sub(r"(?:工作)?的?(?:通知|公告|通告)$", "", core)
    return core if re.search(r"指南|计划|专项|项目", core) and len(core) >= 4 else notice


_ENGLISH_AFTER = re.compile(r"(?<=[\u4e00-\u9fff》）])\s+(?=[A-Za-z0-9 ,&'’:–-]*[A-Za-z]{3})[A-Z0-9][A-Za-z0-9 ,&'’:–-]{6,}$")


def _title_block(lines: list[str], pos: int) -> tuple[list[int], int | None]:
    """Short title-like lines on top (skipping 附件 markers); and a bracketed subtitle line."""
    block: list[int] = []
    subtitle = None
    for i in _nonblank(lines, pos, pos + 40):
        raw = re.sub(r"^\[bookmark:[^\]]*\]\s*", "", lines[i].strip())
        raw = _ENGLISH_AFTER.sub("", raw)  # a bilingual title: the Chinese before its translation
        if not block and (_ATTACHMENT.match(raw) or not raw):
            continue
        if re.fullmatch(r"[(（][^()（）]+[)）]", raw) and block:
            subtitle = i
            break
        if (len(raw) > 50 or raw[-1] in _TERMINAL or re.search(r"[，。；;,]", raw)
                or _HEADING_START.match(raw) or _ATTACHMENT.match(raw)):
            break
        block.append(i)
        if len(block) == 3:
            break
    if block and not re.search(r"\d{4}|年|指南|计划|通知|专项|申报|项目|基金", "".join(lines[i] for i in block)):
        return [], None
    return block, subtitle


def _inferred_title(lines: list[str]) -> str | None:
    """No printed title: "国家重点研发计划…现发布2021年度项目申报指南" gives one."""
    head = re.sub(r"\s+", "", "".join(lines[:60]))
    m = re.search(r"发布(\d{4}年度?[^。，,；;]{0,20}?申报指南)", head)
    if not m:
        return None
    plan = re.search(rf"([{_CJK}]{{2,12}}计划)", head[: m.start()])
    return (plan.group(1) if plan else "") + m.group(1)


def _province_in(text: str) -> str | None:
    best: tuple[int, str] | None = None
    for full, short, _ in PROVINCES:
        for name in (full, short):
            k = text.find(name)
            if k >= 0 and (best is None or k < best[0]):
                best = (k, full)
    return best[1] if best else None


def _city_in(text: str) -> tuple[str, str] | None:
    """A prefecture city or a county named in a title: ("济南市", "municipal")."""
    text = re.sub(r"^\s*\d{4}\s*年度?", "", text)
    for full, short, _ in PROVINCES:
        text = text.replace(full, "").replace(short + "省", "")
    def plausible(name: str) -> bool:
        # "自治区重点研发计划" names the region by its level alone: a province, never a county
        return not re.search(r"[省国年度]|科技|计划|项目|重点|研发|前沿|专项|技术|自治区$", name)

    county = re.match(rf"^(?:[{_CJK}]{{2,4}}?市)?(?P<c>[{_CJK}]{{1,4}}?(?:县|自治县|旗|区))(?=[{_CJK}\d（(])", text)
    if county and plausible(county.group("c")) and not re.search(r"地区|园区|新区|高新区|开发区|示范区|片区|区域", county.group("c") + text[county.end():county.end() + 1]):
        return county.group("c"), "county"
    city = re.match(rf"^(?P<c>[{_CJK}]{{2,4}}?(?:市|州|盟))(?=[{_CJK}\d（(])", text)
    if city and plausible(city.group("c")) and not re.fullmatch(r"(?:智慧|新型|现代|国际|未来|大|新)?(?:城市|都市)", city.group("c")):
        return city.group("c"), "municipal"
    return None


def _jurisdiction(meta: DocMeta, head_text: str) -> dict[str, Any] | None:
    title = (meta.title or "") + (meta.notice_title or "")
    if _NATIONAL.search(meta.title or "") or any(_NATIONAL.search(x) for x in meta.issuers):
        return {"name": "国家", "level": "national"}
    local = _city_in(meta.title or "")
    province = _province_in(title)
    if local and not (province and local[0].startswith(tuple(p[1] for p in PROVINCES))):
        return {"name": local[0], "level": local[1]}
    if province:
        return {"name": province, "level": "provincial"}
    for issuer in meta.issuers:
        province = _province_in(issuer)
        local = _city_in(re.sub(r"^.*?(?:省|自治区)", "", issuer))
        if local:
            return {"name": local[0], "level": local[1]}
        if province:
            return {"name": province, "level": "provincial"}
    if meta.doc_number:
        for full, _, abbrevs in PROVINCES:
            if meta.doc_number[0] in abbrevs:
                return {"name": full, "level": "provincial"}
    if re.search(r"国家重点研发计划|国家自然科学基金|国家科技重大专项", head_text):
        return {"name": "国家", "level": "national"}
    province = _province_in(head_text)
    return {"name": province, "level": "provincial"} if province else None


# "现将《…通知》转发给你们": the notice relays another body's call.
_FORWARDS = re.compile(r"现将[^。]{2,120}?转发|特此转发|予以转发")


def _issuers_jurisdiction(issuers: list[str]) -> dict[str, Any] | None:
    """Where a forwarding notice comes from: its own issuers, not the call it forwards."""
    for issuer in issuers:
        if _NATIONAL.search(issuer):
            return {"name": "国家", "level": "national"}
        local = _city_in(re.sub(r"^.*?(?:省|自治区)", "", issuer))
        if local:
            return {"name": local[0], "level": local[1]}
        province = _province_in(issuer)
        if province:
            return {"name": province, "level": "provincial"}
    return None


def _signature(lines: list[str], meta: DocMeta, starts: list[int], after: int) -> None:
    """Issue date: a line that is only a date, right under organisation lines (the signature)."""
    candidates = []
    for i in range(after, len(lines)):
        text = lines[i].strip()
        if not text or len(text) > 20:
            continue
        dates = find_datetimes(text)
        if len(dates) == 1 and dates[0].precision == "day" and re.sub(r"\s", "", dates[0].text) == re.sub(r"\s", "", text):
            candidates.append((i, dates[0]))
    for i, date in candidates:
        above = _nonblank(lines, max(0, i - 8), i)[-4:]
        orgs = [k for k in above if _is_org(lines[k].strip()) or all(_is_org(x) for x in _split_issuers(lines[k].strip()) or ["-"])]
        near_end = len(_nonblank(lines, i + 1, len(lines))) <= 10
        if orgs or (len(candidates) == 1 and near_end):
            meta.issue_date = date.iso
            meta.consumed_lines.add(i + 1)
            meta.spans["issue_date"] = _span(starts, lines, i, i)
            signers = [x for k in orgs for x in _split_issuers(lines[k].strip())]
            meta.consumed_lines.update(k + 1 for k in orgs)
            if not meta.issuers and signers:
                meta.issuers = signers
                meta.spans["issuers"] = _span(starts, lines, orgs[0], orgs[-1])
            return


def extract_doc_meta(lines: list[str]) -> DocMeta:
    """Title, subtitle, year, jurisdiction, issuers, 文号 and issue date of one guide."""
    lines = list(lines)
    meta = DocMeta()
    if not any(line.strip() for line in lines):
        return meta
    starts = line_starts(lines)
    pos = _header(lines, meta, starts)
    # the title may stand above the 文号 line (浙科发〔2024〕17号 under it)
    notice = _notice_title(lines, pos) or (_notice_title(lines, 0) if pos else None)
    body_from = pos
    if notice:
        text, first, last = notice
        meta.notice_title = text
        meta.consumed_lines.update(range(first + 1, last + 2))
        meta.spans["notice_title"] = _span(starts, lines, first, last)
        meta.title = _guide_name(text)
        meta.spans["title"] = meta.spans["notice_title"]
        body_from = max(last + 1, pos)
        named = _notice_issuers(lines, first)
        if named and not meta.issuers:
            meta.issuers = named[0]
            meta.spans["issuers"] = _span(starts, lines, named[1], named[1])
    if meta.title is None:
        block, sub = _title_block(lines, pos)
        if not block and pos:
            # the title above the 文号 line: the lines before what the header read
            block, sub = _title_block(lines, 0)
            block = [i for i in block if i + 1 not in meta.consumed_lines and i < pos]
            sub = sub if sub is not None and sub < pos and sub + 1 not in meta.consumed_lines else None
        if block:
            meta.title = tidy("".join(_ENGLISH_AFTER.sub("", lines[i].strip()) for i in block))
            meta.consumed_lines.update(i + 1 for i in block)
            meta.spans["title"] = _span(starts, lines, block[0], block[-1])
            body_from = block[-1] + 1
            if sub is not None:
                meta.subtitle = tidy(lines[sub].strip()[1:-1])
                meta.consumed_lines.add(sub + 1)
                meta.spans["subtitle"] = _span(starts, lines, sub, sub)
                body_from = sub + 1
        else:
            meta.title = _inferred_title(lines)
            meta.title_inferred = meta.title is not None
    year = re.search(r"(\d{4})\s*年", meta.title or "")
    if year:
        meta.year = int(year.group(1))
    elif meta.doc_number:
        meta.year = int(re.search(r"〔(\d{4})〕", meta.doc_number).group(1))
    head_text = re.sub(r"\s+", "", "".join(lines[:80]))
    meta.forwarding = bool(re.search(r"转发", meta.notice_title or "")) or bool(_FORWARDS.search(head_text[:600]))
    if meta.forwarding and meta.notice_title and "转发" in meta.notice_title:
        meta.title = meta.notice_title  # its own title (关于转发《…》的通知), not the title of the call it relays
    meta.jurisdiction = (_issuers_jurisdiction(meta.issuers) if meta.forwarding else None) or _jurisdiction(meta, head_text)
    _signature(lines, meta, starts, body_from)
    if meta.year is None and meta.issue_date:
        meta.year = int(meta.issue_date[:4])
    return meta


def jurisdiction_named(name: str) -> dict[str, Any]:
    """The jurisdiction an officer names (山西省, 济南市, 国家): its level read from the name."""
    name = name.strip()
    if re.fullmatch(r"国家|全国|中国|中华人民共和国|科技部", name):
        return {"name": "国家", "level": "national"}
    for full, short, _ in PROVINCES:
        if name in (full, short):
            return {"name": full, "level": "provincial"}
    local = _city_in(name + "（")
    if local and local[0] == name:
        return {"name": name, "level": local[1]}
    level = None
    if re.search(r"(县|旗|区)$", name):
        level = "county"
    elif re.search(r"(市|州|盟)$", name):
        level = "municipal"
    elif re.search(r"(省|自治区)$", name):
        level = "provincial"
    return {"name": name, "level": level}
