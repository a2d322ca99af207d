"""Check reports in every format: findings by severity (error, warning, info), then in document
order, each with its page and the printed words it is about."""

from __future__ import annotations

import csv
import io
import json

from tests.audit_builders import D, R, T
from yusuan.audit import CheckReport
from yusuan.audit.report import DocumentReport
from yusuan.model import Finding, Location, Severity, Source
from yusuan.report.findings import render_csv, render_json, render_text
from yusuan.report.html import render_html


def _finding(rule: str, severity: Severity, page: int, quote: str) -> Finding:
    return Finding(rule, severity, f"{rule} 的说明。", Location("t", source=Source(line=page * 10, page=page)),
                   quote=quote)


def _report() -> CheckReport:
    findings = (
        _finding("TXT001", Severity.WARNING, 5, "减少了该项支出。。"),
        _finding("COD002", Severity.INFO, 1, "30108 机关事业单位养老金"),
        _finding("SUM001", Severity.ERROR, 9, "总计 227.26"),
        _finding("TPL002", Severity.WARNING, 2, "增加(减少)"),
        _finding("COV002", Severity.ERROR, 3, ""),
    )
    d = D(T("expenditure", R("TOTAL", "总计", total="1.00")))
    return CheckReport((DocumentReport("t", "t.txt", d, findings),))


def test_text_orders_by_severity_then_page_and_quotes_the_words() -> None:
    text = render_text(_report())
    order = [text.index(r) for r in ("COV002", "SUM001", "TPL002", "TXT001", "COD002")]
    assert order == sorted(order)
    assert "第 5 页" in text and "原文：“减少了该项支出。。”" in text


def test_json_csv_and_html_carry_order_page_and_quote() -> None:
    doc = json.loads(render_json(_report()))["documents"][0]
    assert [f["rule"] for f in doc["findings"]] == ["COV002", "SUM001", "TPL002", "TXT001", "COD002"]
    assert doc["findings"][3]["location"]["page"] == 5 and doc["findings"][3]["quote"] == "减少了该项支出。。"
    rows = list(csv.DictReader(io.StringIO(render_csv(_report()))))
    assert [r["rule"] for r in rows] == ["COV002", "SUM001", "TPL002", "TXT001", "COD002"]
    assert rows[2]["quote"] == "增加(减少)" and rows[2]["page"] == "2"
    page = render_html(_report())
    assert page.index("COV002") < page.index("TXT001") < page.index("COD002")
    assert "<q>增加(减少)</q>" in page
