"""Failing and passing fixtures for the wording, template and code rules (TXT, TPL002–3, COD),
merged into ``tests.test_audit_rules.CASES``. A fixture returns a Disclosure, or a Disclosure
and its source text (line number, text) for rules that confirm a reading in the source."""

from __future__ import annotations

from collections.abc import Callable

from tests.audit_builders import D, R, S, T
from yusuan.model import Disclosure, NarrativeSection, Source

Lines = tuple[tuple[int, str], ...]
Fixture = Callable[[], Disclosure | tuple[Disclosure, Lines]]


def _said(text: str, heading: str = "一、收支预算总体情况说明", **meta: object) -> Disclosure:
    return D(narrative=(S("overview", heading=heading, text=text),), **meta)  # type: ignore[arg-type]


def with_source(*blocks: tuple[str, str], **meta: object) -> tuple[Disclosure, Lines]:
    """A narrative of (heading, text) sections, and the source text it was read from, one line
    per heading and per paragraph."""
    sections, lines = [], []
    for heading, text in blocks:
        lines.append((len(lines) + 1, heading))
        start = len(lines)
        lines += [(len(lines) + 1, para) for para in text.split("\n") if para]
        sections.append(NarrativeSection(heading, "overview", text, (), Source(line=start)))
    return D(narrative=tuple(sections), **meta), tuple(lines)  # type: ignore[arg-type]


def _numbered(third: str) -> tuple[Disclosure, Lines]:
    return with_source(("一、收入预算情况说明", "收入 1.00 万元。"), ("二、支出预算情况说明", "支出 1.00 万元。"),
                       (third, "政府采购预算 0 万元。"))


def _cut(end: str) -> tuple[Disclosure, Lines]:
    return with_source(("十、政府性基金预算支出情况说明", f"政府性基金支出 0 万元，与上年相比增加 0 万元，{end}"),
                       ("十一、机关运行经费支出情况说明", "机关运行经费 1.00 万元。"))


def _econ(*rows: tuple[str, str]) -> Disclosure:
    return D(T("gpb_basic_econ", R("302", "商品和服务支出", total="3.00"),
               *(R(code, name, total="1.00") for code, name in rows)))


WORDING_CASES: dict[str, tuple[Fixture, Fixture]] = {
    "TPL002": (lambda: _said("政府性基金收入预算0万元，与上年相比增加（减少）0万元，增长（减少）0%。"),
               lambda: _said("“三公”经费比上年减少0.15万元，下降27.78%。")),
    "TPL003": (lambda: _said("主要包括：基本工资、津贴补贴。（按“部门预算公开06表 财政拨款基本支出预算表”中实际发生"
                             "经济分类支出事项填写）"),
               lambda: _said("主要包括：基本工资、津贴补贴。采购品目按《政府采购品目分类目录》填写。")),
    "TXT001": (lambda: _said("相关支出由社保部门统一发放，减少了该项支出。。"),
               lambda: _said("相关支出由社保部门统一发放，减少了该项支出。")),
    "TXT002": (lambda: _said("平均得分99.33分（其中，绩效评级为“优”的项目39个；发现问题0个。"),
               lambda: _said("平均得分99.33分（其中，绩效评级为“优”的项目39个），发现问题0个。")),
    "TXT003": (lambda: _said("本局无下属单位。", heading="第一部分 2025年单位概况", scope="部门"),
               lambda: _said("纳入本部门预算的预算单位 2 个，下属单位 1 个。", heading="第一部分 2025年部门概况",
                             scope="部门")),
    "TXT004": (lambda: _numbered("四、政府采购情况说明"), lambda: _numbered("三、政府采购情况说明")),
    "TXT005": (lambda: _cut("增长（"), lambda: _cut("增长0%。")),
    "TXT006": (lambda: _said("资金执行时间：2024年1月1日至2024年12月31日。", heading="五、实施周期"),
               lambda: _said("资金执行时间：2025年1月1日至2025年12月31日。", heading="五、实施周期")),
    "COD001": (lambda: D(T("gpb_expenditure", R("210", "卫生健康支出", total="1.00"),
                           R("71102", "事业单位医疗", total="1.00"))),
               lambda: D(T("gpb_expenditure", R("210", "卫生健康支出", total="1.00"),
                           R("2101102", "事业单位医疗", total="1.00"), R("2101550", "事业运行", total="1.00")))),
    "COD002": (lambda: _econ(("30108", "机关事业单位养老金")),
               lambda: _econ(("30108", "机关事业单位基本养老保险缴费"))),
    "COD003": (lambda: D(T("summary", R("210", "医疗卫生与计划生育支出", "expenditure", total="1.00")), year=2024),
               lambda: D(T("summary", R("210", "医疗卫生与计划生育支出", "expenditure", total="1.00")), year=2018)),
    "COD004": (lambda: _econ(("30202", "咨询费"), ("30203", "水费")),
               lambda: _econ(("30202", "印刷费"), ("30203", "咨询费"))),
}
