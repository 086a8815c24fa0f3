"""Is a decoding plausibly Chinese text? Used to accept GB18030/GBK input.

GB18030 maps almost any byte string to *some* characters, so a strict decode
that succeeds proves little: Shift-JIS, EUC-KR or Big5 bytes decode to
nonsense Chinese. Real Chinese prose has two properties nonsense lacks:
its characters come from the GB2312 repertoire (the 6763 hanzi plus symbols
every simplified-Chinese text uses), and a small core of very frequent
characters makes up a large share of it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# About 500 of the most frequent characters of modern written Chinese. In
# ordinary text (including the funding guides) they cover 60-75% of all
# hanzi; random hanzi, e.g. Korean bytes read as GBK, reach about 15%.
FREQUENT_HANZI = frozenset(
    "的一是了不在有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使"
    "点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明"
    "看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料"
    "象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶"
    "油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议"
    "声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影"
    "算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何"
    "除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严龙飞"
)

MIN_GB2312_SHARE = 0.90  # of non-ASCII characters
MIN_FREQUENT_SHARE = 0.35  # of hanzi, checked once there are enough of them
MIN_HANZI_FOR_FREQUENCY = 20

_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Unicode category Cc (C0 and C1 controls) minus tab, line feed, vertical tab, form feed and carriage return.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@lru_cache(maxsize=1)
def gb2312_repertoire() -> frozenset[str]:
    """Every character GB2312 encodes (rows 0xA1-0xF7), from the codec itself."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def control_characters(text: str) -> int:
    """How many C0/C1 control characters other than tab, newlines and form feeds."""
    return len(_CONTROLS.findall(text))


def implausible_chinese(text: str) -> str | None:
    """Why ``text`` does not look like real Chinese text, or None if it does."""
    controls = control_characters(text)
    if controls:
        return f"{controls} control characters"
    non_ascii = [c for c in text if ord(c) > 0x7F]
    if not non_ascii:
        return None
    repertoire = gb2312_repertoire()
    share = sum(1 for c in non_ascii if c in repertoire) / len(non_ascii)
    if share < MIN_GB2312_SHARE:
        return f"only {share:.0%} of its non-ASCII characters are common Chinese characters"
    hanzi = _HANZI.findall(text)
    if len(hanzi) >= MIN_HANZI_FOR_FREQUENCY:
        frequent = sum(1 for c in hanzi if c in FREQUENT_HANZI) / len(hanzi)
        if frequent < MIN_FREQUENT_SHARE:
            return f"its hanzi are unusual (only {frequent:.0%} are frequent characters; wrong encoding?)"
    return None
