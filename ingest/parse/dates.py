"""Dates, times and application deadlines in Chinese guide text.

``find_datetimes`` reads every calendar date a text prints (Arabic or Chinese
numerals, 年月日 or 2025-03-27 / 2025.3.27 / 2025/3/27, optional time of day)
and ``extract_deadlines`` keeps those the guide announces as deadlines or as
the start of an application window. Times are Beijing time: ISO values with a
time carry ``+08:00``; a date without a time stays a plain ISO date.

Helpers shared by the sibling parsers live here too: ``fold_width`` maps
full-width ASCII to half-width without changing string length, so offsets
found in folded text index the original text.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from guidegraph.ingest.model import Deadline, Span
from guidegraph.ingest.parse.numerals import parse_number
from guidegraph.ingest.parse.width import fold

fold_width = fold  # full-width ASCII to half-width, same length


def line_starts(lines: list[str]) -> list[int]:
    """Offset of each line in ``"\\n".join(lines)``."""
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    return starts


def offset_to_line(starts: list[int], offset: int) -> int:
    """1-based line number holding ``offset`` of the joined text."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def span_of(starts: list[int], start: int, end: int) -> Span:
    """Span covering joined-text offsets [start, end)."""
    return Span(offset_to_line(starts, start), offset_to_line(starts, max(start, end - 1)), start, end)


# --- numerals -----------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "〇零○一二两三四五六七八九十"


def _cn_small(s: str) -> int | None:
    """Chinese numeral 0..99 (十, 十二, 二十, 二十七) or Arabic digits."""
    value = parse_number(s.strip()) if s.strip() else None
    return int(value) if value is not None and value == int(value) and 0 <= value < 100 else None


def _cn_year(s: str) -> int | None:
    s = s.strip()
    if s.isdigit():
        return int(s)
    digits = [_CN_DIGITS.get(c) for c in s]
    if len(digits) != 4 or any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


# --- patterns -------------------------------------------------------------

_SP = r"[ \t\u00a0]*"  # spaces inside a date; newlines only where noted
_WS = r"\s*"  # any whitespace, PDF wraps included
_NUM = rf"(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})"
_YEAR = r"(?:\d{4}|[〇零○一二三四五六七八九]{4})"
_PERIOD = r"(?:上午|下午|中午|晚上|晚间|早上|凌晨|傍晚|夜间|晚)"
_TIME = (
    rf"(?P<{{p}}per>{_PERIOD})?{_SP}(?P<{{p}}h>{_NUM}){_SP}"
    rf"(?:[:：]{_SP}(?P<{{p}}mi>\d{{2}})|[时点](?:{_SP}(?P<{{p}}mc>{_NUM}|半|整)(?:{_SP}分)?)?)"
)


def _time(prefix: str) -> str:
    return _TIME.replace("{p}", prefix)


_CJK_DATE = re.compile(
    rf"(?<![\d〇零○一二三四五六七八九])(?P<y>{_YEAR}){_WS}年{_WS}(?P<m>{_NUM}){_WS}月"
    rf"(?:{_WS}(?P<d>{_NUM}){_WS}[日号])?"
    rf"(?:{_SP}(?:[(（][^)）\n]{{1,4}}[)）])?{_SP}{_time('t')})?"
)
_NUMERIC_DATE = re.compile(
    rf"(?<![\d.])(?P<y>(?:19|20)\d{{2}})(?P<sep>[-./])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}})(?![\d])"
    rf"(?:(?:T|{_SP}){_time('t')})?"
)
# The far end of a range: "至1月31日", "至27日", "至17:30", "—2019年1月31日".
_RANGE_LINK = re.compile(rf"{_WS}(?:至|到|~|～|-|—|－|–){{1,2}}{_WS}")
_PARTIAL = re.compile(
    rf"(?:(?P<m>{_NUM}){_WS}月{_WS})?(?P<d>{_NUM}){_WS}[日号]"
    rf"(?:{_SP}(?:[(（][^)）\n]{{1,4}}[)）])?{_SP}{_time('t')})?"
    rf"|{_time('o')}"
)


@dataclass
class DateMatch:
    """One printed date: ``iso`` at the printed ``precision``; offsets into the text.

    ``precision`` is "minute", "day" or "month"; "year" is reserved: a bare
    year ("2025年度") is a period label, not a date, and is not reported.
    """

    text: str
    iso: str
    start: int
    end: int
    precision: str  # minute | day | month | year


def _hour_minute(m: re.Match, p: str) -> tuple[int, int] | None:
    if not m.group(f"{p}h"):
        return None
    hour = _cn_small(m.group(f"{p}h"))
    if hour is None:
        return None
    if m.group(f"{p}mi"):
        minute = int(m.group(f"{p}mi"))
    elif m.group(f"{p}mc"):
        mc = m.group(f"{p}mc")
        minute = 30 if mc == "半" else 0 if mc == "整" else _cn_small(mc)
        if minute is None:
            return None
    else:
        minute = 0
    period = m.group(f"{p}per")
    if period in ("下午", "晚上", "晚间", "傍晚", "晚", "夜间") and hour < 12:
        hour += 12
    if period == "中午" and hour < 6:
        hour += 12
    if not (0 <= hour <= 24 and 0 <= minute < 60) or (hour == 24 and minute):
        return None
    return hour, minute


def _iso(year: int, month: int, day: int | None, hm: tuple[int, int] | None) -> tuple[str, str] | None:
    """(iso, precision) or None when the calendar rejects the date."""
    if not (1 <= month <= 12) or not (1000 <= year <= 2999):
        return None
    if day is None:
        return f"{year:04d}-{month:02d}", "month"
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        return None
    if hm is None:
        return date.isoformat(), "day"
    hour, minute = hm
    if hour == 24:  # "24时" is the end of that day: midnight of the next
        date, hour = date + _dt.timedelta(days=1), 0
    return f"{date.isoformat()}T{hour:02d}:{minute:02d}:00+08:00", "minute"


def find_datetimes(text: str) -> list[DateMatch]:
    """Every date (with time of day where printed) in ``text``, in order.

    A bare year ("2025年度") is not a date. A range's far end that prints only
    a month/day or a time ("2019年1月1日至1月31日") inherits the missing parts.
    """
    if not text:
        return []
    folded = fold_width(text)
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, iso_prec: tuple[str, str] | None) -> bool:
        # anchors come in order and a range's far end right after its anchor: only recent spans can overlap
        if iso_prec is None or any(s < end and start < e for s, e in taken[-3:]):
            return False
        found.append(DateMatch(text[start:end], iso_prec[0], start, end, iso_prec[1]))
        taken.append((start, end))
        return True

    anchors: list[tuple[int, int, int, int, int | None, tuple[int, int] | None]] = []
    for m in _CJK_DATE.finditer(folded):
        year, month = _cn_year(m.group("y")), _cn_small(m.group("m"))
        day = _cn_small(m.group("d")) if m.group("d") else None
        if year is None or month is None or (m.group("d") and day is None):
            continue
        hm = _hour_minute(m, "t") if day is not None else None
        end = m.end() if (hm or not m.group("th")) else m.start("tper") if m.group("tper") else m.start("th")
        if day is None:
            end = m.end("m") + folded[m.end("m"):].index("月") + 1
        anchors.append((m.start(), end, year, month, day, hm))
    for m in _NUMERIC_DATE.finditer(folded):
        hm = _hour_minute(m, "t")
        end = m.end() if hm else m.end("d")
        anchors.append((m.start(), end, int(m.group("y")), int(m.group("m")), int(m.group("d")), hm))
    anchors.sort()

    for start, end, year, month, day, hm in anchors:
        if not add(start, end, _iso(year, month, day, hm)):
            continue
        if day is None:
            continue
        link = _RANGE_LINK.match(folded, end)
        if not link:
            continue
        far = _PARTIAL.match(folded, link.end())
        if not far or _CJK_DATE.match(folded, link.end()) or _NUMERIC_DATE.match(folded, link.end()):
            continue  # a full date on the far side is an anchor of its own
        if far.group("d"):
            far_month = _cn_small(far.group("m")) if far.group("m") else month
            far_day = _cn_small(far.group("d"))
            if far_month is None or far_day is None:
                continue
            far_hm = _hour_minute(far, "t")
            far_end = far.end() if far_hm else far.end("d") + folded[far.end("d"):].index(
                "日" if "日" in folded[far.end("d"):far.end()] else "号") + 1
            add(far.start(), far_end, _iso(year, far_month, far_day, far_hm))
        elif hm is not None:
            far_hm = _hour_minute(far, "o")
            if far_hm is not None:
                add(far.start(), far.end(), _iso(year, month, day, far_hm))
    found.sort(key=lambda d: d.start)
    return found


# --- deadlines ------------------------------------------------------------

_CLAUSE_END = "。；;!?！？"
_NOT_DEADLINE_AFTER = re.compile(r"^\s*(?:[(（]含[)）])?\s*(?:以后|以前|之后|之前|前|后)?\s*(?:出生|成立|注册|毕业|施行|起施行|印发|发布|颁布|实施)")
_NOT_DEADLINE_BEFORE = re.compile(r"(?:出生|印发|发布|颁布|成立|注册|签署|签发)\S{0,4}$")
_DUE_AFTER = re.compile(r"^\s*(?:[(（][^)）\n]{1,4}[)）])?\s*(?:前|之前|以前|止|为止|截止|截至)")
_START_AFTER = re.compile(r"^\s*(?:[(（][^)）\n]{1,4}[)）])?\s*(?:起|开始)")
_DUE_BEFORE = re.compile(r"截止|截至|最迟|不晚于|期限|deadline", re.I)
_START_BEFORE = re.compile(r"开始|起始|开放|启动")
_APPLICATION = re.compile(r"申报|受理|报送|填报|提交|推荐|报名|征集|申请|审核|递交|上传|时间|日期|期间")
_LABEL_LEAD = re.compile(
    r"^(?:[-•·●]\s*)?(?:\d+[.、．]|[(（]?[一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)?\s*"
    r"(?:请|须|应|并|务必|各单位|各有关单位|各地|即|均)*\s*(?:于|在|定于|自|从)?"
)
_LABEL_TAIL = re.compile(r"(?:为|是|：|:|于|在|定于|自|从|须|需|应|必须|要|\s)+$")
_HEADING_MAX = 16


def _prev_line_closes(folded: str, newline: int, width: int) -> bool:
    """Does the non-blank text before this newline end a clause or look like a heading?"""
    line_start = folded.rfind("\n", 0, newline) + 1
    line = folded[line_start:newline].strip()
    while not line and line_start > 0:
        newline = line_start - 1
        line_start = folded.rfind("\n", 0, newline) + 1
        line = folded[line_start:newline].strip()
    if re.search(r"(?:[日号时分]|\d:\d\d)$", line):
        return True  # a line ending in a date or time ends its clause
    # a line well short of the page width was not wrapped: it ends there
    return not line or line[-1] in _CLAUSE_END + "：:" or len(line) <= _HEADING_MAX or len(line) < 0.75 * width


def _clause_start(folded: str, pos: int, width: int) -> int:
    """Start of the clause that holds ``pos``: after 。；… or a closed line, at most 120 chars back."""
    limit = max(0, pos - 120)
    i = pos - 1
    while i >= limit:
        ch = folded[i]
        if ch in _CLAUSE_END:
            return i + 1
        if ch == "\n" and _prev_line_closes(folded, i, width):
            return i + 1
        i -= 1
    return limit


def _page_width(lines: list[str]) -> int:
    """Typical length of a full (wrapped) line: the 90th percentile of non-blank lines."""
    sizes = sorted(len(line.strip()) for line in lines if line.strip())
    if len(sizes) < 10:
        return sizes[-1] if sizes else 0
    return sizes[int(0.9 * (len(sizes) - 1))]


def _clause_end(folded: str, pos: int) -> int:
    j = pos
    limit = min(len(folded), pos + 60)
    while j < limit and folded[j] not in _CLAUSE_END + "，,\n":
        j += 1
    return j


def _heading_before(folded: str, clause_start: int) -> str:
    """A short heading line (申报时间, 4.截止日期) just above a clause, if any."""
    end = clause_start - 1
    while end > 0:
        line_start = folded.rfind("\n", 0, end) + 1
        line = folded[line_start:end].strip()
        if line:
            is_heading = len(line) <= _HEADING_MAX and not re.search(r"[。；;!?！？，,]", line)
            return line if is_heading else ""
        end = line_start - 1
    return ""


def _after_last_comma(folded: str, start: int, end: int) -> int:
    """Narrow a clause to its last comma-separated part before ``end``."""
    cut = max(folded.rfind("，", start, end), folded.rfind(",", start, end))
    return cut + 1 if cut >= 0 else start


def _clean_label(raw: str) -> str:
    label = re.sub(r"\s+", "", raw)
    label = re.split(r"[，,、]", label)[-1] if label else label
    label = _LABEL_LEAD.sub("", label, count=1)
    return _LABEL_TAIL.sub("", label)


_YEARLESS = re.compile(
    rf"(?<![\d年月{_CN_NUM}])(?P<m>{_NUM}){_SP}月{_SP}(?P<d>{_NUM}){_SP}[日号]"
    rf"(?:{_SP}(?:[(（][^)）\n]{{1,4}}[)）])?{_SP}{_time('t')})?"
)


def _yearless_dates(text: str, folded: str, printed: list[DateMatch]) -> list[DateMatch]:
    """"3月27日前" with no year: the year of the nearest full date before it (else after it)."""
    out: list[DateMatch] = []
    full = [d for d in printed if re.match(r"\d{4}-", d.iso)]
    for m in _YEARLESS.finditer(folded):
        if any(d.start <= m.start() < d.end or m.start() <= d.start < m.end() for d in printed):
            continue
        before = [d for d in full if d.end <= m.start()]
        ref = before[-1] if before else next((d for d in full if d.start >= m.end()), None)
        month, day = _cn_small(m.group("m")), _cn_small(m.group("d"))
        if ref is None or month is None or day is None:
            continue
        hm = _hour_minute(m, "t")
        end = m.end() if hm else m.end("d") + folded[m.end("d"):m.end()].find("日" if "日" in folded[m.end("d"):m.end()] else "号") + 1
        iso = _iso(int(ref.iso[:4]), month, day, hm)
        if iso:
            out.append(DateMatch(text[m.start():end], iso[0], m.start(), end, iso[1]))
    return out


_WRAP = r"([ \t]*\n(?:[ \t]*\n)?[ \t]*)"
# A clock time broken by a line wrap: before its hour ("…3月28日" / "17:00"), inside it
# ("…4月9日8" / ":00"), or after its colon ("…日8:" / "00").
_WRAPPED_TIMES = (
    re.compile(r"(\d{1,2}\s*日)" + _WRAP + r"(?=\d{1,2}\s*[:：]\s*\d{2})"),
    re.compile(r"(\d{1,2}\s*日\s*\d{1,2})" + _WRAP + r"(?=[:：]\s*\d{2}(?!\d))"),
    re.compile(r"(\d{1,2}\s*日\s*\d{1,2}\s*[:：])" + _WRAP + r"(?=\d{2}(?!\d))"),
)


def extract_deadlines(lines: list[str]) -> list[Deadline]:
    """Deadlines and application-window starts the guide announces.

    A date counts when its clause says so: 截止/截至/最迟 before it, 前/止
    after it, or an application time printed as a range "X至Y" (a start and
    a deadline). Birth-date limits, issue dates and dates inside cited titles
    are skipped.
    """
    # A time wrapped onto the next line ("…3月28日" / "17:00，") is read with its date: the
    # line break between them becomes spaces of the same length, so offsets stay put.
    text = "\n".join(lines)
    for wrapped in _WRAPPED_TIMES:
        text = wrapped.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)
    folded = fold_width(text)
    starts = line_starts(lines)
    width = _page_width(lines)
    printed = find_datetimes(text)
    dates = sorted(printed + _yearless_dates(text, folded, printed), key=lambda d: d.start)
    dates = [d for d in dates if d.precision in ("day", "minute", "month")]
    out: list[Deadline] = []
    paired_end: set[int] = set()
    for i, d in enumerate(dates):
        if d.start in paired_end:
            continue
        cstart = _clause_start(folded, d.start, width)
        before = folded[cstart:d.start]
        after = folded[d.end:_clause_end(folded, d.end)]
        if d.precision == "month":
            # only "2024年5月底前" / "12月末前": a month alone is too vague to be a deadline
            month_end = re.match(r"\s*(?:底|末)", after)
            if not month_end or not _DUE_AFTER.match(after[month_end.end():]):
                continue
            # "5月底" is the last day of May
            y, mo = int(d.iso[:4]), int(d.iso[5:7])
            last = (_dt.date(y + mo // 12, mo % 12 + 1, 1) - _dt.timedelta(days=1)).isoformat()
            d = DateMatch(d.text + after[:month_end.end()], last, d.start, d.end + month_end.end(), "day")
            after = after[month_end.end():]
        if _NOT_DEADLINE_AFTER.match(after) or _NOT_DEADLINE_BEFORE.search(before.replace("\n", "")):
            continue
        if before.count("《") > before.count("》"):
            continue  # inside a cited title
        heading = _heading_before(folded, cstart) if not before.strip() else ""
        context = before + heading
        partner = dates[i + 1] if i + 1 < len(dates) else None
        is_range = partner is not None and re.fullmatch(r"\s*(?:至|到|~|～|-|—|－|–){1,2}\s*", folded[d.end:partner.start])
        if is_range and (_APPLICATION.search(context) or _DUE_BEFORE.search(context)):
            assert partner is not None
            label = _clean_label(before) or _clean_label(heading) or "申报时间"
            p_after = folded[partner.end:_clause_end(folded, partner.end)]
            p_end = partner.end + (_DUE_AFTER.match(p_after).end() if _DUE_AFTER.match(p_after) else 0)
            cstart = _after_last_comma(folded, cstart, d.start)
            whole = re.sub(r"\s+", "", text[cstart:p_end])
            out.append(Deadline(label, d.iso, whole, "start", span_of(starts, cstart, d.end)))
            out.append(Deadline(label, partner.iso, whole, "deadline", span_of(starts, cstart, p_end)))
            paired_end.add(partner.start)
            continue
        due_after = _DUE_AFTER.match(after)
        start_after = _START_AFTER.match(after)
        if due_after or _DUE_BEFORE.search(context):
            kind = "deadline"
        elif start_after or (_START_BEFORE.search(context) and _APPLICATION.search(context)):
            kind = "start"
        elif re.search(r"(?:申报|受理|报送|填报|提交|报名)(?:时间|日期)\s*(?:为|是|:|：)?\s*$", context.replace("\n", "")):
            kind = "deadline"
        else:
            continue
        if not (_APPLICATION.search(context + after) or "截止" in context):
            continue  # "截至2024年12月31日" dates financial figures, not a call
        cstart = _after_last_comma(folded, cstart, d.start)
        end = d.end + (due_after.end() if due_after else start_after.end() if start_after else 0)
        label = _clean_label(before) or _clean_label(heading)
        if not re.search(r"时间|日期|截止|截至|期限|时限", label):
            # "请各单位于X前提交材料" / "系统自X起开放申报": the action follows the date
            action = _clean_label(re.sub(r"^\s*(?:[(（][^)）]{1,4}[)）])?\s*(?:之前|以前|为止|前|止|起|开始)", "", after))
            label = label + action if before.strip() else label or action
        label = label or ("开始时间" if kind == "start" else "截止时间")
        whole = re.sub(r"\s+", "", text[cstart:end])
        out.append(Deadline(label, d.iso, whole, kind, span_of(starts, cstart, end)))
    return out
