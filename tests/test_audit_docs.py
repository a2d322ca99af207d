"""docs/rules is generated from the registry and kept in sync."""

from __future__ import annotations

from pathlib import Path

from yusuan.audit.docs import index_page, rule_page
from yusuan.audit.registry import all_rules

DOCS = Path(__file__).parent.parent / "docs" / "rules"


def test_rule_docs_are_up_to_date() -> None:
    rules = all_rules()
    assert (DOCS / "README.md").read_text(encoding="utf-8") == index_page(rules)
    for code, r in rules.items():
        assert (DOCS / f"{code}.md").read_text(encoding="utf-8") == rule_page(r), (
            f"docs/rules/{code}.md is stale: run python -m yusuan.audit.docs docs/rules")
