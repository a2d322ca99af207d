"""Document metadata: unit name and code, budget year, kind (预算/决算), scope (单位/部门),
the money unit the narrative uses, and which parts of a publication the file holds.

Each field has several sources, tried in order, so that a file holding only part of a
publication still says what it belongs to:

- unit name: a labelled name ("部门：…", "预算单位：…", the one printed most often), the
  unit's 6-digit code line, the cover title, a sentence that opens with an organisation's
  name and a year ("江苏省政协办公厅 2019 年度收入、支出预算总计…");
- year: the cover, the first lines, "预算年度：", then the year printed in table titles
  ("2019年政府采购预算表") or in the text ("2019年度部门预算"), the most frequent;
- kind: the cover, else whether 决算 or 预算 dominates the first lines, else the titles;
- scope: "部门预算" / "单位预算" in the first lines, else in the whole file (the most
  frequent), else the label naming the unit ("部门：" is 部门, "预算单位：" is 单位);
- parts (``publication_parts``): from what was parsed — tables, narrative, or both.

``unit_key`` is the comparison key for unit names: two files of one publication may print
the same organisation in its full or short form (中国共产党江苏省委员会办公厅 /
中共江苏省委办公厅 / 江苏省委办公厅).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from yusuan.catalogue import classify_title
from yusuan.ingest.document import Line, SourceDocument
from yusuan.model import Diagnostic, DocKind, Meta, MoneyUnit, NarrativeSection, Severity, Table
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
# "江苏省政协办公厅 2019 年度收入、支出预算总计…": a sentence opening with the unit's name.
_STATED = re.compile(r"^([\u4e00-\u9fff()]{4,30}?)20\d\d年度?(?:部门|单位)?(?:收入|支出|收支|预算|决算|财政拨款)")
_NOT_ORG = re.compile(r"^(?:本|我|该|全|各|其中|根据|按照|经|从|纳入)")
_ORG = re.compile(r"(?:局|中心|委员会|委|办公室|院|所|站|队|馆|学校|医院|本级|厅|部|会|社|处|政府)$")


def extract_meta(source: SourceDocument, doc_id: str) -> tuple[Meta, tuple[Diagnostic, ...]]:
    lines = [ln for ln in source.lines if not ln.blank]
    head = lines[:_HEAD_LINES]
    unit_name, unit_code = _unit(head, lines)
    year = _year(head, lines)
    kind = _kind(head, lines)
    scope = _scope(head, lines)
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
    labelled = _labelled_names(lines)
    if labelled:
        return labelled.most_common(1)[0][0], code
    if coded:
        return coded.most_common(1)[0][0][1], code
    cover = _cover_title(head)
    if cover is not None and _ORG.search(cover[0]):
        return cover[0], code
    stated: Counter[str] = Counter()
    for line in lines:
        m = _STATED.match(squash(line.text))
        if m and _ORG.search(m.group(1)) and not _NOT_ORG.search(m.group(1)):
            stated[m.group(1)] += 1
    if stated:
        return stated.most_common(1)[0][0], code
    return None, code


def _labelled_names(lines: list[Line]) -> Counter[str]:
    labelled: Counter[str] = Counter()
    for line in lines:
        for m in _LABELLED.finditer(line.text.replace("\t", " ")):
            value = _UNIT_SUFFIX.sub("", clean_cjk_spaces(m.group(1))).strip()
            if value and not value.startswith(("万元", "元")) and _ORG.search(value):
                labelled[value] += 1
    return labelled


def _cover_title(head: list[Line]) -> tuple[str, int, str] | None:
    """(unit name, year, 预算|决算) from a cover title, which PDFs may wrap over up to three
    lines ("上海市普陀区规划和自然" / "资源局" / "2024 年度部门决算")."""
    texts = [clean_cjk_spaces(line.text) for line in head[:12]]
    for i in range(len(texts)):
        for k in (1, 2, 3):
            joined = squash("".join(texts[i : i + k]))
            m = _TITLE.match(joined)
            if m and len(m.group(1)) >= 4 and not re.search(r"[,，。:：]|目录|部分|概况|说明", m.group(1)):
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
    # A file without a cover (a 表格 file): the year its table titles or its text name.
    titled: Counter[int] = Counter()
    stated: Counter[int] = Counter()
    for line in lines:
        text = clean_cjk_spaces(line.text)
        for m in _YEAR.finditer(text):
            (titled if classify_title(text) else stated)[int(m.group(1))] += 1
    for found in (titled, stated):
        if found:
            return found.most_common(1)[0][0]
    return None


def _kind(head: list[Line], lines: list[Line]) -> DocKind:
    cover = _cover_title(head)
    if cover is not None:
        return DocKind.FINAL if cover[2] == "决算" else DocKind.BUDGET
    text = squash("".join(ln.text for ln in head))
    if text.count("决算") != text.count("预算"):
        return DocKind.FINAL if text.count("决算") > text.count("预算") else DocKind.BUDGET
    titles = squash("".join(ln.text for ln in lines if not ln.grid and classify_title(ln.text)))
    return DocKind.FINAL if titles.count("决算") > titles.count("预算") else DocKind.BUDGET


_SCOPE = re.compile(r"(单位|部门)(?:综合)?(?:预算|决算)")


def _scope(head: list[Line], lines: list[Line]) -> str | None:
    for line in head:
        m = _SCOPE.search(squash(line.text))
        if m:
            return m.group(1)
    found: Counter[str] = Counter(m.group(1) for ln in lines for m in _SCOPE.finditer(squash(ln.text)))
    if found:
        return found.most_common(1)[0][0]
    for line in lines:  # the label naming the unit in a table's caption
        m = _SCOPE_LABEL.search(squash(line.text))
        if m:
            return "部门" if "部门" in m.group(1) else "单位"
    return None


_SCOPE_LABEL = re.compile(r"(?:^|[^单])(预算主管部门|部门名称|部门|预算单位|单位名称)[:：](?!万?元)")


def publication_parts(tables: Sequence[Table], narrative: Sequence[NarrativeSection]) -> tuple[str, ...]:
    """What a file holds of its publication, from what was parsed: a table set (three tables
    or more: a narrative may embed a table or two) and a narrative (prose, not the notes under
    tables). A 文本 file whose 目录 lists the table titles holds no table."""
    parts: list[str] = []
    if len(tables) >= 3:
        parts.append("tables")
    sentences = sum(section.text.count("。") for section in narrative)
    if sentences >= 5 or sum(len(section.text) for section in narrative) >= 300:
        parts.append("narrative")
    return tuple(parts)


# Official and short forms of one organisation's name, each with a text it needs: a pattern
# that cannot match is not run (an unanchored lazy group is quadratic in a long name).
_UNIT_FORMS = (
    (re.compile(r"^(?:中国共产党|中共)"), "", "中"),
    (re.compile(r"^中国人民政治协商会议(.+?)委员会"), r"\1政协", "中国人民政治协商会议"),
    (re.compile(r"(.+?)人民代表大会常务委员会"), r"\1人大常委会", "人民代表大会常务委员会"),
    (re.compile(r"([省市县区州旗盟])委员会"), r"\1委", "委员会"),
    (re.compile(r"(?:\(本级\)|本级|机关)$"), "", ""),
)


def unit_key(name: str | None) -> str:
    """A unit name reduced for comparison: files of one publication print the same unit as
    "中国共产党江苏省委员会办公厅", "中共江苏省委办公厅" or "江苏省委办公厅"; all give
    "江苏省委办公厅". Squashed text, the party prefix (中国共产党/中共) removed, 中国人民政治协商
    会议X委员会 as X政协, X人民代表大会常务委员会 as X人大常委会, 省/市/县/区委员会 as 省委 …,
    a trailing (本级)/本级/机关 removed. "" for no name."""
    if not name:
        return ""
    key = squash(name)
    for pattern, repl, needed in _UNIT_FORMS:
        if needed in key:
            key = pattern.sub(repl, key)
    return key


def _narrative_unit(source: SourceDocument) -> MoneyUnit | None:
    counts: Counter[str] = Counter()
    for line in source.lines:
        if line.grid:
            continue
        counts.update(m.group(1) for m in _AMOUNT_UNIT.finditer(line.text))
    if not counts:
        return None
    return MoneyUnit.WAN if counts["万元"] >= counts["元"] else MoneyUnit.YUAN
