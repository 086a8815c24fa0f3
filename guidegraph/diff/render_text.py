"""The readable diff: grouped by direction, each line with the source lines of both sides."""

from __future__ import annotations

from guidegraph.diff.changes import CHANGE_KINDS, Change, GuideDiff, NodeDiff

LONG = 80  # longer values are cut in the text form (JSON and RDF carry them whole)


def heading(kind: str, lang: str) -> str:
    en, zh = CHANGE_KINDS.get(kind, (kind, kind))
    return en if lang == "en" else zh


def _short(value: str | None) -> str:
    if value is None:
        return "∅"
    value = " ".join(value.split())
    return value if len(value) <= LONG else value[:LONG - 1] + "…"


def _where(change: Change) -> str:
    return f"[{change.old_lines} → {change.new_lines}]"


def change_line(change: Change, lang: str) -> str:
    name = heading(change.kind, lang)
    if change.kind in ("ThresholdRaised", "ThresholdLowered", "ThresholdChanged"):
        return f"{name} {_short(change.old_value)} → {_short(change.new_value)}: {_short(change.detail)} {_where(change)}"
    detail = f" ({change.detail})" if change.detail else ""
    if change.old_value is None:
        return f"{name}{detail}: + {_short(change.new_value)} {_where(change)}"
    if change.new_value is None:
        return f"{name}{detail}: - {_short(change.old_value)} {_where(change)}"
    return f"{name}{detail}: {_short(change.old_value)} → {_short(change.new_value)} {_where(change)}"


def _node_block(d: NodeDiff, lang: str) -> list[str]:
    old_lines = d.old.lines if d.old else "-"
    new_lines = d.new.lines if d.new else "-"
    sign = {"added": "+", "removed": "-", "changed": "~"}[d.status]
    how = ""
    if d.status == "changed":
        how = f" ({'matched by ' if lang == 'en' else '匹配：'}{d.matched_by}" + (f" {d.similarity}" if d.similarity is not None else "") + ")"
    out = [f"{sign} {heading(d.kind, lang)}: {d.node.label} [{old_lines} → {new_lines}]{how}"]
    out += [f"    {change_line(c, lang)}" for c in d.changes]
    return out


def render_text(diff: GuideDiff, lang: str = "zh") -> str:
    old, new = diff.old, diff.new
    lines = [f"--- {old.source or old.iri}  {old.title}", f"+++ {new.source or new.iri}  {new.title}"]
    if diff.same:
        lines.append("no differences" if lang == "en" else "没有差异")
        return "\n".join(lines) + "\n"
    summary = ", ".join(f"{heading(k, lang)} {n}" for k, n in diff.summary().items())
    lines.append(("summary: " if lang == "en" else "概要：") + summary)
    if diff.guide_changes:
        lines += ["", "Guide" if lang == "en" else "指南整体"]
        lines += [f"  {change_line(c, lang)}" for c in diff.guide_changes]
    if diff.nodes:
        lines += ["", "Directions and sections" if lang == "en" else "方向与条目"]
        for d in diff.nodes:
            lines += ["  " + line for line in _node_block(d, lang)]
    return "\n".join(lines) + "\n"
