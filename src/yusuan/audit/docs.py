"""Rule reference pages (docs/rules/*.md) generated from the registry.

    python -m yusuan.audit.docs docs/rules
"""

from __future__ import annotations

import sys
from pathlib import Path

from yusuan.audit.registry import FAMILIES, Rule, all_rules
from yusuan.audit.report import SEVERITY_ZH


def rule_page(r: Rule) -> str:
    return (
        f"# {r.code} {r.summary}\n\n"
        f"- 类别：{r.family} {FAMILIES[r.family]}\n"
        f"- 默认级别：{SEVERITY_ZH[r.severity]}（`{r.severity.value}`），可用 `--severity {r.code}=LEVEL` 调整\n\n"
        f"## 检查内容\n\n{r.what}\n\n## 为什么\n\n{r.why}\n\n"
        f"## 不通过的例子\n\n{r.failing}\n\n## 通过的例子\n\n{r.passing}\n\n"
        f"_本页由 `python -m yusuan.audit.docs` 从规则注册表生成，请勿手工修改。_\n"
    )


def index_page(rules: dict[str, Rule]) -> str:
    lines = ["# 检查规则（yusuan check）", "",
             "四舍五入容差按印刷精度计算：n 个保留两位小数的数相加，"
             "与其合计最多可差 n × 0.005（再加合计本身的 0.005）。",
             "容差内的差异从不报为错误。", ""]
    family = None
    for code, r in rules.items():
        if r.family != family:
            family = r.family
            lines += ["", f"## {family} {FAMILIES[family]}", "", "| 代码 | 级别 | 说明 |", "|---|---|---|"]
        lines.append(f"| [{code}]({code}.md) | {SEVERITY_ZH[r.severity]} | {r.summary} |")
    return "\n".join(lines) + "\n"


def write_docs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rules = all_rules()
    written = []
    for code, r in rules.items():
        p = folder / f"{code}.md"
        p.write_text(rule_page(r), encoding="utf-8")
        written.append(p)
    index = folder / "README.md"
    index.write_text(index_page(rules), encoding="utf-8")
    return [index, *written]


if __name__ == "__main__":
    out = write_docs(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/rules"))
    print(f"wrote {len(out)} files")
