"""Tables that list directions, one per row (序号 | 方向名称 | 研究内容 | 考核指标 | 支持强度).

The readers write a table row as one line with tab-separated cells; the
header row names what each column holds, and the outline builder turns each
following row into a direction with its parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text)


_COLUMN_ROLES = (
    ("number", re.compile(r"^(?:序号|编号|序)$")),
    ("code", re.compile(r"代码|编码|指南编号|方向编号")),
    ("title", re.compile(r"方向名称|指南方向|研究方向|支持方向|项目名称|课题名称|任务名称|指南名称|方向$|名称$|题目")),
    ("research_content", re.compile(r"研究内容|研发内容|建设内容|主要内容|研究任务")),
    ("indicators", re.compile(r"考核指标|技术指标|考核目标|预期目标|绩效目标|主要指标")),
    ("funding", re.compile(r"支持强度|支持金额|资助金额|资助强度|经费|资助额度|支持额度")),
)


@dataclass
class DirectionTable:
    """The columns of a table listing directions, as its header row names them."""

    roles: dict[int, tuple[str, str]]  # column -> (role, header text)
    width: int

    @classmethod
    def from_header(cls, cells: list[str]) -> "DirectionTable | None":
        roles: dict[int, tuple[str, str]] = {}
        for k, cell in enumerate(cells):
            text = _clean(cell)
            for role, pattern in _COLUMN_ROLES:
                if text and len(text) <= 16 and pattern.search(text) and role not in {r for r, _ in roles.values()}:
                    roles[k] = (role, text)
                    break
            else:
                if text and len(text) <= 12:
                    roles[k] = ("other", text)
        named = {r for r, _ in roles.values()}
        if "title" not in named or not named & {"research_content", "indicators", "code", "number", "funding"}:
            return None
        return cls(roles, len(cells))

    def fits(self, cells: list[str]) -> bool:
        return abs(len(cells) - self.width) <= 1

    def cell(self, cells: list[str], role: str) -> str:
        for k, (r, _) in self.roles.items():
            if r == role and k < len(cells):
                return cells[k].strip()
        return ""

    def parts(self, cells: list[str]):
        """(role, header, text) of every filled content column; a bare amount takes the header's unit."""
        for k, (role, header) in self.roles.items():
            if role in ("number", "code", "title") or k >= len(cells) or not cells[k].strip():
                continue
            text = cells[k].strip()
            if role == "funding":
                unit = re.search(r"[（(]([万亿]?元)[）)]", header)
                if unit and re.fullmatch(r"[\d.,，~\-—至]+", text):
                    text = f"{header.split('（')[0].split('(')[0]}{text}{unit.group(1)}"
            yield role, header, text


