"""The 情况说明, generated from the tables: every amount, share and change is computed from
the data (shares = amount / total, changes from last year's figures), in the phrasing of
official disclosures, with the preparer's reasons. Each sentence with an amount is also
returned as a ``Figure`` that says which table cell it restates."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from yusuan.codes import level_of, lookup
from yusuan.model import Change, Claim, Figure, MoneyUnit, NarrativeSection, Row, Table
from yusuan.parsing.links import cell_row
from yusuan.render.derive import class_rows, total_row
from yusuan.render.gaps import Gaps
from yusuan.render.inputs import OPERATING, Prior, RenderInput, Subject
from yusuan.render.styles import FISCAL_ITEMS, INCOME_ITEMS, THREE_PUBLIC_ROWS, fiscal_parts
from yusuan.text import printed_chinese

CENT = Decimal("0.01")
Sections = tuple[NarrativeSection, ...]  # a section and its sub-sections
_TO_WAN = Decimal(10000)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    return q2(part / whole * 100) if whole else None


def convert(value: Decimal, source: MoneyUnit | None, target: MoneyUnit) -> Decimal:
    """A table amount in the narrative's unit, rounded to the cent as narratives print."""
    if source == MoneyUnit.YUAN and target == MoneyUnit.WAN:
        return q2(value / _TO_WAN)
    if source == MoneyUnit.WAN and target == MoneyUnit.YUAN:
        return q2(value * _TO_WAN)
    return q2(value)


@dataclass
class Writer:
    """Builds sentences and their figures for one section."""

    data: RenderInput
    unit: MoneyUnit
    gaps: Gaps = field(default_factory=Gaps)
    dropped: frozenset[Subject] = frozenset()  # subjects whose stated reason contradicts the data
    figures: list[Figure] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    done: list[tuple[str, list[str], list[Figure], list[Claim]]] = field(default_factory=list)  # closed subs
    heading: str = ""

    @property
    def u(self) -> str:
        return self.unit.value

    def amount(self, table: Table | None, value: Decimal) -> Decimal:
        return convert(value, table.unit if table else self.unit, self.unit)

    def prior(self, subject: Subject) -> Prior | None:
        p = self.data.prior.get(subject)
        if p is None or p.amount is None:
            return p
        return Prior(convert(p.amount, self.data.prior_unit, self.unit), p.reason)

    def change(self, amount: Decimal, subject: Subject | None,
               label: str = "") -> tuple[str, Change | None, str | None]:
        """The comparison with last year: "，比上年预算增加 x 万元，增长 y%，主要原因是…". A
        missing prior figure or reason is a gap (the clause is left out); a reason that
        contradicts the data (``dropped``) is left out and reported by the render."""
        if subject is None:
            return "", None, None
        p = self.prior(subject)
        if p is None or p.amount is None:
            self.gaps.missing("prior", label, subject)
            return "", None, None
        diff = amount - p.amount
        reason = printed_chinese(p.reason).rstrip("。") if p.reason and subject not in self.dropped else None
        if diff and not reason and subject not in self.dropped:
            self.gaps.missing("reason", label, subject)
        tail = f"，主要原因是{reason}" if reason else ""
        if diff == 0:  # printed without amounts, as the claims record it: a change of 0
            return f"，与上年预算持平{tail}", Change("flat", None, None), reason
        word, grow = ("增加", "增长") if diff > 0 else ("减少", "下降")
        pct = q2(abs(diff) / p.amount * 100) if p.amount else None
        text = f"，比上年预算{word}{q2(abs(diff))}{self.u}"
        if pct is not None:
            text += f"，{grow}{pct}%"
        return text + tail, Change("increase" if diff > 0 else "decrease", q2(abs(diff)), pct), reason

    def say(self, subject_text: str, amount: Decimal, *, lead: str = "", whole: Decimal | None = None,
            refers_to: Subject | None = None, after: str = "", with_change: bool = True, end: str = "。",
            prior_key: Subject | None = None) -> None:
        """"{lead}{subject} X 万元，占 s%，比上年预算增加 …，主要原因是 …。"""
        text = f"{lead}{subject_text}{q2(amount)}{self.u}"
        pct = share(amount, whole) if whole is not None else None
        if pct is not None:
            text += f"，占{pct}%"
        meta = self.data.disclosure.meta
        label = lead_label(subject_text.removeprefix(f"{meta.unit_name or ''}{meta.year or ''}年"))
        key = prior_key or refers_to  # last year's figure is filed under the subject's canonical cell
        change_text, change, reason = self.change(amount, key, label) if with_change else ("", None, None)
        sentence = f"{text}{change_text}{after}{end}"
        self.lines.append(sentence)
        self.figures.append(Figure(subject=subject_text.rstrip("：:"), amount=q2(amount), unit=self.unit,
                                   share=pct, change=change, reason=reason, refers_to=refers_to,
                                   sentence=sentence))

    def text(self, line: str) -> None:
        self.lines.append(line)

    def part(self, subject: str, amount: Decimal, refers_to: Subject | None = None) -> str:
        """"{subject}X万元" inside a longer sentence, recorded as a statement of its own."""
        text = f"{subject}{q2(amount)}{self.u}"
        self.figures.append(Figure(subject=subject, amount=q2(amount), unit=self.unit, refers_to=refers_to,
                                   sentence=text))
        return text

    def count(self, subject: str, value: int | Decimal, unit: str, printed_unit: str | None = None) -> str:
        """"{subject}N人" (or 辆, 台, 个), recorded as a count claim."""
        self.claims.append(Claim(quantity="count", value=Decimal(value), unit=unit, subject=subject, note="数量"))
        return f"{subject}{value}{unit if printed_unit is None else printed_unit}"

    def sub(self, heading: str) -> None:
        """Start a sub-section ("（一）…") under the section's heading."""
        self.done.append((self.heading, self.lines, self.figures, self.claims))
        self.heading, self.lines, self.figures, self.claims = heading, [], [], []

    def section(self, heading: str, topic: str) -> tuple[NarrativeSection, ...]:
        """The section and its sub-sections, in order; the first is headed ``heading``."""
        parts = [*self.done, (self.heading, self.lines, self.figures, self.claims)]
        out = []
        for i, (head, lines, figures, claims) in enumerate(parts):
            if i and not (head or lines):
                continue
            title = heading if i == 0 else head
            out.append(NarrativeSection(heading=title, topic=topic, text="\n".join(lines), figures=tuple(figures),
                                        claims=tuple(replace(c, section=title) for c in claims)))
        return tuple(out)


def lead_label(subject_text: str) -> str:
    """The subject of a sentence as a short label for the gap list."""
    return subject_text.split("：")[0].rstrip("：:，,").removesuffix("预算数为").lstrip("的")


def _name_of(row: Row) -> str:
    if row.name:
        return row.name
    code = lookup(row.code)
    return code.name if code else row.code


def _path_name(table: Table, row: Row) -> str:
    """"卫生健康支出（类）医疗保障管理事务（款）行政运行（项）" from the table's own rows."""
    by_code = {r.code: r for r in table.rows}
    parts = []
    levels = ("类", "款", "项")
    for i, length in enumerate((3, 5, 7)):
        if len(row.code) >= length:
            code = row.code[:length]
            r = by_code.get(code)
            known = lookup(code)
            name = _name_of(r) if r else (known.name if known else code)
            parts.append(f"{name}（{levels[i]}）")
    return "".join(parts)


def _ancestors(table: Table, row: Row) -> list[Row]:
    """The row's 类, 款 and 项 rows (itself last), from the table or the code list."""
    by_code = {r.code: r for r in table.rows}
    out = []
    for length in (3, 5, 7):
        if len(row.code) >= length:
            code = row.code[:length]
            known = lookup(code)
            out.append(by_code.get(code) or Row(code=code, name=known.name if known else code, values={}))
    return out


def _leaves(table: Table) -> list[Row]:
    """The most detailed rows: coded rows with no child row in the table."""
    codes = [r.code for r in table.rows if level_of(r.code)]
    return [r for r in table.rows if level_of(r.code) and not any(c != r.code and c.startswith(r.code) for c in codes)]


# --------------------------------------------------------------------------- sections


class Narrative:
    """All sections of 情况说明 for one input; ``unit_name`` and ``year`` go into headings."""

    def __init__(self, data: RenderInput, unit: MoneyUnit, scope: str = "单位", gaps: Gaps | None = None,
                 dropped: frozenset[Subject] = frozenset()) -> None:
        self.data = data
        self.d = data.disclosure
        self.unit = unit
        self.scope = scope
        self.gaps = gaps if gaps is not None else Gaps()
        self.dropped = dropped
        self.name = self.d.meta.unit_name or "本单位"
        self.year = self.d.meta.year or ""

    def _w(self) -> Writer:
        return Writer(self.data, self.unit, self.gaps, self.dropped)

    def _about(self, what: str) -> str:
        return f"关于{self.name}{self.year}年{what}"

    def cell(self, subject: Subject) -> tuple[Table, Decimal] | None:
        """The amount a sentence restates, from the cell it names: (table id, row, column), the
        row by code or key as links name it ("income:TOTAL" on a two-sided table). A blank cell
        in a column the table has is 0; a column the table does not have is unknown (None)."""
        table_id, ref, column = subject
        table = self.d.table(table_id)
        row = cell_row(table, ref, column) if table is not None else None
        if table is None or row is None:
            return None
        if column in row.values:
            return table, row.values[column]
        if any(c.key == column for c in table.columns) and row.values:
            return table, Decimal(0)
        return None

    def matching(self, amount: Decimal, *subjects: Subject) -> Subject | None:
        """The first of ``subjects`` whose printed cell holds ``amount`` (in the narrative unit):
        the cell a sentence restates when the document prints that quantity in a table."""
        for subject in subjects:
            found = self.cell(subject)
            if found is not None and convert(found[1], found[0].unit, self.unit) == q2(amount):
                return subject
        return None

    def first_cell(self, *subjects: Subject) -> tuple[Subject, Table, Decimal] | None:
        """The first of several cells holding the same quantity that the data has."""
        for subject in subjects:
            found = self.cell(subject)
            if found is not None:
                return subject, *found
        return None

    def budget_statement(self, heading: str) -> Sections:
        """The Shanghai 单位预算编制说明: income and spending with the fiscal part and its
        changes, then the fiscal spending by 项 科目."""
        w = self._w()
        income = self.d.table("income")
        inc = total_row(income)
        if inc is None or "total" not in inc.values:
            w.text(self.gaps.missing("table", "收入预算"))
            return w.section(heading, "overview")
        total = w.amount(income, inc.values["total"])
        w.say(f"{self.year}年，{self.name}收入预算", total, refers_to=("income", "TOTAL", "total"), with_change=False,
              end="，其中：")
        fiscal = inc.values.get("fiscal")
        if fiscal is None:
            fiscal = sum((inc.values[k] for k, _ in FISCAL_ITEMS if k in inc.values), Decimal(0))
        w.say("财政拨款收入", w.amount(income, fiscal), whole=total, refers_to=("income", "TOTAL", "fiscal"))
        for key, label in INCOME_ITEMS:
            if key not in {k for k, _ in FISCAL_ITEMS} and inc.values.get(key):
                w.say(label, w.amount(income, inc.values[key]), whole=total, refers_to=("income", "TOTAL", key))
        spending = total_row(self.d.table("expenditure"))
        if spending is not None and "total" in spending.values:
            w.say("支出预算", w.amount(self.d.table("expenditure"), spending.values["total"]),
                  refers_to=("expenditure", "TOTAL", "total"), with_change=False, end="。财政拨款支出预算中：")
        for table_id, label in (("gpb_expenditure", "一般公共预算拨款支出预算"), ("gov_fund", "政府性基金拨款支出预算"),
                                ("state_capital", "国有资本经营预算拨款支出预算")):
            table = self.d.table(table_id)
            row = total_row(table)
            amount = w.amount(table, row.values["total"]) if row is not None and "total" in row.values \
                else Decimal("0.00")
            w.say(label, amount, refers_to=(table_id, "TOTAL", "total"))
        gpb = self.d.table("gpb_expenditure")
        leaves = [r for r in _leaves(gpb) if r.values.get("total")] if gpb else []
        if leaves:
            w.text("财政拨款支出主要内容如下：")
        for i, r in enumerate(leaves, start=1):
            path = "-".join(_name_of(x) for x in _ancestors(gpb, r))
            w.say(f"“{path}”科目", w.amount(gpb, r.values["total"]), lead=f"{i}. ",
                  refers_to=("gpb_expenditure", r.code, "total"))
        return w.section(heading, "overview")

    def overview(self, heading: str) -> Sections:
        w = self._w()
        income = self.d.table("income")
        inc = total_row(income)
        total = inc.values.get("total") if inc else None
        found = self.first_cell(("summary", "income:TOTAL", "total"), ("income", "TOTAL", "total"))
        if found is not None:
            subject, table, total = found
            w.say(f"按照全口径预算的原则，{self.name}{self.year}年所有收入和支出均纳入{self.scope}预算管理。收支总预算",
                  w.amount(table, total), refers_to=subject, with_change=False)
            items = [label for key, label in INCOME_ITEMS if inc and inc.values.get(key)]
            if items:
                w.text(f"收入预算包括：{'、'.join(items)}。")
        spending = class_rows(self.d.table("expenditure"))
        if spending:
            w.text(f"支出预算包括：{'、'.join(_name_of(r) for r in spending)}。")
        return w.section(heading, "overview")

    def income(self, heading: str) -> Sections:
        w = self._w()
        income = self.d.table("income")
        inc = total_row(income)
        if inc is None or "total" not in inc.values:
            w.text(self.gaps.missing("table", "收入预算"))
            return w.section(heading, "income")
        total = w.amount(income, inc.values["total"])
        w.say(f"{self.name}{self.scope}收入预算", total, refers_to=("income", "TOTAL", "total"), with_change=False,
              end="，其中：")
        for key, label in INCOME_ITEMS:
            value = inc.values.get(key)
            if value:
                w.say(label, w.amount(income, value), whole=total, refers_to=("income", "TOTAL", key))
            elif key in ("general_budget", "gov_fund", "state_capital", "unit_funds"):
                w.text(f"{label}未安排。")
        return w.section(heading, "income")

    def expenditure(self, heading: str) -> Sections:
        w = self._w()
        table = self.d.table("expenditure")
        row = total_row(table)
        if row is None or "total" not in row.values:
            w.text(self.gaps.missing("table", "支出预算"))
            return w.section(heading, "expenditure")
        total = w.amount(table, row.values["total"])
        w.say(f"{self.name}{self.year}年支出预算", total, refers_to=("expenditure", "TOTAL", "total"),
              with_change=False, end="，其中：")
        for key, label in (("basic", "基本支出"), ("project", "项目支出")):
            found = self.cell(("expenditure", "TOTAL", key))
            if found is not None:
                w.say(label, w.amount(*found), whole=total, refers_to=("expenditure", "TOTAL", key))
        return w.section(heading, "expenditure")

    def fiscal(self, heading: str) -> Sections:
        w = self._w()
        income = self.d.table("income")
        inc = total_row(income)
        parts = {k: v for k, v in fiscal_parts(inc.values).items() if v} if inc else {}
        found = self.first_cell(("fiscal_summary", "income:TOTAL", "total"), ("income", "TOTAL", "fiscal"))
        if found is not None:
            subject, table, fiscal = found
            w.say(f"{self.year}年财政拨款收支总预算", w.amount(table, fiscal), refers_to=subject, with_change=False)
        spent = {"general_budget": "gpb_expenditure", "gov_fund": "gov_fund", "state_capital": "state_capital"}
        if parts:
            w.text("收入预算包括：" + "，".join(
                w.part(f"{label}拨款", w.amount(income, parts[k]), (spent[k], "TOTAL", "total"))
                for k, label in FISCAL_ITEMS if k in parts) + "。")
        gpb = self.d.table("gpb_expenditure")
        classes = [r for r in class_rows(gpb) if r.values.get("total")]
        if classes:
            w.text("一般公共预算支出包括：" + "；".join(
                w.part(_name_of(r), w.amount(gpb, r.values["total"]), ("gpb_expenditure", r.code, "total"))
                for r in classes) + "。")
        return w.section(heading, "fiscal")

    def gpb(self, heading: str) -> Sections:
        w = self._w()
        gpb = self.d.table("gpb_expenditure")
        row = total_row(gpb)
        if gpb is None or row is None or "total" not in row.values:
            w.text(f"{self.name}{self.year}年没有一般公共预算拨款安排的支出。")
            return w.section(heading, "gpb")
        total = w.amount(gpb, row.values["total"])
        w.sub("（一）一般公共预算当年拨款规模变化情况")
        w.say(f"{self.name}{self.year}年一般公共预算拨款合计", total, refers_to=("gpb_expenditure", "TOTAL", "total"),
              with_change=False, end="，其中：")
        for key, label, other in (("basic", "基本支出", ("gpb_basic_econ", "TOTAL", "total")),
                                  ("project", "项目支出", ("gpb_project", "TOTAL", "total"))):
            found = self.first_cell(("gpb_expenditure", "TOTAL", key), other)
            if found is not None:
                subject, table, value = found
                w.say(label, w.amount(table, value), refers_to=subject)
        w.sub("（二）一般公共预算当年拨款结构情况")
        w.text(f"{self.year}年一般公共预算当年拨款按支出功能分类科目（类）构成如下：")
        for i, r in enumerate([r for r in class_rows(gpb) if r.values.get("total")], start=1):
            w.say(f"{_name_of(r)}（类）", w.amount(gpb, r.values["total"]), lead=f"{i}、", whole=total,
                  refers_to=("gpb_expenditure", r.code, "total"), with_change=False)
        w.sub("（三）一般公共预算当年拨款具体使用情况")
        for i, r in enumerate([r for r in _leaves(gpb) if r.values.get("total")], start=1):
            w.say(f"{_path_name(gpb, r)}：{self.year}年预算数为", w.amount(gpb, r.values["total"]), lead=f"{i}、",
                  refers_to=("gpb_expenditure", r.code, "total"))
        return w.section(heading, "gpb")

    def gpb_basic(self, heading: str) -> Sections:
        w = self._w()
        table = self.d.table("gpb_basic_econ")
        row = total_row(table)
        if table is None or row is None or "total" not in row.values:
            w.text(f"{self.name}{self.year}年没有一般公共预算基本支出。")
            return w.section(heading, "gpb_basic")
        w.say(f"{self.name}{self.year}年一般公共预算基本支出", w.amount(table, row.values["total"]),
              refers_to=("gpb_basic_econ", "TOTAL", "total"), with_change=False, end="，其中：")
        for key, label in (("personnel", "人员经费"), ("public", "公用经费")):
            found = self.cell(("gpb_basic_econ", "TOTAL", key))
            if found is None:
                continue
            names = [_name_of(r) for r in table.rows if level_of(r.code) == 2 and r.values.get(key)]
            after = f"，主要包括：{'、'.join(names)}" if names else ""
            w.say(label, w.amount(*found), after=after, refers_to=("gpb_basic_econ", "TOTAL", key), with_change=False)
        return w.section(heading, "gpb_basic")

    def gpb_project(self, heading: str) -> Sections:
        w = self._w()
        table = self.d.table("gpb_project")
        projects = [r for r in table.rows if r.text.get("project_name")] if table else []
        if not projects:
            row = total_row(table)
            if row is not None and row.values.get("total"):
                w.say(f"{self.name}{self.year}年一般公共预算项目支出", w.amount(table, row.values["total"]),
                      refers_to=("gpb_project", "TOTAL", "total"), with_change=False)
            else:
                w.text(f"{self.name}{self.year}年没有使用一般公共预算拨款安排的项目支出。")
            return w.section(heading, "gpb_project")
        for r in projects:
            w.text(f"项目名称：{r.text['project_name']}。")
            w.say("预算安排规模：", w.amount(table, r.values.get("total", Decimal(0))), with_change=False)
            w.text(f"项目承担单位：{self.name}。")
        return w.section(heading, "gpb_project")

    def fund(self, heading: str, table_id: str, topic: str, fund_name: str, table_title: str) -> Sections:
        w = self._w()
        table = self.d.table(table_id)
        row = total_row(table)
        if table is None or table.empty or row is None or not row.values.get("total"):
            w.text(f"{self.name}{self.year}年没有使用{fund_name}拨款安排的支出，{table_title}为空表。")
        else:
            w.say(f"{self.name}{self.year}年{fund_name}拨款支出", w.amount(table, row.values["total"]),
                  refers_to=(table_id, "TOTAL", "total"))
        return w.section(heading, topic)

    def three_public(self, heading: str) -> Sections:
        w = self._w()
        table = self.d.table("three_public")
        if table is None or table.empty or not table.rows:
            w.text(f"{self.name}{self.year}年没有使用财政拨款安排的“三公”经费。")
            return w.section(heading, "three_public")
        rows = {r.code: r for r in table.rows}

        def value(key: str) -> Decimal:
            r = rows.get(key)
            v = r.values.get("total") if r else None
            if v is None and key == "vehicle":
                return value("vehicle_purchase") + value("vehicle_operation")
            if v is None and key == "TOTAL":
                return value("abroad") + value("reception") + value("vehicle")
            return w.amount(table, v) if v is not None else Decimal("0.00")

        # the 三公 subtotal where the table also lists 会议费/培训费 under its 合计
        found = self.first_cell(("three_public", "three_public_subtotal", "total"), ("three_public", "TOTAL", "total"))
        subject, total = (found[0], w.amount(found[1], found[2])) if found else (None, value("TOTAL"))
        w.say(f"{self.name}{self.year}年财政拨款“三公”经费预算数为", total, refers_to=subject,
              prior_key=("three_public", "TOTAL", "total"))
        names = dict(THREE_PUBLIC_ROWS)
        for key in ("abroad", "vehicle_purchase", "vehicle_operation", "reception"):
            label = names[key].removeprefix("其中：")
            w.say(label, value(key), lead="其中：" if key == "abroad" else "",
                  refers_to=("three_public", key, "total"))
        return w.section(heading, "three_public")

    def carryover(self, heading: str, table_title: str) -> Sections:
        w = self._w()
        table = self.d.table("carryover")
        row = total_row(table)
        if table is None or table.empty or row is None or not row.values.get("total"):
            w.text(f"{self.name}{self.year}年没有上年结转结余预算安排的支出，{table_title}为空表。")
        else:
            w.say(f"{self.name}{self.year}年上年结转结余预算安排的支出", w.amount(table, row.values["total"]),
                  refers_to=("carryover", "TOTAL", "total"))
        return w.section(heading, "carryover")

    def operating(self, heading: str) -> Sections:
        w = self._w()
        op = self.d.operating_cost
        if op is None:
            w.text(self.gaps.missing("operating"))
        else:
            amount = convert(op.amount, op.unit, self.unit)
            cell = self.matching(amount, ("operating_costs", "TOTAL", "total"),
                                 ("three_public", "operating_cost", "total"))
            w.say(f"{self.name}{self.year}年的机关运行经费财政拨款预算", amount, refers_to=cell or OPERATING,
                  prior_key=OPERATING)
        return w.section(heading, "operating")

    def procurement(self, heading: str) -> Sections:
        w = self._w()
        p = self.d.procurement
        if p is None or p.total is None:
            w.text(self.gaps.missing("procurement"))
            return w.section(heading, "procurement")

        def c(v: Decimal | None) -> Decimal:
            return convert(v, p.unit, self.unit) if v is not None else Decimal("0.00")

        def part(label: str, amount: Decimal, key: str) -> str:
            return w.part(label, amount, self.matching(amount, ("procurement", key, "total")))

        total = part("政府采购预算", c(p.total), "TOTAL")
        if (p.goods, p.works, p.services) == (None, None, None):
            # Only the total is known (a 政府采购 table without the narrative's split): a
            # breakdown of zeros would contradict the purchases listed.
            w.text(f"{self.year}年，{self.name}{total}。")
        else:
            split = "，".join(part(f"政府采购{label}预算", c(v), key) for label, v, key in (
                ("货物", p.goods, "goods"), ("工程", p.works, "works"), ("服务", p.services, "services")))
            w.text(f"{self.year}年，{self.name}{total}，其中：{split}。")
        if p.sme_reserved is not None:
            small = (f"，其中：{w.part('预留给小型和微型企业的政府采购项目预算金额', c(p.small_micro_reserved))}"
                     if p.small_micro_reserved is not None else "")
            w.text(f"{self.year}年，{self.name}{w.part('面向中小企业预留政府采购项目预算金额', c(p.sme_reserved))}"
                   f"{small}。")
        return w.section(heading, "procurement")

    def assets(self, heading: str) -> Sections:
        w = self._w()
        a = self.d.assets
        if a is None:
            w.text(self.gaps.missing("assets"))
            return w.section(heading, "assets")

        def c(v: Decimal | None) -> Decimal:
            return convert(v, a.unit, self.unit) if v is not None else Decimal("0.00")

        if a.as_of:
            w.text(f"截至{a.as_of}，{self.name}占用使用国有资产总体情况为：")
        else:
            w.text(f"{self.name}占用使用国有资产总体情况为：")
        area = a.buildings_area if a.buildings_area is not None else Decimal("0.00")
        w.text(f"1. 房屋{area}平方米，{w.part('价值', c(a.buildings_value))}。")
        v = a.vehicles
        kinds = "；".join(f"{w.count(k, n or 0, '辆')}，{w.part('价值', c(val))}" for k, (n, val) in v.by_kind.items())
        w.text(f"2. {w.count('车辆', v.total or 0, '辆')}，{w.part('价值', c(v.value))}"
               + (f"；其中：{kinds}" if kinds else "") + "。")
        w.text(f"3. {w.part('办公家具价值', c(a.furniture_value))}。")
        w.text(f"4. {w.part('其他资产价值', c(a.other_value))}。")
        w.text(f"{w.count('单位价值50万元以上大型设备', a.large_equipment_50 or 0, '台')}，"
               f"{w.count('单位价值100万元以上大型设备', a.large_equipment_100 or 0, '台')}。")
        return w.section(heading, "assets")

    def performance(self, heading: str) -> Sections:
        w = self._w()
        targets = self.d.performance
        if not targets:
            w.text(self.gaps.missing("performance"))
            return w.section(heading, "performance")
        units = [t for t in targets if t.scope == "unit"]
        projects = [t for t in targets if t.scope == "project"]
        amount = sum((convert(t.amount, t.unit, self.unit) for t in projects if t.amount is not None), Decimal(0))
        w.text(f"{self.year}年，本{self.scope}{w.count('编报整体绩效目标', len(units), '个')}，"
               f"{w.count('编报绩效目标的项目共', len(projects), '个')}，{w.part('涉及项目预算资金', amount)}。"
               + "具体情况见下表：")
        return w.section(heading, "performance")


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n <= 10:
        return "十" if n == 10 else digits[n]
    if n < 20:
        return "十" + digits[n - 10]
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def chinese_number(n: int) -> str:
    return _cn(n)
