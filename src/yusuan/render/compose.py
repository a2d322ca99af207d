"""Compose the whole disclosure in the standard structure of a style: 目录, 单位概况, every
required table (an empty one with its 空表说明), 情况说明, 名词解释."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from yusuan.model import CatalogueEntry, Disclosure, NarrativeSection, PerformanceTarget, Table
from yusuan.render.derive import fiscal_summary_table, summary_table
from yusuan.render.document import Block, Heading, PageBreak, Paragraph, TableView
from yusuan.render.inputs import RenderInput
from yusuan.render.narrative import Narrative, chinese_number
from yusuan.render.styles import Style, TableSpec
from yusuan.render.tables import layout_table

GLOSSARY: tuple[tuple[str, str], ...] = (
    ("财政拨款", "指由一般公共预算、政府性基金预算、国有资本经营预算安排的财政拨款数。"),
    ("一般公共预算", "包括公共财政拨款（补助）资金、专项收入。"),
    ("财政专户管理资金", "包括专户管理行政事业性收费（主要是教育收费）、其他非税收入。"),
    ("单位资金", "包括事业收入、事业单位经营收入、上级补助收入、附属单位上缴收入和其他收入等。"),
    ("基本支出", "包括人员经费、公用经费。其中，人员经费包括工资福利支出、对个人和家庭的补助。"),
    ("项目支出", "指单位为完成特定的行政任务或事业发展目标，在基本支出之外编制的年度项目支出计划。"),
    ("“三公”经费", "指单位用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"),
    ("机关运行经费", "指行政单位（含参照公务员法管理的事业单位）使用一般公共预算财政拨款安排的基本支出中的"
                   "日常公用经费支出。"),
)


@dataclass(frozen=True)
class Composed:
    blocks: tuple[Block, ...]
    disclosure: Disclosure  # the input with the generated narrative and catalogue


def _empty_table(spec: TableSpec, title: str, style: Style) -> Table:
    from yusuan.model import Column

    return Table(id=spec.id, title=title, number=None, unit=style.table_unit,
                 columns=tuple(Column(c.key, c.header) for c in spec.columns), rows=(), empty=True)


def _derived(d: Disclosure, table_id: str, title: str, style: Style) -> Table | None:
    """The summary tables follow from the detailed ones when the input lacks them."""
    income = d.table("income")
    unit = income.unit if income else style.table_unit
    if table_id == "summary":
        table = summary_table(income, d.table("expenditure"), title, unit)
    elif table_id == "fiscal_summary":
        funds = {"general_budget": d.table("gpb_expenditure"), "gov_fund": d.table("gov_fund"),
                 "state_capital": d.table("state_capital")}
        table = fiscal_summary_table(income, funds, title, unit)
    else:
        return None
    return table if table.rows else None


def _empty_note(d: Disclosure, table: Table, spec: TableSpec | None, title: str) -> str:
    if table.empty_reason:
        return table.empty_reason
    name, year = d.meta.unit_name or "本单位", d.meta.year or ""
    subject = spec.empty_subject if spec and spec.empty_subject else "相关预算安排"
    return f"{name}{year}年没有{subject}，{title}为空表。"


def _table_views(data: RenderInput, style: Style) -> tuple[list[TableView], list[CatalogueEntry], list[Table]]:
    d = data.disclosure
    org = d.meta.unit_name or ""
    ordered: list[tuple[Table, TableSpec | None]] = []
    for spec in style.tables:
        title = style.title(spec, d.meta.year)
        table = d.table(spec.id) or _derived(d, spec.id, title, style) or _empty_table(spec, title, style)
        ordered.append((table, spec))
    ordered += [(t, None) for t in d.tables if style.spec(t.id) is None]
    views, entries, printed = [], [], []
    for i, (table, spec) in enumerate(ordered, start=1):
        title = style.title(spec, d.meta.year) if spec else table.title
        number = f"表{i}" if not style.year_in_title else str(i)
        empty = table.empty or not table.rows
        note = _empty_note(d, table, spec, title) if empty else None
        views.append(layout_table(table, spec, number, title, org, note))
        entries.append(CatalogueEntry(number=number, title=title, table_id=table.id, empty=empty, reason=note))
        printed.append(replace(table, title=title, number=number, empty=empty, empty_reason=note))
    return views, entries, printed


def _profile_blocks(d: Disclosure, functions_heading: str, org_heading: str) -> list[Block]:
    out: list[Block] = [Heading(functions_heading, 2)]
    p = d.profile
    name = d.meta.unit_name or "本单位"
    out += [Paragraph(f) for f in p.functions] or [Paragraph(f"{name}未填报主要职能。")]
    out.append(Heading(org_heading, 2))
    subs = f"下属单位{len(p.subordinates)}个：{'、'.join(p.subordinates)}" if p.subordinates else "无下属预算单位"
    deps = f"下设{len(p.departments)}个科室，分别是：{'、'.join(p.departments)}" if p.departments else "未设内设科室"
    out.append(Paragraph(f"{name}{subs}，{deps}。"))
    s = p.staffing
    parts = []
    for label, value, suffix in (("编制数", s.authorized, ""), ("实有人数", s.actual, "人")):
        if value is not None:
            parts.append(f"{label}{value}{suffix}")
    detail = [f"{label}{v}人" for label, v in (("在职", s.in_service), ("退休", s.retired), ("离休", s.retired_early))
              if v is not None]
    if parts or detail:
        out.append(Paragraph(f"{name}" + "，".join(parts) + (f"，其中：{'；'.join(detail)}" if detail else "") + "。"))
    out += [Paragraph(c) for c in s.changes]
    return out


def _performance_blocks(targets: tuple[PerformanceTarget, ...], unit_name: str) -> list[Block]:
    out: list[Block] = []
    for t in targets:
        title = "单位整体绩效目标表" if t.scope == "unit" else "项目支出绩效目标表"
        head = (("单位名称" if t.scope == "unit" else "项目名称", t.name or unit_name),)
        amount = (("年度预算（万元）" if t.scope == "unit" else "项目资金（万元）", str(t.amount)),) \
            if t.amount is not None else ()
        goal = (("年度绩效目标" if t.scope == "unit" else "项目总体目标", t.goal),) if t.goal else ()
        body = [(*pair, "", "", "") for pair in (*head, *amount, *goal)]
        body.append(("一级指标", "二级指标", "三级指标", "指标值", "分值权重"))
        body += [(i.level1, i.level2, i.level3, i.value, "" if i.weight is None else str(i.weight))
                 for i in t.indicators]
        out.append(TableView("", title, "", "", (), tuple(body)))
    return out


def _numbered(i: int) -> str:
    return f"{chinese_number(i)}、"


def compose(data: RenderInput, style: Style) -> Composed:
    d = data.disclosure
    unit = d.meta.narrative_unit or style.narrative_unit
    n = Narrative(data, unit)
    name, year = d.meta.unit_name or "本单位", d.meta.year or ""
    views, entries, printed = _table_views(data, style)
    titles = {v.number: v.title for v in views}
    by_id = {e.table_id: titles[e.number or ""] for e in entries}

    def t(table_id: str, fallback: str) -> str:
        return by_id.get(table_id, fallback)

    sections: list[tuple[str, Callable[[str], NarrativeSection]]]
    if style.name == "shanghai":
        sections = [(f"{year}年单位预算编制说明", n.budget_statement)]
        others = [
            (f"{year}年“三公”经费预算情况说明", n.three_public),
            ("机关运行经费预算", n.operating),
            ("政府采购预算情况", n.procurement),
            ("绩效目标设置情况", n.performance),
            ("国有资产占有使用情况", n.assets),
        ]
    else:
        sections = [
            (n._about("收支预算情况的总体说明"), n.overview),
            (n._about("收入预算情况说明"), n.income),
            (n._about("支出预算情况说明"), n.expenditure),
            (n._about("财政拨款收支预算情况的总体说明"), n.fiscal),
            (n._about("一般公共预算当年拨款情况说明"), n.gpb),
            (n._about("一般公共预算基本支出情况说明"), n.gpb_basic),
            (n._about("一般公共预算项目支出情况说明"), n.gpb_project),
            (n._about("政府性基金预算拨款情况说明"),
             lambda h: n.fund(h, "gov_fund", "gov_fund", "政府性基金预算", t("gov_fund", "政府性基金预算支出情况表"))),
            (n._about("国有资本经营预算拨款情况说明"),
             lambda h: n.fund(h, "state_capital", "state_capital", "国有资本经营预算",
                              t("state_capital", "国有资本经营预算支出情况表"))),
            (n._about("财政拨款“三公”经费预算情况说明"), n.three_public),
            (n._about("上年结转结余预算情况说明"), lambda h: n.carryover(h, t("carryover", "上年结转结余情况明细表"))),
        ]
        others = [
            ("单位运行经费情况", n.operating),
            ("政府采购情况", n.procurement),
            ("国有资产占用使用情况", n.assets),
            ("预算绩效情况", n.performance),
        ]
    built = [(_numbered(i) + h, fn(_numbered(i) + h)) for i, (h, fn) in enumerate(sections, start=1)]
    other_title = "其他相关情况说明" if style.name == "shanghai" else "其他重要事项的情况说明"
    other_heading = _numbered(len(built) + 1) + other_title
    built_others = [(f"（{chinese_number(i)}）{h}", fn(f"（{chinese_number(i)}）{h}"))
                    for i, (h, fn) in enumerate(others, start=1)]
    note = data.notes.get("other", "").strip()
    glossary_section = NarrativeSection(heading="名词解释", topic="glossary",
                                        text="\n".join(f"{term}：{text}" for term, text in GLOSSARY))
    narrative = tuple(s for _, s in built) + tuple(s for _, s in built_others) + (glossary_section,)

    scope = "部门" if d.meta.scope == "部门" else "单位"  # a 一级预算单位 publishes 部门预算
    blocks: list[Block] = [Heading(f"{name}{year}年{scope}预算公开", 0)]
    # 目录
    blocks.append(Heading("目录", 1))
    if style.name == "shanghai":
        parts = ["一、单位主要职能", "二、单位机构设置", "三、名词解释", "四、单位预算编制说明", "五、单位预算表",
                 *(f"  {v.number}. {v.title}" for v in views), "六、其他相关情况说明"]
    else:
        parts = [f"第一部分 {year}年单位概况", "一、主要职能", "二、机构设置及人员情况",
                 f"第二部分 {year}年单位预算公开表", *(f"{_numbered(i)}{v.title}" for i, v in enumerate(views, 1)),
                 f"第三部分 {year}年单位预算情况说明", *(h for h, _ in built), other_heading, "第四部分 名词解释"]
    blocks += [Paragraph(p) for p in parts]
    blocks.append(PageBreak())

    def table_blocks() -> list[Block]:
        out: list[Block] = []
        for v in views:
            out.append(v)
        return out

    def narrative_blocks() -> list[Block]:
        out: list[Block] = []
        for heading, section in built:
            out.append(Heading(heading, 2))
            out += [Paragraph(line) for line in section.text.split("\n") if line]
        out.append(Heading(other_heading, 2))
        for heading, section in built_others:
            out.append(Heading(heading, 3))
            out += [Paragraph(line) for line in section.text.split("\n") if line]
            if section.topic == "performance":
                out += _performance_blocks(d.performance, name)
        out.append(Heading(f"（{chinese_number(len(built_others) + 1)}）其他需说明的事项", 3))
        out.append(Paragraph(note or "本单位无其他需说明事项。"))
        return out

    glossary = [Paragraph(f"{_numbered(i)}{term}：{text}") for i, (term, text) in enumerate(GLOSSARY, start=1)]
    if style.name == "shanghai":
        blocks += _profile_blocks(d, "一、单位主要职能", "二、单位机构设置")
        blocks += [Heading("三、名词解释", 2), *glossary]
        blocks += [Heading(f"四、{year}年单位预算编制说明", 2)]
        for _, section in built:  # one statement under the part heading
            blocks += [Paragraph(x) for x in section.text.split("\n") if x]
        blocks += [PageBreak(), Heading("五、单位预算表", 1), *table_blocks(), PageBreak()]
        blocks += [Heading("六、其他相关情况说明", 2)]
        for heading, section in built_others:
            blocks += [Heading(heading, 3), *(Paragraph(x) for x in section.text.split("\n") if x)]
            if section.topic == "performance":
                blocks += _performance_blocks(d.performance, name)
    else:
        blocks.append(Heading(f"第一部分 {year}年单位概况", 1))
        blocks += _profile_blocks(d, "一、主要职能", "二、机构设置及人员情况")
        blocks += [PageBreak(), Heading(f"第二部分 {year}年单位预算公开表", 1), *table_blocks(), PageBreak()]
        blocks += [Heading(f"第三部分 {year}年单位预算情况说明", 1), *narrative_blocks(), PageBreak()]
        blocks += [Heading("第四部分 名词解释", 1), *glossary]
    blocks += [Paragraph(name, align="right")]
    if data.notes.get("date"):
        blocks.append(Paragraph(data.notes["date"], align="right"))
    operating = next((f for s in narrative if s.topic == "operating" for f in s.figures), None)
    rendered = replace(d, tables=tuple(printed), narrative=narrative, catalogue=tuple(entries),
                       operating_cost=operating or d.operating_cost)
    return Composed(tuple(blocks), rendered)
