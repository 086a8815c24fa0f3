"""Offices a guide names: where to apply, who is responsible, whom to call.

``extract_offices`` reads labelled blocks (受理单位 / 责任部门 / 联系方式 ...)
and what follows them: office lines ("高新技术处，联系电话：66608805/07"),
table-like rows ("山西省农村技术开发中心  卢晓霞   0351-5255511"), 联系人 /
联系电话 / 地址 / 邮编 lines. It also catches two inline phrasings: "X受理Y方面
项目" and "报送至X。地址：…". One office named many times is one ``Office``
whose ``sources`` lists every mention.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from guidegraph.ingest.model import Contact, Office, Span
from guidegraph.ingest.parse.contacts import (
    has_surname,
    is_org_name,
    parse_contact_people,
    parse_emails,
    parse_phones,
    person_names,
)
from guidegraph.ingest.parse.dates import fold_width, line_starts
from guidegraph.ingest.parse.lines import PAGE_MARKER_RE
from guidegraph.ingest.parse.reflow import reflow_contacts

ROLE_PRIORITY = {"accepting": 0, "responsible": 1, "contact": 2}

_MARKER = r"(?:[-•·●]\s*)?(?:\d+\s*[.、．]\s*|[(（][一二三四五六七八九十\d]+[)）]\s*|[一二三四五六七八九十]+\s*、\s*|[IVX]+\s*[.、．]\s*)?"
_ROLE_WORDS = [
    ("accepting", r"受理(?:单位|部门|处室|机构|地点|窗口|中心)"),
    ("responsible", r"(?:责任|主管|业务|归口|牵头)(?:管理)?(?:部门|处室|单位)|业务主管处室|项目管理处室"),
    ("contact", r"联系方式|联系人(?:及联系方式|及电话)?|联系电话|咨询电话|咨询方式|联系单位|咨询单位|业务咨询|技术咨询|政策咨询|(?:系统|平台)?技术支持|(?:项目管理)?专业机构"),
]
_OFFICE_LABEL = re.compile(
    rf"^\s*{_MARKER}(?:各?专项的?|业务|项目|申报|材料)?(?P<label>{'|'.join(f'(?P<{r}>{w})' for r, w in _ROLE_WORDS)})"
    r"(?P<tail>\s*(?:和|及|与)[\u4e00-\u9fff]{2,6})?\s*(?:[:：]|为|是|$|\s)"
)
_SUB_LABEL = re.compile(
    r"^\s*(?P<sub>联系人|联\s*系\s*人|联系电话|咨询电话|办公电话|电话|手机|邮箱|电子邮箱|e-?mail|地址|通讯地址|邮编|邮政编码|传真)"
    r"(?:及联系方式|/联系电话)?\s*[:：]?",
    re.I,
)
_ADDRESS_PAREN = re.compile(r"[(（](?:地址[:：]?)?(?P<addr>[^()（）]*?(?:路|街|道|号|楼|室|房间|巷|院|区|层)[^()（）]*)[)）]")
_POSTCODE = re.compile(r"(?:邮编|邮政编码)\s*[:：]?\s*(?P<code>\d{6})(?!\d)")
_ADDRESS = re.compile(r"(?:通讯)?地址\s*[:：]\s*(?P<addr>[^，,；;。\n]+?)(?=\s*(?:[，,；;。)）]|邮编|邮政编码|电话|联系|$))")
# What precedes an office named in prose: "本专项由…", "统一报送至…", "请向…"
_VERBS = re.compile(r"^.*(?:报送至|报送到|提交至|提交到|送至|寄至|交至|交到|由|向|经|请|，|,)")
_INLINE_ACCEPT = re.compile(
    r"(?P<org>[\u4e00-\u9fff]{2,30}?(?:处|中心|厅|局|办公室|委员会|科|室))(?:负责)?受理"
    r"(?P<scope>[\u4e00-\u9fff、和及]{1,20}?(?:方面|领域|类))的?(?:项目|申报)"
)
_INLINE_DELIVER = re.compile(
    r"(?:报送|提交|寄送|递交|送)(?:至|到)?(?P<org>[\u4e00-\u9fff]{2,30}?(?:处|中心|厅|局|办公室|委员会|科|室))"
    r"[，,。；;\s(（]*地址\s*[:：]\s*(?P<addr>[^，,；;。\n)）]+)"
)
# Headings that organise the notice rather than name a programme or sector
_GENERIC_HEADING = re.compile(
    r"联系|受理|责任部门|其[他它]事项|有关(?:要求|事项|说明)|注意事项|附件|附则|说明$|"
    r"申报(?:材料|时间|要求|程序|流程|方式|条件)|组织(?:方式|实施)|工作要求|^其[他它]$"
)
_HEADING_MARK = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*、|[(（][一二三四五六七八九十]+[)）])\s*(?P<title>.+)$")
_LOWER_MARK = re.compile(r"^\s*(?:\d+\s*[.、．]|[(（]\d+[)）]|[①-⑳]|[-—•·●■]|附件)")
_TERMINAL = "。；;：:，,"
_SUPPORT_DESK = re.compile(r"^\s*(?P<desk>[\u4e00-\u9fff]{0,6}(?:技术支持|技术咨询|业务咨询|政策咨询))\s*(?:电话)?\s*[:：]")
# A contact desk per field: "先进制造领域：省科技厅高新技术处", "2.生物医药方面（社会发展科技处）",
# "信息技术方向项目管理专业机构：…" (the desk's role between the field and the colon).
_DESK_ROLE = r"(?P<role>[\u4e00-\u9fff]{0,8}?(?:机构|单位|部门|处室|科室))?"
_FIELD_DESK = re.compile(
    rf"^\s*{_MARKER}(?P<field>[\u4e00-\u9fff、和及与]{{2,24}}?(?:领域|方面|类|专项|专题|方向|板块|产业))"
    rf"(?:项目)?{_DESK_ROLE}\s*(?:[:：]|[(（]|由|\s)\s*(?P<rest>.+)$"
)


def office_id(name: str) -> str:
    """Stable id: a short hash of the normalised office name."""
    key = fold_width(normalise_name(name))
    return "office-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def normalise_name(name: str) -> str:
    """The name as printed, without the spaces PDF extraction puts inside it."""
    return re.sub(r"\s+", "", name).strip("，,。；;：:")


@dataclass
class _Mention:
    name: str
    role: str
    span: Span
    address: str | None = None
    postcode: str | None = None
    scope: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)


def _leading_org(text: str) -> tuple[str | None, str]:
    """An office name at the start of ``text`` and what follows it."""
    text = text.strip()
    # "中国21世纪议程管理中心", "江苏省5G应用创新中心" keep their digits and letters
    cut = re.search(r"[\s，,；;:：。、]|\d(?![\dA-Za-z]*[\u4e00-\u9fff])", text)
    name = text[: cut.start()] if cut else text
    paren = re.search(r"[(（]", name)
    if paren:
        # keep "江苏省科学技术厅（省外国专家局）", cut before an address in brackets
        close = re.search(r"[)）]", name[paren.start():])
        inner = name[paren.start():paren.start() + close.end()] if close else name[paren.start():]
        if close is None or _ADDRESS_PAREN.fullmatch(inner) or not is_org_name(inner[1:-1]):
            name = name[: paren.start()]
        else:
            name = name[: paren.start() + close.end()]
    if not re.fullmatch(r"[\u4e00-\u9fff][\u4e00-\u9fff（）()\dA-Za-z]{1,39}", name or "x"):
        return None, text
    if not is_org_name(name) and not is_org_name(name.rstrip("）)").split("（")[0].split("(")[0]):
        # "山西省科技厅高新处李兴阔" glued to a person: the longest org prefix
        for end in range(len(name) - 2, 1, -1):
            tail = name[end:]
            if is_org_name(name[:end]) and 2 <= len(tail) <= 4 and has_surname(tail) and person_names(tail) == [tail]:
                return name[:end], text[end:]
        return None, text
    return name, text[len(name):]


def _scope_above(lines: list[str], index: int, stop: set[int]) -> str | None:
    """The heading a block sits under: the nearest higher-rank or bare short heading above it."""
    for j in range(index - 1, max(-1, index - 80), -1):
        if j in stop:
            continue
        raw = re.sub(r"^\[bookmark:[^\]]*\]\s*", "", lines[j].strip())
        if not raw:
            continue
        if _OFFICE_LABEL.match(raw):
            return None  # the previous block's label: no heading in between
        m = _HEADING_MARK.match(raw)
        if m:
            title = m.group("title").strip()
            if len(title) <= 40 and not _GENERIC_HEADING.search(title):
                return title.rstrip(_TERMINAL)
            return None
        if _LOWER_MARK.match(raw) or parse_phones(raw):
            continue
        if raw.count("》") > raw.count("《"):
            raw = _rejoin_title(lines, j, raw)
        if len(raw) <= 40 and raw[-1] not in _TERMINAL and re.match(r"[\u4e00-\u9fff《]", raw):
            title = raw.strip("《》")
            return None if _GENERIC_HEADING.search(title) else title
    return None


def _rejoin_title(lines: list[str], j: int, tail: str) -> str:
    """A 《…》 title wrapped over lines: join back up to the line holding 《."""
    parts = [tail]
    for k in range(j - 1, max(-1, j - 4), -1):
        prev = lines[k].strip()
        if not prev:
            continue
        parts.insert(0, prev)
        if "《" in prev:
            break
    return "".join(parts)


def _line_span(starts: list[int], lines: list[str], i: int) -> Span:
    return Span(i + 1, i + 1, starts[i], starts[i] + len(lines[i]))


def _add_contacts(target: list[Contact], new: list[Contact]) -> None:
    for c in new:
        same = next((t for t in target if t.person == c.person), None)
        if same is None:
            target.append(Contact(c.person, list(c.phones), list(c.emails)))
            continue
        same.phones.extend(p for p in c.phones if p not in same.phones)
        same.emails.extend(e for e in c.emails if e not in same.emails)


class _Collector:
    """Mentions found so far, in document order."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.starts = line_starts(lines)
        self.mentions: list[_Mention] = []
        self.consumed: set[int] = set()
        self.moved: set[int] = set()  # line indexes emptied by reflow_contacts: no gap in a block

    def mention(self, name: str, role: str, i: int, scope: str | None) -> _Mention:
        m = _Mention(normalise_name(name), role, _line_span(self.starts, self.lines, i), scope=[scope] if scope else [])
        self.mentions.append(m)
        return m

    def extend(self, m: _Mention, i: int) -> None:
        m.span = m.span.cover(_line_span(self.starts, self.lines, i))


def _read_value(text: str, mention: _Mention) -> None:
    """Address, postcode, people and numbers in the rest of an office line."""
    addr = _ADDRESS_PAREN.search(text) or _ADDRESS.search(text)
    code = _POSTCODE.search(text)
    if addr and mention.address is None:
        mention.address = re.split(r"[，,；;]\s*(?:邮编|邮政编码|电话|联系)", addr.group("addr"))[0].strip()
        text = text[: addr.start()] + " " + text[addr.end():]
    if code:
        mention.postcode = code.group("code")
        text = _POSTCODE.sub(" ", text)
    _add_contacts(mention.contacts, parse_contact_people(text))


def _block(col: _Collector, i: int, role: str, rest: str) -> int:
    """Read one labelled block starting at line ``i``; return the index after it."""
    lines = col.lines
    if rest.strip() or not _HEADING_MARK.match(lines[i].strip()):
        col.consumed.add(i + 1)  # a bare "六、联系方式" is a section heading: the outline's
    scope = _scope_above(lines, i, set())
    current: _Mention | None = None
    last_people: list[Contact] = []
    sub_role = role

    def office_line(text: str, j: int, default_role: str) -> bool:
        nonlocal current, last_people
        name, after = _leading_org(text)
        if not name:
            return False
        current = col.mention(name, default_role, j, scope)
        before = len(current.contacts)
        _read_value(after, current)
        last_people = current.contacts[before:]
        return True

    rest = re.sub(r"^\s*(?:[:：]|为|是)\s*", "", rest)
    if rest.strip() and not office_line(rest, i, role):
        desk = _SUPPORT_DESK.match(fold_width(lines[i].strip()))
        named = _named_before(lines, i)
        if desk and (parse_phones(rest) or parse_emails(rest)):
            # "系统技术支持：0351-…": a desk named by what it answers
            current = col.mention(desk.group("desk"), "contact", i, scope)
            _read_value(rest, current)
        elif named and (parse_phones(rest) or parse_emails(rest)):
            # "…可咨询科技部信息中心。" then "咨询电话：010-…": the desk the sentence above names
            current = col.mention(named, "contact", i, scope)
            _read_value(rest, current)
        # otherwise "联系电话：…" with no office name has nothing to attach to
    blanks, j = 0, i + 1
    while j < len(lines):
        text = lines[j].strip()
        if j in col.moved:
            j += 1
            continue
        if not text:
            blanks += 1
            if blanks > 3:
                break
            j += 1
            continue
        blanks = 0
        if "\t" in text:
            break  # a table row belongs to the table
        label = _OFFICE_LABEL.match(text)
        sub = _SUB_LABEL.match(text)
        if label and not sub:
            if label.group("contact") and role != "contact":
                # "联系人及联系方式：" inside a 受理单位 block: rows that follow are contact desks
                sub_role = "contact"
                col.consumed.add(j + 1)
                value = text[label.end():].strip()
                if value:
                    office_line(value, j, sub_role)
                j += 1
                continue
            break
        if sub:
            kind, value = sub.group("sub"), text[sub.end():]
            col.consumed.add(j + 1)
            if re.fullmatch(r"联\s*系\s*人", kind) and not value.strip():
                sub_role = "contact"  # "联系人及联系方式：" heads a list of contact rows
            elif re.fullmatch(r"联\s*系\s*人", kind):
                if not office_line(value, j, sub_role) and current is not None:
                    before = len(current.contacts)
                    _add_contacts(current.contacts, parse_contact_people(value))
                    last_people = current.contacts[before:]
                    col.extend(current, j)
            elif current is not None:
                col.extend(current, j)
                if kind.startswith(("地址", "通讯地址")):
                    current.address = value.strip(" ：:。") or current.address
                elif kind.startswith(("邮编", "邮政")):
                    code = re.search(r"\d{6}", value)
                    current.postcode = code.group(0) if code else current.postcode
                elif kind != "传真":
                    phones, emails = parse_phones(value), parse_emails(value)
                    if kind.lower().startswith(("邮箱", "电子", "e")):
                        phones = []
                    targets = last_people or [c for c in current.contacts if c.person is None]
                    if targets:
                        for c in targets:
                            c.phones.extend(p for p in phones if p not in c.phones)
                            c.emails.extend(e for e in emails if e not in c.emails)
                    else:
                        _add_contacts(current.contacts, [Contact(None, phones, emails)])
            j += 1
            continue
        if _signs_off(lines, j):
            break  # the issuer's name over the date: the signature, not a desk
        if _office_row(text) and office_line(text, j, sub_role):
            col.consumed.add(j + 1)
            j += 1
            continue
        desk = _field_desk(text) or _scope_desk(text)
        if desk is not None:
            field_name, org, after = desk
            current = col.mention(org, _desk_role(text) or sub_role, j, field_name)
            _read_value(after, current)
            last_people = []
            col.consumed.add(j + 1)
            j += 1
            continue
        if PAGE_MARKER_RE.match(text):
            j += 1  # a page number inside the block (the page broke between two rows)
            continue
        if current is not None and len(text) <= 60 and (parse_phones(text) or parse_emails(text)):
            _read_value(text, current)
            col.extend(current, j)
            col.consumed.add(j + 1)
            j += 1
            continue
        if current is None and j == _next_nonblank(lines, i) and _LEAD_IN.search(text):
            j += 1  # "各专项的受理处室和联系人如下：" introduces the rows
            continue
        break
    return j


_ASK_AT = re.compile(r"(?:咨询|联系|致电|询问)(?P<org>[\u4e00-\u9fff]{2,30}?(?:中心|处|厅|局|办公室|委员会|部|室))[。，,；;]?\s*$")


def _named_before(lines: list[str], i: int) -> str | None:
    """An office the sentence just above names as the one to ask ("如有疑问，可咨询X。")."""
    for k in range(i - 1, max(-1, i - 3), -1):
        text = fold_width(lines[k].strip())
        if text:
            m = _ASK_AT.search(text)
            return m.group("org") if m and is_org_name(m.group("org")) else None
    return None


_LEAD_IN = re.compile(r"(?:如下|见下表|分别为|列表如下)\s*[:：]?$|[:：]$")


def _next_nonblank(lines: list[str], i: int) -> int:
    j = i + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j


def _scope_desk(text: str) -> tuple[str, str, str] | None:
    """"数学和应用研究、基础科研条件…：基础研究处，联系人：…": the programmes or fields, then their desk."""
    folded = fold_width(text)
    m = re.match(r"^\s*(?P<scope>[^:：，,。；;]{2,60})[:：]\s*(?P<rest>.+)$", folded)
    if m is None or _SUB_LABEL.match(folded) or _OFFICE_LABEL.match(folded):
        return None
    rest = m.group("rest")
    end = _longest_org_prefix(rest)
    if end is None:
        return None
    return m.group("scope").strip(), rest[:end], rest[end:]


def _longest_org_prefix(text: str) -> int | None:
    """Where the longest office name ``text`` starts with ends ("省科学技术厅高新技术处", not "省科")."""
    # Names may hold Latin letters and digits: "江苏省863计划成果转化中心", "5G应用创新中心".
    run = re.match(r"[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9]{1,39}", text)
    if run is None:
        return None
    return next((k for k in range(len(run.group(0)), 1, -1) if is_org_name(text[:k])), None)


def _desk_role(text: str) -> str | None:
    """The role a field desk line gives its desk ("…领域受理单位：" accepts), if it names one."""
    m = _FIELD_DESK.match(fold_width(text))
    phrase = m.group("role") if m else None
    if not phrase:
        return None
    return next((role for role, words in _ROLE_WORDS if re.search(words, phrase)), None)


def _field_desk(text: str) -> tuple[str, str, str] | None:
    """(field, office, rest) of a line naming the desk that answers for one field."""
    m = _FIELD_DESK.match(fold_width(text))
    if m is None:
        return None
    rest = re.sub(r"^(?:由|请联系|联系|咨询)", "", m.group("rest").strip())
    joint = re.match(r"(?:[\u4e00-\u9fff]{2,20}、)+(?P<last>[\u4e00-\u9fff]{2,40})", rest)
    if joint:
        # "北京市科委、中关村管委会高新技术处": the desk both bodies share, after their names
        last = joint.group("last")
        head = re.match(r"[\u4e00-\u9fff]{2,12}?(?:委员会|管委会|委|厅|局)(?=[\u4e00-\u9fff]{2,}(?:处|室|科|中心)$)", last)
        rest = (last[head.end():] if head else last) + rest[joint.end():]
    end = _longest_org_prefix(rest)
    if end is None:
        return None
    name = rest[:end]
    after = rest[end:].lstrip("）)").strip()
    after = re.sub(r"^(?:负责|咨询|受理|联系)", "", after)
    return m.group("field"), name, after


_DATE_LINE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def _signs_off(lines: list[str], j: int) -> bool:
    """Is line ``j`` a bare organisation name with a date line under it (a signature)?"""
    text = lines[j].strip()
    if not is_org_name(text) or parse_phones(text):
        return False
    for k in range(j + 1, min(j + 6, len(lines))):
        nxt = lines[k].strip()
        if nxt and not PAGE_MARKER_RE.match(nxt):
            return bool(_DATE_LINE.match(nxt)) or (is_org_name(nxt) and not parse_phones(nxt) and _signs_off(lines, k))
    return False


def _office_row(text: str) -> bool:
    """A line under a label that names an office: the name alone, or with people / numbers / address."""
    name, after = _leading_org(text)
    if not name:
        return False
    after = after.strip(" ，,。；;：:")
    if re.fullmatch(r"[A-Za-z][A-Za-z ,&'’.-]*", after):
        return True  # the office's English name after it (bilingual guides)
    return not after or bool(parse_phones(after) or parse_emails(after) or _ADDRESS_PAREN.search(after)
                             or _ADDRESS.search(after) or person_names(re.split(r"[，,；;]", after)[0]))


def _inline(col: _Collector) -> None:
    """Offices named inside prose: "X受理Y方面项目", "报送至X。地址：…"."""
    for i, raw in enumerate(col.lines):
        if i + 1 in col.consumed:
            continue
        text = raw
        for m in _INLINE_ACCEPT.finditer(text):
            name = _VERBS.sub("", m.group("org"))
            if is_org_name(name):
                mention = col.mention(name, "accepting", i, m.group("scope"))
                tail = re.split(r"[。；;]", text[m.end():])[0]
                if re.search(r"联系|电话|邮箱", tail):
                    _add_contacts(mention.contacts, parse_contact_people(tail))
        for m in _INLINE_DELIVER.finditer(text):
            name = _VERBS.sub("", m.group("org"))
            if is_org_name(name):
                mention = col.mention(name, "accepting", i, None)
                mention.address = m.group("addr").strip()


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _merge(mentions: list[_Mention]) -> list[Office]:
    offices: dict[str, Office] = {}
    for m in mentions:
        key = fold_width(m.name)
        office = offices.get(key)
        if office is None:
            office = offices[key] = Office(name=m.name, role=m.role, id=office_id(m.name), source=m.span)
        _absorb(office, m.role, m.address, m.postcode, m.scope, m.contacts, [m.span])
    merged = list(offices.values())
    # "山西省科技成果转化中心" and "…转化服务中心" with the same phone: one office, longer name
    changed = True
    while changed:
        changed = False
        for a in merged:
            for b in merged:
                if a is b:
                    continue
                phones_a = {p for c in a.contacts for p in c.phones}
                phones_b = {p for c in b.contacts for p in c.phones}
                if phones_a & phones_b and len(a.name) < len(b.name) and _subsequence(a.name, b.name):
                    _absorb(b, a.role, a.address, a.postcode, a.scope, a.contacts, a.sources)
                    if a.source and b.source and a.source.start_line < b.source.start_line:
                        b.source = a.source
                    merged.remove(a)
                    changed = True
                    break
            if changed:
                break
    for o in merged:
        o.sources.sort(key=lambda s: (s.start_line, s.start_char))
        o.source = o.sources[0] if o.sources else o.source
    return merged


def _absorb(office: Office, role: str, address, postcode, scope, contacts, spans) -> None:
    if ROLE_PRIORITY[role] < ROLE_PRIORITY[office.role]:
        office.role = role
    office.address = office.address or address
    office.postcode = office.postcode or postcode
    office.scope.extend(s for s in scope if s not in office.scope)
    _add_contacts(office.contacts, contacts)
    seen = set(office.sources)
    for s in spans:
        if s not in seen:
            office.sources.append(s)
            seen.add(s)


_TABLE_OFFICE = re.compile(r"受理处室|受理单位|责任处室|责任部门|主管处室|联系处室|咨询处室|处室|业务处室")
_TABLE_SCOPE = re.compile(r"专项|领域|方向|项目类别|类别|计划")
_TABLE_PERSON = re.compile(r"联系人")
_TABLE_PHONE = re.compile(r"电话|联系方式")


def _tables(col: _Collector) -> None:
    """Office tables (专项名称 | 受理处室 | 联系人 | 联系电话): one desk per row, its scope the row's programme."""
    columns: dict[str, int] | None = None
    for i, raw in enumerate(col.lines):
        if "\t" not in raw:
            columns = None
            continue
        cells = [c.strip() for c in raw.split("\t")]
        header = {}
        for k, cell in enumerate(cells):
            for role, pattern in (("office", _TABLE_OFFICE), ("person", _TABLE_PERSON), ("phone", _TABLE_PHONE),
                                  ("scope", _TABLE_SCOPE)):
                if role not in header and len(cell) <= 12 and pattern.search(cell):
                    header[role] = k
                    break
        if "office" in header and ("person" in header or "phone" in header):
            columns = header
            col.consumed.add(i + 1)
            continue
        if columns is None:
            continue
        cell = lambda role: cells[columns[role]] if role in columns and columns[role] < len(cells) else ""  # noqa: E731
        name = normalise_name(cell("office"))
        if not is_org_name(name):
            continue
        mention = col.mention(name, "accepting", i, cell("scope") or None)
        phones = parse_phones(cell("phone")) or parse_phones(raw)
        person = cell("person")
        _add_contacts(mention.contacts, [Contact(person.replace(" ", "") or None, phones, parse_emails(raw))])
        col.consumed.add(i + 1)


def extract_offices(lines: list[str]) -> tuple[list[Office], set[int]]:
    """Offices the guide names, merged by name, and the 1-based lines read for them."""
    reflowed, moved = reflow_contacts(list(lines))
    col = _Collector(reflowed)
    col.moved = moved
    _tables(col)
    i = 0
    while i < len(col.lines):
        text = col.lines[i].strip()
        label = _OFFICE_LABEL.match(text) if text and "\t" not in text else None
        if label is None:
            i += 1
            continue
        role = next(r for r in ROLE_PRIORITY if label.group(r))
        i = max(i + 1, _block(col, i, role, text[label.end():] if text[label.end() - 1:label.end()] in "：:为是" else text[label.end():]))
    _inline(col)
    return _merge(col.mentions), col.consumed


_MAYBE_CONTACT = re.compile(r"\d{5}|联\s*系|电\s*话|咨询|Tel", re.I)  # cheap test before the careful one
_CONTACT_WORD = re.compile(r"^\s*(?:[-•·●]\s*)?(?:联\s*系\s*人|联系电话|咨询电话|电话)\s*[:：]")


def lost_office_lines(lines: list[str], offices: list[Office], consumed: set[int]) -> list[int]:
    """1-based lines that read like an office or contact line but fed no office.

    Such a line's meaning (whom to call) is lost even if its characters sit
    in some section's text, so coverage must not count it as read.
    """
    read: set[int] = set()  # a label line read for its block (consumed) is not itself an office
    for office in offices:
        for span in office.sources or ([office.source] if office.source else []):
            read.update(range(span.start_line, span.end_line + 1))
    lost = []
    for i, raw in enumerate(lines, 1):
        if i in read or len(raw) > 120 or not _MAYBE_CONTACT.search(raw):
            continue
        text = fold_width(raw.strip())
        phones = parse_phones(text)
        contact_label, office_label = _CONTACT_WORD.match(text), _OFFICE_LABEL.match(text)
        label = contact_label or office_label
        if label and not text[label.end():].strip(" :："):
            continue  # a lead-in ("咨询电话：") whose rows follow
        if contact_label or (phones and (office_label or _leading_org(text)[0]
                                         or person_names(re.split(r"[，,；;：:\d]", text)[0]))):
            lost.append(i)
    return lost
