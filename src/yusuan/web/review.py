"""The document page's findings as a reviewer works through them: in order of severity then
page, with each one's fingerprint and decision, filtered by severity, rule family, table and
words; dismissed findings kept apart and out of the counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from yusuan.model import Finding, Severity
from yusuan.store.decisions import Decision

_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
SEVERITY_ORDER = ("error", "warning", "info")


def rule_families() -> dict[str, str]:
    """Family prefix -> Chinese name ({} without the audit package)."""
    try:
        from yusuan.audit.registry import FAMILIES
    except ImportError:
        return {}
    return dict(FAMILIES)


def fingerprint_of(finding: Finding) -> str:
    from yusuan.audit.fingerprint import fingerprint

    return fingerprint(finding)


@dataclass(frozen=True)
class Item:
    index: int  # position in the page's ordered findings (anchors, cells)
    finding: Finding
    fp: str
    decision: Decision | None

    @property
    def dismissed(self) -> bool:
        return self.decision is not None and self.decision.decision == "dismissed"

    @property
    def family(self) -> str:
        return self.finding.rule[:3]

    def text(self) -> str:
        loc = self.finding.location
        return " ".join(x for x in (self.finding.rule, self.finding.message, self.finding.quote, loc.table or "",
                                    loc.row_code or "", loc.row_name or "", loc.column or "",
                                    *self.finding.values.values()) if x)  # fmt: skip


def ordered(findings: Sequence[Finding]) -> list[Finding]:
    """错误 → 警告 → 提示, then by page and line (a finding without either comes last), then rule."""
    big = 1 << 30
    return sorted(findings, key=lambda f: (_RANK[f.severity], f.location.source.page or big,
                                           f.location.source.line or big, f.rule))  # fmt: skip


@dataclass(frozen=True)
class Review:
    items: list[Item]  # every finding, ordered
    shown: list[Item]  # those the filters keep (open ones, and dismissed ones when asked)
    counts: dict[str, int]  # open findings by severity
    dismissed: int
    families: dict[str, str]  # family prefixes present -> name
    tables: list[str]  # table ids findings point at
    filtered: bool


def review(
    findings: Sequence[Finding], decisions: Mapping[str, Decision], q: Mapping[str, Any]
) -> Review:
    """``q``: severity, family, table, q (words, all must occur), dismissed (show them too)."""
    items = [Item(i, f, fp := fingerprint_of(f), decisions.get(fp)) for i, f in enumerate(ordered(findings))]
    open_items = [it for it in items if not it.dismissed]
    counts = Counter(it.finding.severity.value for it in open_items)
    names = rule_families()
    words = [w.casefold() for w in str(q.get("q") or "").split()]
    severity, family, table = q.get("severity") or "", q.get("family") or "", q.get("table") or ""

    def keep(it: Item) -> bool:
        if it.dismissed and not q.get("dismissed"):
            return False
        if severity and it.finding.severity.value != severity:
            return False
        if family and it.family != family:
            return False
        if table and it.finding.location.table != table:
            return False
        text = it.text().casefold()
        return all(w in text for w in words)

    return Review(
        items=items,
        shown=[it for it in items if keep(it)],
        counts={s: counts.get(s, 0) for s in SEVERITY_ORDER},
        dismissed=len(items) - len(open_items),
        families={f: names.get(f, f) for f in sorted({it.family for it in items})},
        tables=sorted({t for it in items if (t := it.finding.location.table)}),
        filtered=bool(severity or family or table or words),
    )
