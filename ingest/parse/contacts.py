"""Phone numbers, e-mail addresses and contact people in guide text.

Normal forms (what ``parse_phones`` returns):

* landline with area code: ``0351-4041234`` (from "0351-4041234", "(0351)4041234",
  "0351 4041234"); a local part that repeats the area code ("025-02583620705",
  a common typo) loses the repeat: ``025-83620705``;
* local number without area code: ``66608805``;
* mobile: ``13912345678`` (spaces and dashes dropped);
* service numbers: ``400-123-4567`` / ``800-123-4567``;
* an extension (转 / 分机 / ext) is kept after the number as ``0351-4041234转123``.

"66608805/07" lists two numbers: a short suffix after "/" replaces the last
digits, giving 66608805 and 66608807. Fax numbers (传真) are not phones.
Bare 7–8 digit numbers count only in a phone context (电话, 联系, 咨询 ... in
the same line, or a text made of nothing but numbers), so money, codes,
postcodes and document numbers are not read as phones.
"""

from __future__ import annotations

import re

from guidegraph.ingest.model import Contact
from guidegraph.ingest.parse.dates import fold_width

_PHONE_WORDS = re.compile(r"电话|手机|联系|咨询|热线|座机|tel|phone|办公室", re.I)
_FAX_BEFORE = re.compile(r"(?:传真|fax)\s*[:：]?\s*$", re.I)
_EXT = r"(?:\s*(?:转|分机|ext\.?|x)\s*(?P<ext>\d{1,6}))?"
_SUFFIXES = r"(?P<alts>(?:\s*/\s*\d{1,8})*)"
_LANDLINE = re.compile(
    rf"(?<![\d.\-/])(?:\((?P<pa>0\d{{2,3}})\)\s*|(?P<a>0\d{{2,3}})\s*[-—－–]?\s*)(?P<local>\d{{7,12}})(?![\d.])"
    + _SUFFIXES + _EXT
)
_SERVICE = re.compile(r"(?<![\d.\-])(?P<p>[48]00)\s*[-—－–]?\s*(?P<q>\d{3})\s*[-—－–]?\s*(?P<r>\d{4})(?![\d.])")
_MOBILE = re.compile(r"(?<![\d.\-])(?P<m>1[3-9]\d)\s*[-—]?\s*(?P<n>\d{4})\s*[-—]?\s*(?P<o>\d{4})(?![\d.])")
_LOCAL = re.compile(r"(?<![\d.\-/〔\[(（])(?P<local>\d{7,8})(?![\d.年月日元%])" + _SUFFIXES + _EXT)
_NOT_PHONE_AFTER = re.compile(r"^\s*(?:万|亿|元|个|项|人|次|家|号|年|件|字|[%％]|m|k|g)")
_ONLY_NUMBERS = re.compile(r"[\d\s/、,，;；()\-—－–转分机ext.]*", re.I)

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def _expand(first: str, alts: str) -> list[str]:
    """'66608805' + '/07/09' -> the listed numbers (short suffixes replace the tail)."""
    out = [first]
    for alt in re.findall(r"\d+", alts or ""):
        if len(alt) < len(first):
            out.append(first[: len(first) - len(alt)] + alt)
        elif len(alt) == len(first):
            out.append(alt)
    return out


def _with_ext(number: str, ext: str | None) -> str:
    return f"{number}转{ext}" if ext else number


def _area_local(area: str, local: str) -> str | None:
    """Validate a landline local part; drop an area code typed twice."""
    if local.startswith(area) and 7 <= len(local) - len(area) <= 8:
        local = local[len(area):]
    if not 7 <= len(local) <= 8 or local.startswith("0"):
        return None
    return local


def _looks_like_date(digits: str) -> bool:
    """20190430: a compact date, not a phone, when nothing says 电话."""
    return len(digits) == 8 and digits[:2] in ("19", "20") and 1 <= int(digits[4:6]) <= 12 and 1 <= int(digits[6:]) <= 31


def _listed_after_landline(folded: str, start: int, found: list[tuple[int, int, list[str]]]) -> str | None:
    """Area code of a landline this bare number directly follows in a list, if any."""
    for s, e, nums in found:
        if e <= start and re.fullmatch(r"\s*[、,，/及和]\s*", folded[e:start]) and "-" in nums[-1]:
            area = nums[-1].split("-")[0]
            return area if area.startswith("0") else None
    return None


def parse_phones(text: str) -> list[str]:
    """Phone numbers in ``text``, normalised (see module docstring), in order, deduplicated."""
    if not text:
        return []
    folded = fold_width(text)
    found: list[tuple[int, int, list[str]]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in found)

    def is_fax(start: int) -> bool:
        return bool(_FAX_BEFORE.search(folded[max(0, start - 8):start]))

    for m in _SERVICE.finditer(folded):
        if not is_fax(m.start()):
            found.append((m.start(), m.end(), [f"{m['p']}-{m['q']}-{m['r']}"]))
    for m in _LANDLINE.finditer(folded):
        area = m["pa"] or m["a"]
        local = _area_local(area, m["local"])
        if local is None or not free(m.start(), m.end()) or is_fax(m.start()):
            continue
        if _NOT_PHONE_AFTER.match(folded[m.end():]):
            continue
        nums = [f"{area}-{n}" for n in _expand(local, m["alts"])]
        nums[-1] = _with_ext(nums[-1], m["ext"])
        found.append((m.start(), m.end(), nums))
    for m in _MOBILE.finditer(folded):
        if free(m.start(), m.end()) and not is_fax(m.start()) and not _NOT_PHONE_AFTER.match(folded[m.end():]):
            found.append((m.start(), m.end(), [m["m"] + m["n"] + m["o"]]))
    numbers_only = _ONLY_NUMBERS.fullmatch(folded.strip()) is not None
    for m in _LOCAL.finditer(folded):
        if not free(m.start(), m.end()) or is_fax(m.start()):
            continue
        if _NOT_PHONE_AFTER.match(folded[m.end():]):
            continue
        area = _listed_after_landline(folded, m.start(), found)
        line_start = folded.rfind("\n", 0, m.start()) + 1
        if area is None and not _PHONE_WORDS.search(folded[line_start:m.start()]):
            if not numbers_only or _looks_like_date(m["local"]):
                continue
        nums = _expand(m["local"], m["alts"])
        if area:  # "020-83163338、83163339": the second shares the area code
            nums = [f"{area}-{n}" for n in nums]
        nums[-1] = _with_ext(nums[-1], m["ext"])
        found.append((m.start(), m.end(), nums))
    found.sort()
    out: list[str] = []
    for _, _, nums in found:
        out.extend(n for n in nums if n not in out)
    return out


def parse_emails(text: str) -> list[str]:
    """E-mail addresses in ``text`` (domain lower-cased), in order, deduplicated."""
    out: list[str] = []
    for m in _EMAIL.finditer(fold_width(text or "")):
        user, _, domain = m.group(0).rpartition("@")
        email = f"{user}@{domain.lower()}"
        if email not in out:
            out.append(email)
    return out


# --- people -----------------------------------------------------------------

# Words that end an organisation name; a token ending so is an office, not a person.
ORG_SUFFIXES = (
    "委员会", "办公室", "管理局", "服务中心", "中心", "研究院", "研究所", "科学院", "大学", "学院", "公司",
    "平台", "厅", "局", "委", "处", "科", "室", "部", "所", "院", "站", "办", "组", "会", "司", "馆", "队",
)
_NOT_NAME = re.compile(
    r"电话|联系|方式|手机|邮箱|地址|邮编|传真|咨询|负责|受理|单位|部门|处室|方面|领域|项目|申报|技术|支持|材料|时间|网址|"
    r"[省市县区]|科技|中心|服务"
)
_NAME_TOKEN = re.compile(r"[\u4e00-\u9fff·]{1,5}")
_TITLES = ("老师", "女士", "先生", "同志", "主任", "处长", "科长")
_CONTACT_LABEL = re.compile(r"(?:联系人|联\s*系\s*人|咨询人|负责人|经办人)(?:及联系方式|及电话|/联系电话)?\s*[:：]?")
_CUT_AT = re.compile(
    r"(?:联系|咨询|办公|值班)?(?:电话|手机|座机|tel|phone)|e-?mail|邮箱|电子邮件|地址|邮编|邮政编码|传真|[\d(（]",
    re.I,
)


# Common single-character surnames (about 99% of the population) and compound ones;
# used where a name is glued to other text and nothing else marks where it starts.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
    "查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆"
    "朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐")


def has_surname(name: str) -> bool:
    return name[:1] in SURNAMES or name.startswith(COMPOUND_SURNAMES)


def is_org_name(token: str) -> bool:
    """True for a token that reads as an organisation (ends with 处, 中心, 厅 ...)."""
    token = token.strip()
    return len(token) >= 2 and token.endswith(ORG_SUFFIXES) and not token.endswith(_TITLES)


def _glued_name(token: str) -> str | None:
    """"省科技厅高新处张三" -> "张三": a person name glued after an office name."""
    for size in (2, 3, 4):
        head, tail = token[:-size], token[-size:]
        if is_org_name(head) and has_surname(tail):
            return tail
    return None


def person_names(text: str) -> list[str]:
    """Person names in a short run such as "张三、李四", "王  斐", "李兴阔  吕  刚".

    PDF text pads two-character names with spaces ("赵  辉"): single
    characters standing alone are joined to the next one.
    """
    tokens = [t for t in re.split(r"[\s、,，;；/]+", text) if t]
    names: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if len(tok) == 1 and i + 1 < len(tokens) and len(tokens[i + 1]) <= 2:
            tok, i = tok + tokens[i + 1], i + 1
        i += 1
        if len(tok) > 4 and not tok.endswith(_TITLES):
            tok = _glued_name(tok) or tok
        if not _NAME_TOKEN.fullmatch(tok) or is_org_name(tok) or not has_surname(tok):
            continue
        bare = tok[: -2] if tok.endswith(_TITLES) else tok
        if not 1 <= len(bare) <= 4 or len(tok) < 2 or _NOT_NAME.search(bare):
            continue
        names.append(tok)
    return names


def _split_org_prefix(text: str) -> str:
    """Drop a leading organisation name ("省科技厅农村处 孙彦" -> "孙彦")."""
    parts = re.split(r"(\s+)", text.strip(), maxsplit=1)
    if len(parts) == 3 and is_org_name(parts[0]):
        return parts[2]
    return text


def parse_contact_people(text: str) -> list[Contact]:
    """Contacts in ``text``: one per person named, with the phones and e-mails of the same stretch.

    Reads "联系人：王某某 0351-1234567", "联系人：张三、李四，电话：…",
    "省科技厅农村处 孙彦" and table-like "中心  卢晓霞   0351-5255511". When a
    stretch names several people and several numbers without pairing them, each
    person gets all the numbers. A stretch with numbers but no person gives one
    Contact with ``person=None``.
    """
    if not text:
        return []
    folded = fold_width(text)
    pieces = [p for p in _CONTACT_LABEL.split(folded) if p.strip()] or [folded]
    contacts: list[Contact] = []
    for piece in pieces:
        phones, emails = parse_phones(piece), parse_emails(piece)
        cut = _CUT_AT.search(piece)
        head = piece[: cut.start()] if cut else piece
        head = re.sub(r"[:：]", " ", head)
        head = _split_org_prefix(head)
        # a table row "OFFICE  NAME  PHONE": the office is the first wide-spaced cell
        cells = [c for c in re.split(r"\s{2,}|\t", head.strip()) if c]
        if len(cells) > 1 and is_org_name(cells[0]):
            head = " ".join(cells[1:])
        names = person_names(head)
        if not names and (phones or emails):
            contacts.append(Contact(None, phones, emails))
        for name in names:
            contacts.append(Contact(name.replace(" ", ""), list(phones), list(emails)))
    return contacts
