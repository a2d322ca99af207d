"""Repair OCR damage in table rows: a table collapsed into one line of tokens.

OCR of an unruled scan reads text in bands, so the row number (序号), the code, the
amounts and the wrapped parts of a name come out interleaved:

    社会保障和就 2 208 58.74 3.00 55.74 55.74 业支出 行政事业单位 3 20805 55.74 …

Rows are anchored on classification codes (3/5/7 digits) and total labels; the numbers
next to an anchor (with only row numbers between) are its amounts; the text between two
anchors is the end of the first row's name and the start of the next one's, split where
the code lists say the names are complete. Tables without codes ("三公") are anchored on
their row labels. The amounts' print order is not trusted (OCR bands reorder them);
``parse.inference`` places them by arithmetic. What cannot be attributed is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from yusuan import codes
from yusuan.ingest.document import Line
from yusuan.model import Diagnostic, Severity, Source
from yusuan.text import parse_amount, squash, strip_numbering

_CODE = re.compile(r"^(?:[235]\d{2}|[235]\d{4}|[235]\d{6})$")
_SEQ = re.compile(r"^\d{1,3}$")
_TOTALS = frozenset({"合计", "总计", "收入总计", "支出总计", "本年收入合计", "本年支出合计"})
_OPENERS = ("其中:", "其中：", "(", "（")

# "三公" rows -> keys (DESIGN §4); the name is compared whole, so a sub-item such as
# "其中：省属高校业务性会议费" is not mistaken for 会议费.
_THREE_PUBLIC = (
    (r"^(?:合计|总计)$", "TOTAL"),
    (r"三公.*(?:小计|合计)$", "three_public_subtotal"),
    (r"^教学科研.*出国\(境\)费$", "abroad_research"),
    (r"^其他因公出国\(境\)费$", "abroad_other"),
    (r"^因公出国\(境\)费$", "abroad"),
    (r"^公务接待费$", "reception"),
    (r"^公务用车购置及运(?:行|维)(?:维护)?费$", "vehicle"),
    (r"^公务用车购置费$", "vehicle_purchase"),
    (r"^公务用车运(?:行|维)(?:维护)?费$", "vehicle_operation"),
    (r"^其他会议费$", "meeting_other"),
    (r"^会议费$", "meeting"),
    (r"^培训费$", "training"),
)


def three_public_key(name: str) -> str:
    s = squash(strip_numbering(name)).replace("（", "(").replace("）", ")")
    s = re.sub(r"^其中[:：]", "", s)
    s = re.sub(r"[\"'“”‘’]", "", s)
    s = re.sub(r"\(小计\)$", "", s)
    for pattern, key in _THREE_PUBLIC:
        if re.search(pattern, s):
            return key
    return ""


@dataclass
class RawRow:
    code: str  # classification code, "TOTAL", a 三公 key, or ""
    name: str  # rejoined name (numbering kept; the caller strips it)
    label: str
    amounts: list[Decimal]
    line: Line
    key: str | None = None
    parts: list[str] = field(default_factory=list)


def _kind(tok: str) -> str:
    if _CODE.match(tok):
        return "code"
    if "." in tok and parse_amount(tok) is not None:
        return "amount"
    if _SEQ.match(tok):
        return "seq"
    if squash(tok) in _TOTALS:
        return "total"
    return "text"


def _data_start(toks: list[str], kinds: list[str]) -> int:
    """The first row anchor after the header: past the 栏次 ruler when there is one, and a
    total label only where amounts follow it ("合计" is also a header word)."""
    ruler = next((i for i, t in enumerate(toks) if squash(t) in ("栏次", "行次")), -1)
    for i in range(ruler + 1, len(toks)):
        if kinds[i] == "code":
            return i
        if kinds[i] == "total":
            j = i + 1
            while j < len(toks) and kinds[j] == "seq":
                j += 1
            if j < len(toks) and kinds[j] == "amount":
                return i
    return len(toks)


def _diag(line: Line, table: str, message: str) -> Diagnostic:
    return Diagnostic(code="P310", severity=Severity.WARNING, message=message,
                      source=Source(line=line.no, page=line.source.page), table=table)


def split_stream(line: Line, table_id: str) -> tuple[list[RawRow], list[Diagnostic]]:
    """The rows packed into one OCR line."""
    toks = line.text.split()
    kinds = [_kind(t) for t in toks]
    rows, diags = (_coded if "code" in kinds else _labelled)(line, toks, kinds, table_id)
    # The row numbers (序号) printed in the stream say how many rows it holds.
    start = _data_start(toks, kinds)
    numbers = sorted({int(toks[i]) for i in range(start, len(toks)) if kinds[i] == "seq"})
    run = 0
    while run < len(numbers) and numbers[run] == numbers[0] + run:
        run += 1
    if rows and run >= 3 and run > len(rows):
        diags.append(_diag(line, table_id, f"第 {line.no} 行（OCR 合并行）：序号显示有 {run} 行，只识别出 "
                           f"{len(rows)} 行，可能有行未读取。请对照原表核对。"))
    return rows, diags


def _coded(line: Line, toks: list[str], kinds: list[str], table_id: str) -> tuple[list[RawRow], list[Diagnostic]]:
    diags: list[Diagnostic] = []
    start = _data_start(toks, kinds)
    # Runs: ("text", [fragments]) and ("cluster", [token indices]).
    runs: list[tuple[str, list[int]]] = []
    for i in range(start, len(toks)):
        kind = "text" if kinds[i] == "text" else "cluster"
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(i)
        else:
            runs.append((kind, [i]))
    rows: list[RawRow] = []
    owner: list[int | None] = []  # row index of each run (clusters only)
    for kind, idx in runs:
        if kind == "text":
            owner.append(None)
            continue
        anchors = [i for i in idx if kinds[i] in ("code", "total")]
        amounts = [i for i in idx if kinds[i] == "amount"]
        if not anchors:
            if rows and not rows[-1].amounts:
                rows[-1].amounts = [parse_amount(toks[i]) or Decimal(0) for i in amounts]
                owner.append(len(rows) - 1)
            else:
                if amounts:
                    lost = " ".join(toks[i] for i in amounts)
                    diags.append(_diag(line, table_id, f"第 {line.no} 行（OCR 合并行）：金额 {lost} 无法归属到任何"
                                       "科目行，未读取。请对照原表核对。"))
                owner.append(None)
            continue
        # Amounts ahead of the row number that opens the next row ("51.04 51.04 3 21011")
        # are the end of the previous row when that row has none yet.
        first = anchors[0]
        seqs = [i for i in idx if i < first and kinds[i] == "seq"]
        if rows and not rows[-1].amounts and seqs:
            before = [i for i in amounts if i < seqs[-1]]
            if before:
                rows[-1].amounts = [parse_amount(toks[i]) or Decimal(0) for i in before]
                amounts = [i for i in amounts if i not in before]
        for n, a in enumerate(anchors):
            lo = anchors[n - 1] if n else idx[0] - 1
            hi = anchors[n + 1] if n + 1 < len(anchors) else idx[-1] + 1
            mine = [i for i in amounts if (lo < i < hi) and (n == 0 or i > a)]
            code = "TOTAL" if kinds[a] == "total" else toks[a]
            label = toks[a] if kinds[a] == "total" else ""
            rows.append(RawRow(code, "", label, [parse_amount(toks[i]) or Decimal(0) for i in mine], line))
        if len(anchors) > 1:
            diags.append(_diag(line, table_id, f"第 {line.no} 行（OCR 合并行）：编码 "
                               f"{'、'.join(toks[a] for a in anchors)} 之间没有名称，金额按位置分配。请核对。"))
        owner.append(len(rows) - 1)
    _assign_names(runs, owner, toks, rows)
    for row in rows:
        row.name = row.label if row.code == "TOTAL" else "".join(row.parts)
        row.label = row.label or row.name
        if row.code != "TOTAL" and not row.name:
            known = codes.lookup(row.code)
            if known:
                row.name = known.name
            diags.append(_diag(line, table_id, f"第 {line.no} 行（OCR 合并行）：编码 {row.code} 的名称未识别"
                               + (f"，按分类科目表取“{known.name}”。" if known else "。") + "请核对。"))
    return rows, diags


def _assign_names(runs: list[tuple[str, list[int]]], owner: list[int | None], toks: list[str],
                  rows: list[RawRow]) -> None:
    for r, (kind, idx) in enumerate(runs):
        if kind != "text":
            continue
        frags = [toks[i] for i in idx]
        before = next((owner[j] for j in range(r - 1, -1, -1) if owner[j] is not None), None)
        after = next((owner[j] for j in range(r + 1, len(runs)) if owner[j] is not None), None)
        if before is None and after is None:
            continue
        if after is None or before == after:
            rows[before if before is not None else after].parts += frags  # type: ignore[index]
            continue
        if before is None:
            rows[after].parts = frags + rows[after].parts
            continue
        k = _split_point(rows[before], rows[after], frags)
        rows[before].parts += frags[:k]
        rows[after].parts = frags[k:] + rows[after].parts


def _official(code: str) -> str | None:
    known = codes.lookup(code) if code.isdigit() else None
    return squash(known.name) if known else None


def _split_point(prev: RawRow, nxt: RawRow, frags: list[str]) -> int:
    """Where the text between two rows stops belonging to the first: the split that makes
    the first name complete and the second a beginning of its official name, else the
    usual OCR shape (one wrapped fragment ends the first row, the rest starts the next)."""
    prev_name = "".join(prev.parts)
    a, b = _official(prev.code), _official(nxt.code)
    best, best_score = None, -99
    for k in range(len(frags) + 1):
        head = prev_name + "".join(frags[:k])
        tail = "".join(frags[k:])
        score = 0
        if prev.code == "TOTAL":
            score += 2 if k == 0 else -2
        elif a is not None:
            score += 2 if head == a else (-2 if not a.startswith(head) else 0)
        if b is not None and tail:
            score += 1 if b.startswith(tail) else -1
        if score > best_score:
            best, best_score = k, score
    if best is not None and best_score > 0:
        return best
    return 1 if len(frags) >= 2 else 0


def _continues(prev: str, tok: str) -> bool:
    if prev.endswith(_OPENERS) or prev.endswith((":", "：")):
        return True
    if prev.count("(") > prev.count(")") or prev.count("（") > prev.count("）"):
        return True
    return len(tok) == 1 or tok.startswith((")", "）"))


def _labelled(line: Line, toks: list[str], kinds: list[str], table_id: str
              ) -> tuple[list[RawRow], list[Diagnostic]]:
    """Rows without codes: labels, each followed by its amounts; wrapped label parts
    (a lone "费" after a row number) rejoin the label they end."""
    diags: list[Diagnostic] = []
    start = _data_start(toks, kinds)
    if start >= len(toks):
        return [], [_diag(line, table_id, f"第 {line.no} 行（OCR 合并行）：未找到合计行或科目编码，无法拆分成行。"
                          "请对照原表核对该表。")]
    rows: list[RawRow] = []
    for i in range(start, len(toks)):
        kind = kinds[i]
        if kind == "seq":
            continue
        if kind == "amount":
            if rows:
                rows[-1].amounts.append(parse_amount(toks[i]) or Decimal(0))
            continue
        if rows and not rows[-1].amounts and _continues(rows[-1].label, toks[i]):
            rows[-1].label += toks[i]
            continue
        rows.append(RawRow("", "", toks[i], [], line))
    for row in rows:
        row.name = row.label
        if table_id == "three_public":
            row.code = three_public_key(row.label)
        elif squash(row.label) in _TOTALS:
            row.code = "TOTAL"
        if row.amounts and not row.code and table_id != "three_public":
            diags.append(_diag(line, table_id, f"第 {line.no} 行（OCR 合并行）：“{row.label}”没有科目编码。请核对。"))
    return rows, diags
