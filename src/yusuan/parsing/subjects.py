"""What a narrative statement is about: the classification code behind its subject.

A budget explanation names its 科目 in many ways; all of them end in one code:

    教育支出（205类）普通教育（02款）小学教育（02项）836.41万元     printed codes -> 2050202
    事业运行(2101550)96.30万元 · 204 06 01 行政运行                 printed code
    卫生健康支出（类）医疗保障管理事务（款）行政运行（项）           name path -> 2101501
    “一般公共服务支出-政府办公厅(室)及相关机构事务-行政运行”科目     name path
    “城乡社区支出”科目 · 一般公共服务(类)支出                         a 类 alone
    行政运行(项) under the heading “(一)一般公共服务(类)”             path from the heading
    社会保障和就业支出 / 公务用车运行维护费                           a name found in the tables

Names are matched after normalisation (width, brackets, spaces and line breaks, 其它/其他,
the (类)/(款)/(项) marks) against the document's own coded rows first, then the bundled
code lists, whose renamed 类 are known under both names. A name that matches rows of more
than one code is not resolved: a wrong link would make the audit compare unrelated cells.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from yusuan.codes import (
    FUNC,
    code_list,
    codes_for_name,
    econ_code_from_name,
    function_class_from_name,
    kind_of,
    names_match,
)
from yusuan.model import Table
from yusuan.text import normalize, squash, strip_numbering

__all__ = ["CodedName", "Resolution", "code_of_subject", "name_key", "names_a_code", "path_prefix", "rows_index"]


@dataclass(frozen=True)
class Resolution:
    code: str
    how: str  # "code" (printed), "path" (names with 类/款/项 marks), "heading" (path under a heading), "name"
    confidence: float


@dataclass(frozen=True)
class CodedName:
    """One coded row of the document's tables, for name lookups."""

    code: str
    key: str  # name_key of the printed name


# --------------------------------------------------------------------------- normalisation

_MARKS = re.compile(r"\((?:类|款|项)\)")
_QUOTES = re.compile(r"[\"'《》「」『』]")


@cache
def name_key(name: str) -> str:
    """A printed 科目 name as a comparable key: no spaces, numbering, quotes, 类/款/项 marks,
    one spelling of 其他."""
    s = squash(strip_numbering(normalize(name)))
    s = _QUOTES.sub("", _MARKS.sub("", s))
    return s.replace("其它", "其他").replace("(", "").replace(")", "")


def rows_index(tables: Iterable[Table]) -> tuple[CodedName, ...]:
    """Every (code, name) pair the document's tables print, first occurrence of each pair."""
    seen: set[tuple[str, str]] = set()
    out: list[CodedName] = []
    for table in tables:
        for row in table.rows:
            if not row.code.isdigit() or kind_of(row.code) is None or not row.name:
                continue
            pair = (row.code, name_key(row.name))
            if pair not in seen:
                seen.add(pair)
                out.append(CodedName(*pair))
    return tuple(out)


# --------------------------------------------------------------------------- printed codes

_BRACKET_CODE = re.compile(r"[(\[](\d{3}|\d{5}|\d{7})[)\]]")
_LEVEL_CODES = re.compile(r"\((\d{3})类\)(?:[^()]*?\((\d{2})款\))?(?:[^()]*?\((\d{2})项\))?")
_LEADING_CODE = re.compile(r"^(\d{3})(?:\s?(\d{2}))?(?:\s?(\d{2}))?(?![\d.])")
# "3.204 06 01 行政运行": item numbering glued to a code printed in groups.
_NUMBERED_CODE = re.compile(r"^\d{1,2}[.、](\d{3})\s+(\d{2})(?:\s+(\d{2}))?(?![\d.])")


def _printed_code(subject: str) -> str | None:
    s = normalize(subject)
    m = _LEVEL_CODES.search(squash(s))
    if m:
        return "".join(g for g in m.groups() if g)
    m = _BRACKET_CODE.search(squash(s))
    if m and kind_of(m.group(1)):
        return m.group(1)
    m = _NUMBERED_CODE.match(s.strip()) or _LEADING_CODE.match(strip_numbering(s.strip()))
    if m:
        code = "".join(g for g in m.groups() if g)
        if kind_of(code):
            return code
    return None


# --------------------------------------------------------------------------- name paths

_CHAIN = re.compile(r"(.+?)\((类|款|项)\)")
_SEPARATORS = re.compile(r"\s*[-/—]\s*")


def _path_names(subject: str) -> tuple[list[tuple[str, str]], bool]:
    """[(level, name)] of a 科目 path in the subject, levels "类"/"款"/"项" (or "" when
    the path is written with separators), and whether the names were marked or quoted."""
    s = squash(normalize(subject))
    marked = [(m.group(2), m.group(1)) for m in _CHAIN.finditer(s)]
    if marked:
        # The text before the first mark may hold numbering or a verb: keep the name's tail.
        return [(level, _tail_name(name)) for level, name in marked], True
    quoted = re.search(r'"([^"]{2,80})"', s)
    inner = quoted.group(1) if quoted else re.sub(r"科目$", "", s)
    parts = [p for p in _SEPARATORS.split(inner) if p]
    if len(parts) >= 2 and (quoted or s.endswith("科目")):
        return [("", p) for p in parts], True
    if quoted:
        return [("", quoted.group(1))], True
    if s.endswith("科目") and len(s) > 2:
        return [("", s[:-2])], True  # “城乡社区支出”科目 (the quotes are gone by now)
    return [], False


_NAME_HEAD = re.compile(r"^(?:.*?[:：,，。;；])?(?:\d{4}年(?:度)?)?(?:其中)?")


def _tail_name(text: str) -> str:
    return strip_numbering(_NAME_HEAD.sub("", text)).strip()


# --------------------------------------------------------------------------- resolution


def code_of_subject(
    subject: str,
    rows: Sequence[CodedName] = (),
    *,
    context: str | None = None,
    prefer: str | None = None,
    names: bool = True,
) -> Resolution | None:
    """The classification code a statement's subject names, if it can be known.

    ``rows``: the document's coded rows (``rows_index``); ``context``: the code a parent
    heading names ("(一)一般公共服务(类)" -> 201), so a path that starts at the 款 is
    completed; ``prefer``: "func" or "econ" when a bare name could be either (住房公积金 is
    2210201 and 30113); ``names``: whether a bare name may be looked up at all (not in a
    "三公" section, where 公务接待费 is the "三公" item, not the 经济 code 30217)."""
    printed = _printed_code(subject)
    if printed:
        return Resolution(printed, "code", 1.0)
    path, marked = _path_names(subject)
    if path:
        resolved = _resolve_path(path, rows, context)
        if resolved:
            code, used_context = resolved
            similar = _similarity(path[-1][1], code, rows)
            if similar < 1:
                return Resolution(code, "similar", similar)  # a name the tables print otherwise
            return Resolution(code, "heading" if used_context else "path", 0.9 if used_context else 0.95)
        if marked and (len(path) > 1 or path[0][0]):
            return None  # a path that does not resolve must not fall back to a looser guess
    return _resolve_name(subject, rows, context, prefer) if names else None


_ANY_CODE = re.compile(r"[(\[]\d{3,7}(?:类|款|项)?[)\]]|\((?:类|款|项)\)")


def names_a_code(subject: str) -> bool:
    """Does the subject name a 科目 by a code (valid or not) or by a 类/款/项 path (resolved or
    not)? Such a subject is never a total."""
    s = squash(normalize(subject))
    return _printed_code(subject) is not None or bool(_ANY_CODE.search(s)) or (
        _path_names(subject)[1] and len(_path_names(subject)[0]) > 1)


def _resolve_path(
    path: list[tuple[str, str]], rows: Sequence[CodedName], context: str | None
) -> tuple[str, bool] | None:
    levels = [level for level, _ in path]
    names = [name for _, name in path]
    used_context = False
    if levels[0] == "类" or (levels[0] == "" and len(names) >= 1):
        code = _class_code(names[0], rows)
        rest = names[1:]
        if code is None and levels[0] == "" and context:
            code, rest, used_context = context, names, True
        if code is None and levels[0] == "类":
            # "行政事业单位离退休(类)…(项)": a 款 marked as a 类 (a presentation slip).
            return _path_without_class(names, rows) if not context else _resolve_path(
                [("款", n) for n in names[:1]] + path[1:], rows, context)
    else:
        # A path that starts at the 款 (or 项) continues the class its heading names.
        if not context:
            return _path_without_class(names, rows)
        code, rest, used_context = context, names, True
    if code is None:
        return None
    for i, name in enumerate(rest):
        # a 项 name under a class: a 款 name run into it comes first ("人大事务行政运行(项)")
        fused = i == len(rest) - 1 and len(code) == 3 and levels[-1] in ("项", "")
        child = (_fused(name, rows, code) if fused else None) or _child_code(code, name, rows)
        if child is None:
            return None
        code = child
    return code, used_context


def path_prefix(subject: str, rows: Sequence[CodedName] = ()) -> tuple[str, int] | None:
    """For a 类/款/项 path that does not resolve as a whole: the code of its longest leading part
    that does ("住房保障支出(类)住房保障支出(款)购房补贴(项)" -> 221) and the length of the code
    the whole path names (7 for a 项)."""
    path, marked = _path_names(subject)
    if not marked or len(path) < 2 or path[0][0] not in ("类", ""):
        return None
    code = _class_code(path[0][1], rows)
    if code is None:
        return None
    for _, name in path[1:]:
        child = _child_code(code, name, rows)
        if child is None:
            break
        code = child
    return code, 3 + 2 * (len(path) - 1)


def _path_without_class(names: list[str], rows: Sequence[CodedName]) -> tuple[str, bool] | None:
    """A 款(+项) path with no class anywhere: unique among the document's rows."""
    first = _unique_code(names[0], rows, length=5)
    if first is None and len(names) == 1:
        first = _fused(names[0], rows)
    if first is None:
        return None
    code = first
    for name in names[1:]:
        child = _child_code(code, name, rows)
        if child is None:
            return None
        code = child
    return code, False


def _class_code(name: str, rows: Sequence[CodedName]) -> str | None:
    """A 类 by name: 功能 (一般公共服务支出 -> 201) or 经济 (工资福利支出 -> 301)."""
    key = name_key(re.sub(r"(?:支出)?科目$", "", name))
    candidates = (key, key + "支出", key.removesuffix("支出"))
    for candidate in candidates:
        found = {r.code for r in rows if len(r.code) == 3 and r.key == candidate}
        if len(found) == 1:
            return found.pop()
    for candidate in candidates:
        code = function_class_from_name(candidate) or _econ_class(candidate)
        if code:
            return code
    return None


def _econ_class(name: str) -> str | None:
    code = econ_code_from_name(name)
    return code if code and len(code) == 3 else None


def _child_code(parent: str, name: str, rows: Sequence[CodedName]) -> str | None:
    key = name_key(name)
    length = len(parent) + 2
    found = {r.code for r in rows if len(r.code) == length and r.code.startswith(parent) and _same_name(r.key, key)}
    if len(found) == 1:
        return found.pop()
    if found:
        return None
    listed = {c.code for c in code_list(kind_of(parent) or FUNC).values()
              if len(c.code) == length and c.code.startswith(parent) and _same_name(name_key(c.name), key)}
    if len(listed) == 1:
        return listed.pop()
    # A name of an earlier edition (行政事业单位离退休, 2080504 未归口管理的行政单位离退休 before 2020)
    earlier = [c for c in codes_for_name(name, kind=kind_of(parent) or FUNC, parent=parent) if len(c) == length]
    if not listed and len(earlier) == 1:
        return earlier[0]
    return _shortened(key, {r.code: r.key for r in rows if len(r.code) == length and r.code.startswith(parent)})


def _fused(name: str, rows: Sequence[CodedName], parent: str = "") -> str | None:
    """A 款 name and a 项 name printed as one ("人大事务行政运行(项)" for 人大事务(款)行政运行(项)):
    the one 项 of the document's rows that a 款 of theirs (under ``parent``) and its child
    spell together."""
    key = name_key(name)
    found = set()
    for r in rows:
        if len(r.code) == 5 and r.code.startswith(parent) and key.startswith(r.key) and len(key) - len(r.key) >= 2:
            child = _child_code(r.code, key[len(r.key):], rows)
            if child:
                found.add(child)
    return found.pop() if len(found) == 1 else None


def _similarity(name: str, code: str, rows: Sequence[CodedName]) -> float:
    """1.0 when the printed name is the tables' (or the lists') name of the code it resolved
    to, else how close it is."""
    key = name_key(name)
    printed = [r.key for r in rows if r.code == code]
    listed = code_list(kind_of(code) or FUNC).get(code)
    candidates = printed + ([name_key(listed.name)] if listed else [])
    if not candidates or any(_same_name(c, key) for c in candidates):
        return 1.0
    return max(SequenceMatcher(None, key, c).ratio() for c in candidates)


def _shortened(key: str, children: dict[str, str]) -> str | None:
    """A name printed shortened or reworded ("未归口管理行政单位离退休费" for "未归口管理的行政单位离退休",
    "机关事业单位基本养老保险费" for "…缴费支出"): the one sibling of the document's rows clearly
    closest to it. Never a guess between two close names."""
    if len(key) < 4 or not children:
        return None
    scored = sorted(((_closeness(key, name), code) for code, name in children.items()), reverse=True)
    best, code = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    return code if best >= 0.8 and best - runner_up >= 0.15 else None


def _closeness(a: str, b: str) -> float:
    """How alike two names read; the same characters in another order ("一般行政事务管理" for
    "一般行政管理事务") count as alike."""
    return 1.0 if Counter(a) == Counter(b) else SequenceMatcher(None, a, b).ratio()


def _same_name(a: str, b: str) -> bool:
    return a == b or (names_match(a, b) and min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)))


def _unique_code(name: str, rows: Sequence[CodedName], length: int) -> str | None:
    key = name_key(name)
    found = {r.code for r in rows if len(r.code) == length and r.key == key}
    return found.pop() if len(found) == 1 else None


# Words around a 科目 name in a statement's subject that are not part of the name.
_AROUND = re.compile(
    r"^(?:其中|包括|主要是|主要为|另外|此外)+|(?:预算)?(?:支出|拨款)?(?:预算数|预算|决算数|决算|安排|合计|为|共计)+$"
)


def _resolve_name(
    subject: str, rows: Sequence[CodedName], context: str | None, prefer: str | None
) -> Resolution | None:
    """A bare name: the one code whose rows print exactly this name (under the heading's
    code when there is one)."""
    key = name_key(subject)
    candidates = {key, name_key(_AROUND.sub("", key))}
    if not key:
        return None
    found = {r.code for r in rows if r.key in candidates and (context is None or r.code.startswith(context))}
    if len(found) > 1 and prefer:
        found = {c for c in found if (kind_of(c) == FUNC) == (prefer == "func")}
    if len(found) > 1:
        # A 类 and its only 款 of the same name ("住房保障支出"): the shorter code is the 类.
        shortest = min(found, key=len)
        if all(c.startswith(shortest) for c in found) and len({len(c) for c in found}) == len(found):
            found = {shortest}
    if len(found) == 1:
        return Resolution(found.pop(), "name", 0.85)
    if found:
        return None
    for name in candidates:
        code = function_class_from_name(name) or (econ_code_from_name(name) if prefer != "func" else None)
        if code and (context is None or code.startswith(context)):
            return Resolution(code, "name", 0.8)
    return None
