"""Document metadata: unit name and code, budget year, kind (预算/决算), scope (单位/部门),
and the money unit the narrative uses."""

from __future__ import annotations

import re
from collections import Counter

from yusuan.ingest.document import Line, SourceDocument
from yusuan.model import Diagnostic, DocKind, Meta, MoneyUnit, Severity
from yusuan.text import clean_cjk_spaces, squash

_HEAD_LINES = 80  # the cover and the first tables name the unit and the year
_LABELLED = re.compile(
    r"(?:编制单位|单位名称|预算单位|部门名称|预算主管部门|^部门)\s*[:：]\s*([^\s:：\t]+?)(?=单位[:：]|[\s:：\t]|$)")
_UNIT_SUFFIX = re.compile(r"\s*(?:金额)?单位\s*[:：,，]?\s*万?元.*$")
_TITLE = re.compile(r"^(?:第[一二三四五六七八九十]+部分)?(.{2,40}?)\s*(20\d\d)\s*年(?:度)?[^\d,，。]{0,6}?(预算|决算)")
_CODED = re.compile(r"^(\d{6})\s+([\u4e00-\u9fff][\u4e00-\u9fff()（）]{3,40})$")
_YEAR = re.compile(r"(20\d\d)\s*年(?:度)?[^\d,，。]{0,6}?(?:预算|决算)")
_BUDGET_YEAR = re.compile(r"预算年度\s*[:：]\s*(20\d\d)")
_AMOUNT_UNIT = re.compile(r"\d\s*(万元|元)")
_ORG = re.compile(r"(?:局|中心|委员会|委|办公室|院|所|站|队|馆|学校|医院|本级|厅|部|会|社|处|政府)$")


def extract_meta(source: SourceDocument, doc_id: str) -> tuple[Meta, tuple[Diagnostic, ...]]:
    lines = [ln for ln in source.lines if not ln.blank]
    head = lines[:_HEAD_LINES]
    unit_name, unit_code = _unit(head, lines)
    year = _year(head, lines)
    text = "\n".join(ln.text for ln in head)
    cover = _cover_title(head)
    if cover is not None:
        kind = DocKind.FINAL if cover[2] == "决算" else DocKind.BUDGET
    else:
        kind = DocKind.FINAL if squash(text).count("决算") > squash(text).count("预算") else DocKind.BUDGET
    scope = _scope(head)
    narrative_unit = _narrative_unit(source)
    diagnostics: list[Diagnostic] = []
    if unit_name is None:
        diagnostics.append(Diagnostic(
            code="P010", severity=Severity.WARNING,
            message="未能从文件中识别预算单位名称（封面标题、“编制单位：”或“单位名称：”）。请核对文件首页。"))
    if year is None:
        diagnostics.append(Diagnostic(
            code="P011", severity=Severity.WARNING,
            message="未能从文件中识别预算年度（如“2025 年单位预算”“预算年度：2025”）。请核对文件首页。"))
    meta = Meta(
        doc=doc_id, path=source.path, unit_name=unit_name, unit_code=unit_code, year=year, kind=kind,
        scope=scope, narrative_unit=narrative_unit, format=source.format, sha256=source.sha256)
    return meta, tuple(diagnostics)


def _unit(head: list[Line], lines: list[Line]) -> tuple[str | None, str | None]:
    code: str | None = None
    coded: Counter[tuple[str, str]] = Counter()
    for line in lines:
        m = _CODED.match(clean_cjk_spaces(line.text))
        if m:
            coded[(m.group(1), m.group(2))] += 1
    if coded:
        (code, _name), _ = coded.most_common(1)[0]
    labelled: Counter[str] = Counter()
    for line in lines:
        for m in _LABELLED.finditer(line.text.replace("\t", " ")):
            value = _UNIT_SUFFIX.sub("", clean_cjk_spaces(m.group(1))).strip()
            if value and not value.startswith(("万元", "元")) and _ORG.search(value):
                labelled[value] += 1
    if labelled:
        return labelled.most_common(1)[0][0], code
    if coded:
        return coded.most_common(1)[0][0][1], code
    cover = _cover_title(head)
    if cover is not None and _ORG.search(cover[0]):
        return cover[0], code
    return None, code


def _cover_title(head: list[Line]) -> tuple[str, int, str] | None:
    """(unit name, year, 预算|决算) from a cover title, which PDFs may wrap over up to three
    lines ("上海市普陀区规划和自然" / "资源局" / "2024 年度部门决算")."""
    texts = [clean_cjk_spaces(line.text) for line in head[:12]]
    for i in range(len(texts)):
        for k in (1, 2, 3):
            joined = squash("".join(texts[i : i + k]))
            m = _TITLE.match(joined)
            if m and len(m.group(1)) >= 4 and not re.search(r"[,，。:：]", m.group(1)):
                return m.group(1), int(m.group(2)), m.group(3)
    return None


def _year(head: list[Line], lines: list[Line]) -> int | None:
    cover = _cover_title(head)
    if cover is not None:
        return cover[1]
    for line in head:
        m = _YEAR.search(clean_cjk_spaces(line.text)) or _BUDGET_YEAR.search(line.text)
        if m:
            return int(m.group(1))
    for line in lines:
        m = _BUDGET_YEAR.search(line.text)
        if m:
            return int(m.group(1))
    return None


def _scope(head: list[Line]) -> str | None:
    for line in head:
        s = squash(line.text)
        m = re.search(r"(单位|部门)(?:综合)?(?:预算|决算)", s)
        if m:
            return m.group(1)
    return None


def _narrative_unit(source: SourceDocument) -> MoneyUnit | None:
    counts: Counter[str] = Counter()
    for line in source.lines:
        if line.grid:
            continue
        counts.update(m.group(1) for m in _AMOUNT_UNIT.finditer(line.text))
    if not counts:
        return None
    return MoneyUnit.WAN if counts["万元"] >= counts["元"] else MoneyUnit.YUAN
