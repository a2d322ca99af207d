"""Loose tables: rows whose blank cells were dropped, so which column a value is in must be
inferred (seed 004's family: space-separated text, headers wrapped one word per line,
two-sided summary tables with income and spending on one line), and loose lines inside
grid tables (seed 001's family: OCR collapsed a table into one line).

Columns come from the header words (or the caller's hint); every row's amounts are placed
by ``parse.inference`` from arithmetic identities, and ``refine`` uses other tables of the
document as evidence. Every placement is recorded in ``Row.inferred``; what the evidence
cannot decide is reported and left out of ``Row.values``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from yusuan import codes
from yusuan.catalogue import income_item_key
from yusuan.ingest.document import Line
from yusuan.model import Column, Diagnostic, Inference, Row, Severity, Source, Table
from yusuan.parsing import inference
from yusuan.parsing.blocks import TableBlock
from yusuan.parsing.ocr_repair import RawRow, split_stream, three_public_key
from yusuan.text import clean_cjk_spaces, parse_amount, squash, strip_numbering

TWO_SIDED = frozenset({"summary", "fiscal_summary"})
INCOME, EXPENDITURE = "income", "expenditure"

# --------------------------------------------------------------------------- headers

# Header phrases as printed (squashed), longest first when scanning. Keys follow
# catalogue.column_key; the two carry-over columns of the income table need their own.
_PHRASE_KEYS: dict[str, str | None] = {
    "上级国有资本经营预算安排的转移支付": "state_capital_transfer",
    "上级政府性基金预算安排的转移支付": "gov_fund_transfer",
    "上级政府性基金安排的转移支付": "gov_fund_transfer",
    "上级一般公共预算安排的转移支付": "general_budget_transfer",
    "财政拨款(补助)小计": "fiscal",
    "财政拨款(补助)": None,  # group label over the fiscal columns
    "非财政拨款": None,
    "财政拨款": None,
    "财政专户(教育收费)": "fiscal_special",
    "非财政拨款结转结余": "carryover_nonfiscal",
    "财政拨款结转": "carryover_fiscal",
    "国有资本经营预算": "state_capital",
    "政府性基金预算": "gov_fund",
    "一般公共预算": "general_budget",
    "国有资本经营": "state_capital",
    "政府性基金": "gov_fund",
    "财政专户": "fiscal_special",
    "单位资金": "unit_funds",
    "上年结转": "carryover",
    "基本支出": "basic",
    "项目支出": "project",
    "人员经费": "personnel",
    "公用经费": "public",
    "经营支出": "business",
    "预算数": "total",
    # Captions over a whole header (not columns): consumed whole so that their words are
    # not read as column names.
    "一般公共预算基本支出": None,
    "一般公共预算项目支出": None,
    "一般公共预算支出": None,
    "政府性基金预算支出": None,
    "国有资本经营预算支出": None,
    "财政拨款收入": None,
    "财政拨款支出": None,
    "支出预算": None,
    "合计": "total",
    "总计": "total",
    "小计": "total",
}
# Group labels -> (the keys its sub-columns may have, prefix for those keys). A group with
# no sub-columns printed under it is a column itself.
_ECON_KEYS = frozenset(f"econ_{c}" for c in ("301", "302", "303", "307", "309", "310", "311", "312", "313", "399"))
_GROUPS: dict[str, tuple[frozenset[str], str]] = {
    "财政拨款(补助)": (frozenset({"fiscal", *inference.FISCAL_PARTS}), ""),
    "基本支出": (frozenset({"personnel", "public"}), ""),
    "项目支出": (frozenset({"total", *_ECON_KEYS}), ""),
    "财政拨款": (frozenset({"total", "basic", "project"}), "fiscal"),
    "非财政拨款": (frozenset({"total", "basic", "project"}), "nonfiscal"),
}
_PROJECT_NAME = "项目名称"


def _vocabulary() -> list[tuple[str, str | None]]:
    vocab = dict(_PHRASE_KEYS)
    for code in codes.code_list(codes.DEPT_ECON).values():
        if code.level == 1:
            vocab[squash(code.name).replace("（", "(").replace("）", ")")] = f"econ_{code.code}"
    vocab[_PROJECT_NAME] = "project_name"
    return sorted(vocab.items(), key=lambda kv: -len(kv[0]))


@dataclass
class _Node:
    phrase: str
    key: str | None
    kids: list[_Node] = field(default_factory=list)


def _leaves(found: list[tuple[str, str | None]]) -> list[tuple[str, str]]:
    """Header phrases are printed level by level (all top cells, then the cells under
    them, …): rebuild the tree breadth-first, each group label taking the next run of
    phrases that can sit under it, then read the leaves left to right."""
    nodes = [_Node(p, k) for p, k in found]

    def fits(group: _Node, node: _Node) -> bool:
        members = _GROUPS.get(group.phrase, (frozenset(), ""))[0]
        return node.key in members

    # The top level ends at the first phrase that fits under an earlier group.
    top_end = next((n for n in range(1, len(nodes)) if any(fits(g, nodes[n]) for g in nodes[:n])), len(nodes))
    queue = list(nodes[:top_end])
    stream = nodes[top_end:]
    pos, qi = 0, 0
    top = list(queue)
    while pos < len(stream):
        if qi >= len(queue):
            # A phrase no group takes is a top-level column printed after the groups.
            top.append(stream[pos])
            queue.append(stream[pos])
            pos += 1
            continue
        group = queue[qi]
        qi += 1
        taken: set[str | None] = set()
        while pos < len(stream) and fits(group, stream[pos]) and stream[pos].key not in taken:
            taken.add(stream[pos].key)
            group.kids.append(stream[pos])
            queue.append(stream[pos])
            pos += 1
    out: list[tuple[str, str]] = []

    def walk(node: _Node, path: str, prefix: str) -> None:
        header = f"{path}/{node.phrase}" if path else node.phrase
        if node.kids:
            sub = _GROUPS[node.phrase][1] or prefix
            for kid in node.kids:
                walk(kid, header, sub)
            return
        key = node.key or ""
        if path and key == "total":  # a group's own 小计/合计
            parent = path.split("/")[-1]
            prefix_key = _GROUPS.get(parent, (frozenset(), ""))[1]
            key = prefix_key or "total"
        elif prefix and key:
            key = f"{prefix}_{key}"
        if key:
            out.append((header, key))

    for node in top:
        walk(node, "", "")
    return out


def header_columns(text: str) -> tuple[tuple[Column, ...], bool]:
    """Money columns from a header whose words were wrapped anywhere: scan the squashed
    text for known header phrases; a group label (财政拨款（补助）, 基本支出 over 人员经费 /
    公用经费) is replaced by its sub-columns at its own position. Returns the columns and
    whether the table has a 项目名称 text column."""
    s = squash(text).replace("（", "(").replace("）", ")")
    vocab = _vocabulary()
    found: list[tuple[str, str | None]] = []
    i = 0
    while i < len(s):
        for phrase, key in vocab:
            if s.startswith(phrase, i):
                found.append((phrase, key))
                i += len(phrase)
                break
        else:
            i += 1
    has_project_name = any(p == _PROJECT_NAME for p, _ in found)
    found = [(p, k) for p, k in found if p != _PROJECT_NAME]
    out = _leaves(found)
    columns: list[Column] = []
    seen: set[str] = set()
    for header, key in out:
        k = key if key not in seen else f"{key}_{len(columns) + 1}"
        seen.add(k)
        columns.append(Column(key=k, header=header))
    return tuple(columns), has_project_name


# --------------------------------------------------------------------------- tokens

_CLASS = re.compile(r"^[235]\d{2}$")
_PART = re.compile(r"^\d{2}$")
_FULL_CODE = re.compile(r"^[235](?:\d{4}|\d{6})$")
_RULER = re.compile(r"^(?:※|\d{1,2})$")
_TOTAL_LABELS = ("合计", "总计", "收入总计", "支出总计", "收支总计", "收入合计", "支出合计")
_HEADER_NOISE = re.compile(r"^(?:编制单位|单位[:：]|单位名称)")


_NUMBERED_LABEL = re.compile(r"\s+(?=(?:[一二三四五六七八九十]+、|\d{1,2}\.(?!\d)))")


def tokens(line: Line) -> list[str]:
    """Whitespace tokens with spaces inside Chinese words removed, but not the space before
    a numbered label ("收入 二、外交支出" are two labels)."""
    marked = _NUMBERED_LABEL.sub(" \x00", line.text)
    return [t.replace("\x00", "") for t in clean_cjk_spaces(marked).split() if t.replace("\x00", "")]


def _is_amount(tok: str) -> bool:
    return parse_amount(tok) is not None and not _CLASS.match(tok) and not _FULL_CODE.match(tok)


def _is_ruler(toks: Sequence[str]) -> bool:
    """The 栏次 line: "※ ※ ※ ※ 1 2 3" (column numbers under the header)."""
    return len(toks) >= 2 and all(_RULER.match(t) for t in toks) and any(t.isdigit() for t in toks)


def _read_code(toks: list[str]) -> tuple[str, int]:
    """A classification code at the front of the tokens ("210 15 01" or "2101501")."""
    if not toks:
        return "", 0
    if _FULL_CODE.match(toks[0]):
        return toks[0], 1
    if not _CLASS.match(toks[0]):
        return "", 0
    code, n = toks[0], 1
    limit = 3 if toks[0][0] == "2" else 2
    while n < limit and n < len(toks) and _PART.match(toks[n]):
        code += toks[n]
        n += 1
    # "201 一般公共服务支出" is a code; a bare "201" followed by an amount is not a row.
    return code, n


def _split_amounts(toks: list[str]) -> tuple[list[str], list[Decimal]]:
    """Text tokens and the trailing run of amounts."""
    end = len(toks)
    while end > 0 and _is_amount(toks[end - 1]):
        end -= 1
    amounts = [parse_amount(t) for t in toks[end:]]
    return toks[:end], [a for a in amounts if a is not None]


def _is_total(label: str) -> bool:
    return squash(label) in _TOTAL_LABELS


# --------------------------------------------------------------------------- rows


@dataclass
class _Pending:
    code: str
    label: str
    line: Line
    amounts: list[Decimal] = field(default_factory=list)
    project: str = ""
    side: str | None = None
    key: str | None = None
    from_text_line: bool = False  # the label came from a line with only text (may wrap on)


def _name_of(label: str) -> str:
    name = strip_numbering(clean_cjk_spaces(label))
    return re.sub(r"^其中[:：]\s*", "", name).strip()


def _code_name_complete(code: str, name: str) -> bool:
    known = codes.lookup(code)
    return bool(known and name and codes.names_match(known.name, name))


_SENTENCE = re.compile(r"[。，,；;]")


def _one_sided(lines: Sequence[Line], has_project_name: bool, table_id: str
               ) -> tuple[list[_Pending], list[Diagnostic]]:
    """Rows of a one-sided table. A row starts at its code (or total label); text lines
    before its amounts continue its name, or its project name where the table has a 项目名称
    column and the name is already complete. Tables without codes ("三公") have a row per
    label line."""
    coded = any(_read_code(tokens(line))[0] for line in lines)
    rows: list[_Pending] = []
    diags: list[Diagnostic] = []
    cur: _Pending | None = None
    stray: list[Line] = []  # lines that fit no row: a header repeated after a page break, if a ruler follows
    for line in lines:
        toks = tokens(line)
        if toks and _is_ruler(toks):
            stray.clear()
            continue
        if not toks or _HEADER_NOISE.match(squash(line.text)):
            continue
        if _SENTENCE.search(line.text):
            continue  # a note under the table ("…为空表。"), not a row
        code, n = _read_code(toks)
        text, amounts = _split_amounts(toks[n:] if code else toks)
        label = " ".join(text)
        if code or (label and _is_total(label)) or (not coded and label):
            if not code and not coded and cur is not None and not cur.amounts and _wraps(cur.label, label):
                cur.label += label
                cur.amounts = list(amounts)
                continue
            key = three_public_key(label) if table_id == "three_public" and not code else None
            cur = _Pending(code or ("TOTAL" if _is_total(label) else key or ""), label, line, list(amounts), key=key)
            rows.append(cur)
            continue
        if cur is not None and not cur.amounts and cur.code != "TOTAL":
            if label:
                if has_project_name and (cur.project or (cur.label and (
                        _code_name_complete(cur.code, cur.label) or len(cur.code) == 7))):
                    cur.project += label
                else:
                    cur.label += label
            cur.amounts = list(amounts)
            continue
        if cur is not None and label and not amounts and cur.code != "TOTAL" and _name_tail(cur, label):
            cur.label += label  # the end of a name wrapped below its amounts
            continue
        if amounts or label:
            stray.append(line)
    for line in stray:
        diags.append(_diag("P307", f"第 {line.no} 行“{clean_cjk_spaces(line.text)[:40]}”不属于任何数据行，未读取。"
                           "请对照原表核对。", line, table_id, Severity.INFO))
    return rows, diags


def _name_tail(row: _Pending, text: str) -> bool:
    """Text under a row that already has its amounts ends the row's name when the code list
    says so, or when it is too short to be a row of its own."""
    known = codes.lookup(row.code) if row.code.isdigit() else None
    if known:
        return squash(known.name) == squash(row.label + text)
    return len(squash(text)) <= 2 and strip_numbering(text) == text


def _wraps(prev: str, nxt: str) -> bool:
    """A label line that only continues the previous one (no numbering of its own, and the
    previous one stopped inside brackets or on a one-character tail)."""
    if strip_numbering(nxt) != nxt or _SUB_ITEM.match(nxt):
        return False
    return prev.count("(") > prev.count(")") or prev.count("（") > prev.count("）") or len(squash(nxt)) == 1


# Income items of two-sided tables -> funding keys (DESIGN §4), most specific first.
_SUB_ITEM = re.compile(r"^其中[:：]")


def income_key(label: str) -> str | None:
    return income_item_key(squash(_name_of(label)))


def _income_keys(rows: list[_Pending]) -> None:
    """Key every income item; a "其中" item with its parent's key is the parent's own part
    (其中：一般财力 under 一般公共预算拨款 -> general_budget_own); items under 上年结转结余 are
    carry-over of that source (carryover_general_budget)."""
    parent: str | None = None
    in_carryover = False
    sub = False
    for row in rows:
        if row.side != INCOME:
            continue
        raw = clean_cjk_spaces(row.label)
        key = income_key(raw)
        numbered = strip_numbering(raw) != raw
        if _SUB_ITEM.match(raw):
            sub = True
        elif numbered:
            sub = False
        if key in ("TOTAL", "year_total"):
            in_carryover = False
        if key == "carryover":
            in_carryover = True
        if key and in_carryover and not key.startswith("carryover"):
            key = f"carryover_{key}"
        if sub and parent and key == parent:
            key = f"{key}_own"
        if not sub:
            parent = key
        row.key = key


def _two_sided(lines: Sequence[Line]) -> list[_Pending]:
    rows: list[_Pending] = []
    pending_income: _Pending | None = None
    started = False
    for line in lines:
        toks = tokens(line)
        if not toks or _is_ruler(toks) or _HEADER_NOISE.match(squash(line.text)):
            continue
        # Expenditure side starts at a 类 code, or at the second label after amounts.
        split = next((i for i, t in enumerate(toks) if _CLASS.match(t) and i + 1 < len(toks)
                      and not _is_amount(toks[i + 1])), None)
        if split is None:
            # Spending printed by name only ("十、卫生健康支出"): a second numbered label, or a
            # 功能 类 name, starts the spending side.
            split = next((i for i, t in enumerate(toks) if not _is_amount(t) and (
                (i > 0 and strip_numbering(t) != t and not _SUB_ITEM.match(t))
                or codes.function_class_from_name(t))), None)
        if split is None:
            seen_amount = False
            for i, t in enumerate(toks):
                if _is_amount(t):
                    seen_amount = True
                elif seen_amount:
                    split = i
                    break
        left, right = (toks[:split], toks[split:]) if split is not None else (toks, [])
        has_data = any(_is_amount(t) for t in toks) or split is not None
        if not started:
            if not has_data:
                continue
            started = True
        if left:
            text, amounts = _split_amounts(left)
            label = " ".join(text)
            if (not amounts and not right and pending_income is not None and pending_income.from_text_line
                    and not pending_income.amounts and not _SUB_ITEM.match(label)
                    and strip_numbering(label) == label):
                pending_income.label += label  # an income label wrapped onto the next line
            elif label:
                pending_income = _Pending("TOTAL" if income_key(label) == "TOTAL" else "", label, line,
                                          list(amounts), side=INCOME, from_text_line=not right and not amounts)
                rows.append(pending_income)
        if right:
            code, n = _read_code(right)
            text, amounts = _split_amounts(right[n:])
            label = " ".join(text)
            if code:
                rows.append(_Pending(code, label, line, list(amounts), side=EXPENDITURE))
            elif label:
                rows.append(_Pending("TOTAL" if _is_total(label) else "", label, line, list(amounts),
                                     side=EXPENDITURE))
    _income_keys(rows)
    return rows


# --------------------------------------------------------------------------- placing


def _diag(code: str, message: str, line: Line | None, table: str, severity: Severity = Severity.WARNING,
          ) -> Diagnostic:
    source = Source(line=line.no, page=line.source.page) if line else Source()
    return Diagnostic(code=code, severity=severity, message=message, source=source, table=table)


def _place(table_id: str, columns: tuple[Column, ...], pend: Sequence[_Pending], *, ordered: bool | Sequence[bool],
           exclude: frozenset[str] = frozenset(), evidence: dict[int, dict[str, Decimal]] | None = None,
           fixed: Sequence[dict[str, Decimal]] | None = None) -> tuple[list[Row], list[Diagnostic]]:
    keys = [_solve_key(c) for c in columns]
    original = {k: c.key for k, c in zip(keys, columns, strict=True)}
    orders = [ordered] * len(pend) if isinstance(ordered, bool) else list(ordered)
    items = [inference.Item(code=p.code if p.side != INCOME else "", amounts=tuple(p.amounts), ordered=orders[i],
                            fixed=dict(fixed[i]) if fixed else {}) for i, p in enumerate(pend)]
    placed = [_rename(pl, original) for pl in inference.solve(items, keys, exclude, evidence)]
    keys = [original[k] for k in keys]
    rows: list[Row] = []
    diags: list[Diagnostic] = []
    for p, pl, item in zip(pend, placed, items, strict=True):
        inferred = tuple(
            Inference(column=col, confidence=pl.confidence if col else 0.0, reason=pl.reason, value=amount,
                      ordered=item.ordered)
            for col, amount in zip(pl.columns, p.amounts, strict=False))
        rows.append(_row(p, pl.values, inferred))
        if pl.confidence < 0.5 and not pl.ambiguous:
            where = f"第 {p.line.no} 行“{clean_cjk_spaces(p.line.text)[:40]}”"
            diags.append(_diag("P302", f"{where}：金额无论放在哪一列都不满足表内勾稽关系，列位置可能有误。"
                               "请对照原表核对。", p.line, table_id))
    return rows, diags


def _solve_key(column: Column) -> str:
    """The key the identities know a column by: a 小计 under 本年收入 printed beside 上年结转
    is the current-year subtotal whatever the caller named it."""
    levels = column.header.split("/")
    if column.key in ("subtotal", "year_total") or (
            column.key.startswith("total_") and squash(levels[-1]) == "小计"):
        return "year_total"
    return column.key


def _rename(pl: inference.Placement, original: dict[str, str]) -> inference.Placement:
    return replace(pl, values={original.get(k, k): v for k, v in pl.values.items()},
                   columns=tuple(original.get(c, c) if c else c for c in pl.columns))


def _row(p: _Pending, values: dict[str, Decimal], inferred: tuple[Inference, ...]) -> Row:
    name = _name_of(p.label)
    code = p.code
    if not code and p.side != INCOME:
        code = codes.function_class_from_name(name) or ""
    text = {"project_name": clean_cjk_spaces(p.project)} if p.project else {}
    level = codes.level_of(code) if code.isdigit() else None
    return Row(code=code, name=name, values=values, source=Source(line=p.line.no, page=p.line.source.page),
               level=level, side=p.side, key=p.key, label=clean_cjk_spaces(p.label), text=text,
               inferred=inferred)


def _split_header(block: TableBlock) -> tuple[list[Line], list[Line]]:
    """Header lines (up to the 栏次 ruler, else up to the first data line) and the rest.
    A header word on its own line ("合计") is not data: data has a code or an amount."""
    lines = list(block.lines)
    first_data = next((i for i, line in enumerate(lines)
                       if _read_code(tokens(line))[0] or any(_is_amount(t) for t in tokens(line))), len(lines))
    ruler = next((i for i, line in enumerate(lines[:first_data]) if _is_ruler(tokens(line))), None)
    if ruler is not None:
        return lines[:ruler], lines[ruler + 1:]
    return lines[:first_data], lines[first_data:]


def parse_loose_block(block: TableBlock, columns_hint: tuple[Column, ...] | None
                      ) -> tuple[tuple[Column, ...], tuple[Row, ...], tuple[Diagnostic, ...]]:
    """A whole table block of loose lines -> canonical columns and rows."""
    head, body = _split_header(block)
    head_text = " ".join(line.text for line in head if not _HEADER_NOISE.match(squash(line.text)))
    diags: list[Diagnostic] = []
    if block.table_id in TWO_SIDED:
        return _parse_two_sided(block, head_text, body, columns_hint)
    columns, has_project_name = header_columns(head_text)
    if columns_hint:
        columns = columns_hint
    ruler = next((tokens(line) for line in block.lines if _is_ruler(tokens(line))), None)
    if ruler and not columns_hint:
        numbered = sum(1 for t in ruler if t.isdigit())
        if numbered != len(columns):
            diags.append(_diag("P303", f"表“{block.title}”栏次有 {numbered} 个金额栏，但只从表头识别出 "
                               f"{len(columns)} 个（{'、'.join(c.header for c in columns)}）。请核对表头。",
                               block.title_line, block.table_id))
    if not columns:
        return (), (), (_diag("P304", f"表“{block.title}”未能识别出金额栏，表内数据未读取。请核对表头。",
                              block.title_line, block.table_id),)
    pend, found = _one_sided(body, has_project_name, block.table_id)
    diags += found
    rows, found = _place(block.table_id, columns, pend, ordered=True)
    diags += found
    return columns, tuple(rows), tuple(diags)


def _parse_two_sided(block: TableBlock, head_text: str, body: Sequence[Line],
                     columns_hint: tuple[Column, ...] | None
                     ) -> tuple[tuple[Column, ...], tuple[Row, ...], tuple[Diagnostic, ...]]:
    pend = _two_sided(body)
    # The header reads "项目 合计 | 功能分类 合计 一般公共预算 …": income has one amount column,
    # the expenditure columns follow the expenditure subject header.
    s = squash(head_text)
    cut = max(s.find("功能分类"), s.find("支出项目"), s.rfind("项目"))
    exp_cols, _ = header_columns(s[cut:] if cut > 0 else s)
    if columns_hint:
        exp_cols = tuple(c for c in columns_hint if c.key != "total") or exp_cols
        exp_cols = (Column("total", "合计"), *[c for c in exp_cols if c.key != "total"])
    if not exp_cols or exp_cols[0].key != "total":
        exp_cols = (Column("total", "预算数"), *[c for c in exp_cols if c.key != "total"])
    income = [p for p in pend if p.side == INCOME]
    spending = [p for p in pend if p.side == EXPENDITURE]
    diags: list[Diagnostic] = []
    inc_rows: list[Row] = []
    for p in income:
        values = {"total": p.amounts[-1]} if p.amounts else {}
        if len(p.amounts) > 1:
            diags.append(_diag("P305", f"第 {p.line.no} 行收入项目“{_name_of(p.label)}”印有 {len(p.amounts)} 个金额，"
                               "只取最后一个。请核对原表。", p.line, block.table_id))
        inc_rows.append(_row(p, values, ()))
    # Evidence from the income side: a source with no income cannot be spent; the spending
    # total of a source equals its income.
    by_key = {r.key: r.values.get("total") for r in inc_rows if r.key}
    exclude = frozenset(k for k in (c.key for c in exp_cols) if k != "total" and k in by_key
                        and not by_key[k])
    evidence: dict[int, dict[str, Decimal]] = {}
    for i, p in enumerate(spending):
        if p.code == "TOTAL":
            evidence[i] = {k: v for k, v in by_key.items() if v and k in {c.key for c in exp_cols} and k != "total"}
    exp_rows, found = _place(block.table_id, exp_cols, spending, ordered=True, exclude=exclude, evidence=evidence)
    diags += found
    columns = exp_cols
    rows = sorted([*inc_rows, *exp_rows], key=lambda r: (r.source.line or 0, r.side != INCOME))
    return columns, tuple(rows), tuple(diags)


# --------------------------------------------------------------------------- grid tables


def infer_rows(table_id: str, columns: tuple[Column, ...], lines: Sequence[Line]
               ) -> tuple[tuple[Row, ...], tuple[Diagnostic, ...]]:
    """Loose lines inside a grid table whose columns are known (OCR collapsed rows into
    one line): split the stream into rows, rejoin wrapped names, place the amounts."""
    raw: list[RawRow] = []
    diags: list[Diagnostic] = []
    for line in lines:
        found_rows, found = split_stream(line, table_id)
        raw += found_rows
        diags += found
    pend = [_Pending(r.code, r.name, r.line, list(r.amounts), key=r.key) for r in raw]
    keys = [_solve_key(c) for c in columns]
    rows, found = _place(table_id, columns, pend, ordered=[inference.order_holds(p.amounts, keys) for p in pend])
    diags += found
    out = []
    for r, row in zip(raw, rows, strict=True):
        name = r.name if r.name else row.name
        out.append(replace(row, name=_name_of(name), label=r.label or row.label,
                           code=r.code if r.code else row.code, key=r.key))
    return tuple(out), tuple(diags)


# --------------------------------------------------------------------------- document


_SOURCES = ("general_budget", "gov_fund", "state_capital", "fiscal_special", "unit_funds")
_SOURCE_FAMILY = {
    "general_budget": ("general_budget", "general_budget_transfer"),
    "gov_fund": ("gov_fund", "gov_fund_transfer"),
    "state_capital": ("state_capital", "state_capital_transfer"),
    "fiscal_special": ("fiscal_special",),
    "unit_funds": ("unit_funds", *inference.UNIT_PARTS),
    "carryover": inference.CARRYOVER_PARTS,
    "carryover_fiscal": ("carryover_fiscal",),
    "carryover_nonfiscal": ("carryover_nonfiscal",),
}


def _income_sources(tables: Sequence[Table]) -> dict[str, Decimal | None]:
    """What the two-sided tables say each funding source brings in (None: printed blank)."""
    out: dict[str, Decimal | None] = {}
    for table in tables:
        if table.id not in TWO_SIDED:
            continue
        for row in table.rows:
            if row.side == INCOME and row.key:
                value = row.values.get("total")
                if row.key not in out or out[row.key] in (None, Decimal(0)):
                    out[row.key] = value
    return out


def refine(tables: tuple[Table, ...]) -> tuple[tuple[Table, ...], tuple[Diagnostic, ...]]:
    """Re-place the inferred rows of each table with the document's other tables as
    evidence: a funding source the two-sided tables show no income from cannot have
    spending (its columns are excluded), and a total row's source columns must match the
    income stated for them (一般财力 / 上级转移支付). Amounts still without a column are
    reported here, once, with their line."""
    sources = _income_sources(tables)
    absent: set[str] = set()
    for src, family in _SOURCE_FAMILY.items():
        if src in sources and not sources[src]:
            absent.update(family)
    stated = {k.removesuffix("_own"): v for k, v in sources.items()
              if v and (k.endswith("_own") or k.endswith("_transfer"))}
    cross = _cross_totals(tables)
    out: list[Table] = []
    diags: list[Diagnostic] = []
    for table in tables:
        if any(r.inferred for r in table.rows) and table.id not in TWO_SIDED:
            # Income by source is only the income table's (一般财力 is not a 三公 amount).
            totals = {**(stated if table.id == "income" else {}), **cross.get(table.id, {})}
            table = _refine_table(table, frozenset(absent), totals)
        out.append(table)
        diags += _unbalanced(table)
        for row in table.rows:
            lost = [i for i in row.inferred if not i.column and i.value is not None]
            if lost:
                amounts = "、".join(str(i.value) for i in lost)
                diags.append(Diagnostic(
                    code="P301", severity=Severity.WARNING, table=table.id, source=row.source,
                    message=f"表“{table.title}”第 {row.source.line} 行“{row.label or row.name}”：金额 {amounts} "
                    "所在的列无法由勾稽关系和其他表唯一确定，未计入该行数据。请对照原表核对这些金额所在的列。"))
    return tuple(out), tuple(diags)


# The same quantity printed in two tables (DESIGN §1): (table, column of its total row) ->
# (other table, column of that table's total row).
_SAME_TOTALS = (
    (("gpb_expenditure", "basic"), ("gpb_basic_econ", "total")),
    (("gpb_expenditure", "project"), ("gpb_project", "total")),
    (("gpb_basic_econ", "total"), ("gpb_expenditure", "basic")),
    (("gpb_project", "total"), ("gpb_expenditure", "project")),
)


def _cross_totals(tables: Sequence[Table]) -> dict[str, dict[str, Decimal]]:
    """What other tables say a table's total row holds (placed values only)."""
    totals: dict[tuple[str, str], Decimal] = {}
    for table in tables:
        for row in table.rows:
            if row.code == "TOTAL" and row.side is None:
                for key, value in row.values.items():
                    totals.setdefault((table.id, key), value)
    out: dict[str, dict[str, Decimal]] = {}
    for (tid, key), other in _SAME_TOTALS:
        if other in totals:
            out.setdefault(tid, {})[key] = totals[other]
    return out


def _unbalanced(table: Table) -> list[Diagnostic]:
    """Inferred rows whose parent and children still do not add up: an amount may have
    been misread (OCR) or dropped. Reported on the parent row, with both figures."""
    if table.id in TWO_SIDED or not any(r.inferred for r in table.rows):
        return []
    rows = [r for r in table.rows if r.side is None]
    gaps = inference.sum_gaps([r.code for r in rows], [r.values for r in rows], [c.key for c in table.columns])
    out = []
    for parent, key, printed, total in gaps:
        row = rows[parent]
        unplaced = any(not i.column for r in rows for i in r.inferred)
        if unplaced:
            continue  # the unplaced amounts are already reported (P301)
        out.append(Diagnostic(
            code="P312", severity=Severity.WARNING, table=table.id, source=row.source,
            message=f"表“{table.title}”第 {row.source.line} 行“{row.label or row.name}”的“{key}”栏为 {printed}，"
            f"其下级各行合计 {total}，不相等；推断列位置后仍不平衡，可能有金额识别错误或缺行。请对照原表核对。"))
    return out


def _refine_table(table: Table, absent: frozenset[str], stated: dict[str, Decimal]) -> Table:
    keys = [c.key for c in table.columns]
    exclude = frozenset(k for k in keys if k in absent)
    evidence = {i: {k: v for k, v in stated.items() if k in keys}
                for i, row in enumerate(table.rows) if row.code == "TOTAL"}
    evidence = {i: e for i, e in evidence.items() if e}
    if not exclude and not evidence:
        return table
    items: list[inference.Item] = []
    for row in table.rows:
        placed = {i.column for i in row.inferred if i.column}
        fixed = {k: v for k, v in row.values.items() if k not in placed}
        amounts = tuple(i.value for i in row.inferred if i.value is not None)
        items.append(inference.Item(code=row.code, amounts=amounts, ordered=all(i.ordered for i in row.inferred),
                                    fixed=fixed))
    placed_rows = inference.solve(items, keys, exclude, evidence)
    new_rows = []
    for row, item, pl in zip(table.rows, items, placed_rows, strict=True):
        if not row.inferred:
            new_rows.append(row)
            continue
        reason = pl.reason + "（参考了本文件其他表）"
        inferred = tuple(Inference(column=c, confidence=pl.confidence if c else 0.0, reason=reason, value=a,
                                   ordered=item.ordered) for c, a in zip(pl.columns, item.amounts, strict=False))
        new_rows.append(replace(row, values=pl.values, inferred=inferred))
    return replace(table, rows=tuple(new_rows))


__all__ = ["header_columns", "income_key", "infer_rows", "parse_loose_block", "refine", "three_public_key"]
