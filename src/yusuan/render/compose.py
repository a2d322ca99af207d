"""Compose the whole disclosure in the standard structure of a style: 目录, 单位概况, every
required table (an empty one with its 空表说明), 情况说明, 名词解释."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from yusuan.model import (
    CatalogueEntry,
    Disclosure,
    DocKind,
    MoneyUnit,
    NarrativeSection,
    PerformanceTarget,
    Row,
    Table,
)
from yusuan.render.derive import fiscal_summary_table, summary_table, total_row
from yusuan.render.document import Block, Cover, Heading, Paragraph, Span, TableView, Toc, TocEntry
from yusuan.render.gaps import Gap, Gaps
from yusuan.render.inputs import RenderInput, Subject
from yusuan.render.narrative import Narrative, Writer, chinese_number
from yusuan.render.styles import Style, TableSpec
from yusuan.render.tables import layout_table
from yusuan.text import printed_chinese

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
    gaps: tuple[Gap, ...] = ()  # inputs missing, printed with their fallback wording


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


def _nothing(row: Row | None, *keys: str) -> bool:
    return row is not None and not any(row.values.get(k) for k in keys)


def known_empty(d: Disclosure, table_id: str) -> bool:
    """A table the input lacks, but whose emptiness follows from the tables it has (no
    政府性基金 income: no 政府性基金 spending) or from its own catalogue (是否空表: 是)."""
    if any(e.table_id == table_id and e.empty for e in d.catalogue):
        return True
    income = total_row(d.table("income"))
    if table_id == "gov_fund":
        return _nothing(income, "gov_fund", "gov_fund_transfer")
    if table_id == "state_capital":
        return _nothing(income, "state_capital", "state_capital_transfer")
    if table_id == "carryover":
        return _nothing(income, "carryover")
    if table_id == "gpb_project":
        return _nothing(total_row(d.table("gpb_expenditure")), "project")
    return False


def _catalogue_reason(d: Disclosure, table_id: str) -> str | None:
    return next((e.reason for e in d.catalogue if e.table_id == table_id and e.empty and e.reason), None)


def _table_views(data: RenderInput, style: Style, scope: str, anchors: _Anchors,
                 gaps: Gaps) -> tuple[list[TableView], list[CatalogueEntry], list[Table]]:
    d = data.disclosure
    org = d.meta.unit_name or ""
    ordered: list[tuple[Table, TableSpec | None]] = []
    for spec in style.tables:
        title = style.title(spec, d.meta.year, scope)
        table = d.table(spec.id) or _derived(d, spec.id, title, style)
        if table is None:
            table = _empty_table(spec, title, style)
            if known_empty(d, spec.id):
                table = replace(table, empty_reason=_catalogue_reason(d, spec.id))
            else:  # nothing says whether it is empty: a gap, not "为空表"
                table = replace(table, empty_reason=gaps.missing("table", title))
        ordered.append((table, spec))
    ordered += [(t, None) for t in d.tables if style.spec(t.id) is None]
    views, entries, printed = [], [], []
    for i, (table, spec) in enumerate(ordered, start=1):
        title = style.title(spec, d.meta.year, scope) if spec else table.title
        number = f"表{i}" if not style.year_in_title else str(i)
        empty = table.empty or not table.rows
        note = _empty_note(d, table, spec, title) if empty else None
        views.append(layout_table(table, spec, number, title, org, note, anchors.next()))
        entries.append(CatalogueEntry(number=number, title=title, table_id=table.id, empty=empty, reason=note))
        printed.append(replace(table, title=title, number=number, empty=empty, empty_reason=note))
    return views, entries, printed


def _profile_blocks(d: Disclosure, which: str, gaps: Gaps) -> list[Block]:
    """主要职能, one paragraph per item."""
    name = d.meta.unit_name or "本单位"
    if d.profile.functions:
        return [Paragraph(printed_chinese(f)) for f in d.profile.functions]
    return [Paragraph(gaps.missing("functions", name=name))]


def _none(items: tuple[str, ...]) -> tuple[str, ...]:
    """A list the preparer marked as empty ("无") holds nothing."""
    return () if [i.strip() for i in items] in (["无"], ["没有"]) else items


def _organisation(d: Disclosure, heading: str, gaps: Gaps) -> tuple[list[Block], NarrativeSection]:
    """机构设置 and 人员情况: the paragraphs, and the section recording their counts."""
    p = d.profile
    name = d.meta.unit_name or "本单位"
    w = Writer(RenderInput(d), MoneyUnit.WAN)
    out: list[Block] = []
    departments = tuple(printed_chinese(x) for x in _none(p.departments))
    subordinates = tuple(printed_chinese(x) for x in _none(p.subordinates))
    if p.departments or p.subordinates:
        deps = f"内设机构{len(departments)}个：{'、'.join(departments)}" if departments else "未设内设机构"
        subs = f"下属单位{len(subordinates)}个：{'、'.join(subordinates)}" if subordinates else "无下属单位"
        out.append(Paragraph(f"{name}{deps}；{subs}。"))
    else:
        out.append(Paragraph(gaps.missing("organisation", name=name)))
    s = p.staffing
    parts = [w.count(label, value, "人", "" if label == "编制数" else None)
             for label, value in (("编制数", s.authorized), ("实有人数", s.actual)) if value is not None]
    detail = [w.count(label, v, "人") for label, v in (("在职", s.in_service), ("退休", s.retired),
                                                      ("离休", s.retired_early)) if v is not None]
    if parts or detail:
        out.append(Paragraph(f"{name}" + "，".join(parts) + (f"，其中：{'；'.join(detail)}" if detail else "") + "。"))
    out += [Paragraph(printed_chinese(c)) for c in s.changes]
    section = w.section(heading, "profile")[0]
    return out, replace(section, text="\n".join(b.text for b in out if isinstance(b, Paragraph)))


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
        spans = tuple(Span(r, 1, 1, 4) for r in range(len(body) - 1))  # a label's value across the row
        body += [(i.level1, i.level2, i.level3, i.value, "" if i.weight is None else str(i.weight))
                 for i in t.indicators]
        out.append(TableView("", title, "", "", (), tuple(body), body_spans=spans,
                             widths=(9.0, 7.0, 16.0, 9.0, 5.0)))
    return out


def _numbered(i: int) -> str:
    return f"{chinese_number(i)}、"


def scope_word(d: Disclosure) -> str:
    """部门 for a 一级预算单位's 部门预算, else 单位: one wording throughout the document."""
    return "部门" if d.meta.scope == "部门" else "单位"


def kind_word(d: Disclosure) -> str:
    return "决算" if d.meta.kind == DocKind.FINAL else "预算"


class _Anchors:
    """Ids for the 目录's targets, in document order."""

    def __init__(self) -> None:
        self.n = 0

    def next(self) -> str:
        self.n += 1
        return f"s{self.n}"


def compose(data: RenderInput, style: Style, dropped: frozenset[Subject] = frozenset(),
            today: date | None = None) -> Composed:
    """The whole document. ``dropped``: subjects whose stated reason is left out (it
    contradicts the data); ``today`` dates the document when the input gives no date."""
    d = data.disclosure
    unit = d.meta.narrative_unit or style.narrative_unit
    scope, kind = scope_word(d), kind_word(d)
    name, year = d.meta.unit_name or "本单位", d.meta.year or ""
    today = today or date.today()
    gaps = Gaps({"name": name, "year": str(year), "today": f"{today.year}年{today.month}月{today.day}日"})
    anchors = _Anchors()
    views, entries, printed = _table_views(data, style, scope, anchors, gaps)
    # The narrative restates the tables as printed, the computed summaries included.
    n = Narrative(replace(data, disclosure=replace(d, tables=tuple(printed))), unit, scope, gaps, dropped)
    by_id = {e.table_id: v.title for e, v in zip(entries, views, strict=True)}

    def t(table_id: str, fallback: str) -> str:
        return by_id.get(table_id, fallback)

    sections: list[tuple[str, Callable[[str], NarrativeSection]]]
    if style.name == "shanghai":
        sections = [(f"{year}年{scope}预算编制说明", n.budget_statement)]
        others = [
            (f"{year}年“三公”经费预算情况说明", n.three_public),
            ("机关运行经费情况", n.operating),
            ("政府采购预算情况", n.procurement),
            ("国有资产占有使用情况", n.assets),
            ("绩效目标设置情况", n.performance),  # last: its target tables follow it
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
            (f"{scope}运行经费情况" if scope == "单位" else "机关运行经费情况", n.operating),
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
    profile_heading = f"二、{scope}机构设置" if style.name == "shanghai" else "二、机构设置及人员情况"
    org_blocks, profile = _organisation(d, profile_heading, gaps)
    narrative = (profile, *(x for _, s in built for x in s), *(x for _, s in built_others for x in s),
                 glossary_section)

    def paragraphs(sections: tuple[NarrativeSection, ...], level: int = 3) -> list[Block]:
        """A section's text; its sub-sections under headings of ``level``."""
        out: list[Block] = []
        for i, sec in enumerate(sections):
            if i:
                out.append(Heading(sec.heading, level))
            out += [Paragraph(line) for line in sec.text.split("\n") if line]
        return out

    def others_blocks() -> list[Block]:
        out: list[Block] = []
        for heading, sections in built_others:
            out += [Heading(heading, 3), *paragraphs(sections, 4)]
            if sections[0].topic == "performance" and d.performance:
                out += _performance_blocks(d.performance, name)
        if note:
            out += [Heading(f"（{chinese_number(len(built_others) + 1)}）其他需说明的事项", 3), Paragraph(note)]
        return out

    glossary = [Paragraph(f"{_numbered(i)}{term}：{text}") for i, (term, text) in enumerate(GLOSSARY, start=1)]
    body: list[Block] = []

    def part(text: str) -> None:
        body.append(Heading(text, 1, anchors.next()))

    def section(text: str) -> None:
        body.append(Heading(text, 2, anchors.next()))

    if style.name == "shanghai":
        part(f"{year}年{name}{scope}预算")
        section(f"一、{scope}主要职能")
        body.extend(_profile_blocks(d, "functions", gaps))
        section(profile_heading)
        body.extend(org_blocks)
        section("三、名词解释")
        body.extend(glossary)
        section(f"四、{year}年{scope}预算编制说明")
        for _, secs in built:  # one statement under the part heading
            body.extend(paragraphs(secs))
        part(f"五、{scope}预算表")
        body.extend(views)
        part(f"六、{other_title}")
        body.extend(others_blocks())
    else:
        part(f"第一部分 {year}年{scope}概况")
        section("一、主要职能")
        body.extend(_profile_blocks(d, "functions", gaps))
        section(profile_heading)
        body.extend(org_blocks)
        part(f"第二部分 {year}年{scope}{kind}公开表")
        body.extend(views)
        part(f"第三部分 {year}年{scope}{kind}情况说明")
        for heading, secs in built:
            section(heading)
            body.extend(paragraphs(secs))
        section(other_heading)
        body.extend(others_blocks())
        part("第四部分 名词解释")
        body.extend(glossary)
    dated = data.notes.get("date", "").strip() or gaps.missing("date")
    body += [Paragraph(name, align="right"), Paragraph(dated, align="right")]
    toc = Toc(tuple(_toc_entries(body)))
    blocks: list[Block] = [Cover(name, f"{year}年{scope}{kind}", dated), toc, *body]
    operating = next((f for s in narrative if s.topic == "operating" for f in s.figures), None)
    rendered = replace(d, tables=tuple(printed), narrative=narrative, catalogue=tuple(entries),
                       operating_cost=operating or d.operating_cost)
    return Composed(tuple(blocks), rendered, tuple(gaps.found))


def _toc_entries(body: list[Block]) -> list[TocEntry]:
    out: list[TocEntry] = []
    tables = 0
    for b in body:
        if isinstance(b, Heading) and b.anchor:
            out.append(TocEntry(b.text, b.level, b.anchor))
        elif isinstance(b, TableView) and b.anchor:
            tables += 1
            out.append(TocEntry(f"{_numbered(tables)}{b.title}", 2, b.anchor))
    return out
