"""The rule registry: every check has a stable code, a family, a default severity and a doc.

A rule is a function ``fn(ctx) -> None`` that inspects ``ctx.disclosure`` and records what it
did through the context (``ctx.checked()``, ``ctx.report(...)``, ``ctx.missing(...)``,
``ctx.skip(...)``); the engine turns that into findings and a coverage-ledger entry.
Rules register themselves with ``@rule(...)`` when their family module is imported
(``yusuan.audit.rules``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from yusuan.model import Severity

if TYPE_CHECKING:
    from yusuan.audit.context import RuleContext

RuleFn = Callable[["RuleContext"], None]

# Family prefix -> Chinese name (for `yusuan rules` and docs).
FAMILIES: dict[str, str] = {
    "SUM": "表内算术（行、列）",
    "HIE": "科目层级（上级科目 = 下级科目之和）",
    "XTB": "表间勾稽",
    "NAR": "文字说明与表格、文字说明内部",
    "COV": "完整性（公开表、目录、必备说明）",
    "TPL": "模板未填写内容（占位符、备选措辞、填写说明）",
    "TXT": "文字规范（标点、括号、编号、口径、日期）",
    "UNT": "年度与金额单位",
    "COD": "科目编码与名称",
    "PRF": "绩效目标",
    "STF": "人员编制",
}


@dataclass(frozen=True)
class Rule:
    code: str  # stable: family prefix + 3 digits, e.g. "SUM001"
    summary: str  # one line, Chinese
    severity: Severity  # default severity (re-gradable by config)
    what: str  # what is checked
    why: str  # why it matters (cites 《地方预决算公开操作规程》 where one applies)
    failing: str  # a failing example, as a reader would see it in a document
    passing: str  # a passing example
    fn: RuleFn

    @property
    def family(self) -> str:
        return self.code[:3]


RULES: dict[str, Rule] = {}


def rule(
    code: str, summary: str, severity: Severity, *, what: str, why: str, failing: str, passing: str
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function under a stable code."""

    def deco(fn: RuleFn) -> RuleFn:
        if code in RULES:
            raise ValueError(f"duplicate rule code {code}")
        if code[:3] not in FAMILIES:
            raise ValueError(f"unknown rule family {code[:3]}")
        RULES[code] = Rule(code, summary, severity, what, why, failing, passing, fn)
        return fn

    return deco


def all_rules() -> dict[str, Rule]:
    """Every registered rule, sorted by code (imports the rule modules once)."""
    import yusuan.audit.rules  # noqa: F401  (registers the rules)

    return dict(sorted(RULES.items()))
