"""Narrative sentences -> ``Figure``: every stated amount with what the sentence says about it.

A budget explanation states amounts in a few fixed shapes:

    基本支出 224.19 万元，占 98.66%，比上年预算减少 40.68 万元，下降 15.36%，主要原因是……
    卫生健康支出（类）医疗保障管理事务（款）行政运行（项）：2025年预算数为165.33万元，……
    事业运行（2101550）150.42 万元，较上年增加 1.79 万元，原因是……
    商品和服务支出(302)5.20万元，与上年持平；

An amount is *primary* (a figure) unless it is the amount of a change ("减少 40.68 万元")
or sits inside the stated reason ("主要原因是专项资金 2024 年拨付 3.5 万元"): those are
what the sentence says about a figure, not figures. The subject is the clause text before
the amount, with the unit name, year and verbs ("预算数为", "安排") removed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from yusuan.model import Change, Figure, MoneyUnit, Source
from yusuan.text import clean_cjk_spaces, parse_amount, strip_numbering

__all__ = ["Span", "extract_figures", "find_change", "sentences"]


@dataclass(frozen=True)
class Span:
    """A stretch of narrative text (a paragraph rejoined from wrapped lines) and the line
    each character came from."""

    text: str
    starts: tuple[tuple[int, int], ...] = ()  # (offset in text, line no), ascending offsets

    def line_at(self, offset: int) -> int | None:
        line = None
        for start, no in self.starts:
            if start > offset:
                break
            line = no
        return line


@dataclass(frozen=True)
class _Sentence:
    text: str
    offset: int  # offset of text in its span
    span: Span


# An amount followed by 以上/以下 is a threshold ("单位价值50万元以上大型设备"), not a figure.
_AMOUNT = re.compile(r"(?<![\d.,])(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(万元|元)(?![/]|以上|以下|以内)")
_SENTENCE_END = re.compile(r"[。;!?；]")
_CLAUSE_END = re.compile(r"[,:、，：]")
_REASON = re.compile(r"(?:增减变化的)?(?:主要)?原因(?:是|为|:|：)|主要是(?=\d{4}\s*年|[^\d])")
_CHANGE_VERB = re.compile(
    r"(增加|减少|增长|下降|上升|降低|(?:小于|低于|少于|大于|高于|多于)上年(?:预算)?(?:数)?)\s*了?\s*$"
)
_COMPARE = re.compile(r"(?:比|较|与|同比)\s*(?:上年|上一年|\d{4}\s*年)")
_PERCENT = re.compile(r"(增长|下降|增加|减少|上升|降低)\s*(?:了)?\s*(-?\d+(?:\.\d+)?)\s*%")
_SHARE = re.compile(r"占(?:比)?[^\d%,;。]{0,16}?(\d+(?:\.\d+)?)\s*%")
_FLAT = re.compile(r"持平|无变化|无变动|没有变化|保持不变")
_YEAR = re.compile(r"^.*?\d{4}\s*(?:年度|年)(?:的)?")
_LEADING = re.compile(
    r"^(?:其中|包括|主要包括|分别是|分别为|另外|此外|合计|共计|本单位|我单位|本部门|我部门|我局|本局|当年度|本年度|当年|本年|以及|和|及|与|的|为)+[:：]?"
)
_TRAILING = re.compile(
    r"(?:预算数为|预算数|共计安排|安排了|预算安排|安排|共计|合计|总额为|为|是|达到|达|约)+$"
)
_INCREASE = {"增加", "增长", "上升", "大于", "高于", "多于"}


def sentences(span: Span) -> list[_Sentence]:
    out: list[_Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(span.text):
        if m.start() > start:
            out.append(_Sentence(span.text[start : m.start()], start, span))
        start = m.end()
    if start < len(span.text):
        out.append(_Sentence(span.text[start:], start, span))
    return [s for s in out if s.text.strip()]


def extract_figures(spans: Iterable[Span], unit_name: str | None = None) -> list[Figure]:
    """Every primary amount stated in these spans, in order. A sentence that only gives a
    reason ("主要原因是：…", printed after the figure's sentence) completes the figure
    before it."""
    figures: list[Figure] = []
    for span in spans:
        for sentence in sentences(span):
            found = _sentence_figures(sentence, unit_name)
            if found:
                figures.extend(found)
                continue
            reason = _reason_of(sentence.text)
            if reason and figures and figures[-1].reason is None and _REASON.match(sentence.text.strip()):
                figures[-1] = replace(figures[-1], reason=reason)
    return figures


def find_change(text: str) -> Change | None:
    """The first stated year-on-year change in a text (amount and/or percent, or flat)."""
    compare = _COMPARE.search(text)
    if compare is None:
        return (_FLAT.search(text) and Change("flat", None, None)) or None
    tail = text[compare.end() :]
    reason = _REASON.search(tail)
    if reason:
        tail = tail[: reason.start()]
    return _change_in(tail)


# --------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int
    value: Decimal
    unit: MoneyUnit
    change: bool


def _sentence_figures(sentence: _Sentence, unit_name: str | None) -> list[Figure]:
    text = sentence.text
    reason_at = _REASON.search(text)
    limit = reason_at.start() if reason_at else len(text)
    amounts = [a for a in _amounts(text) if a.start < limit]
    primaries = [a for a in amounts if not a.change]
    out: list[Figure] = []
    for i, amount in enumerate(primaries):
        subject_start = _clause_start(text, amount.start)
        subject = _subject(text, amount.start, unit_name)
        nxt = primaries[i + 1] if i + 1 < len(primaries) else None
        end = _clause_start(text, nxt.start) if nxt else limit
        end = max(end, amount.end)
        tail = text[amount.end : end]
        last = nxt is None
        share = _SHARE.search(tail)
        offset = sentence.offset + amount.start
        out.append(
            Figure(
                subject=subject,
                amount=amount.value,
                unit=amount.unit,
                share=Decimal(share.group(1)) if share else None,
                change=_change_in(tail),
                reason=_reason_of(text) if last else None,
                sentence=clean_cjk_spaces(text[subject_start:end] if not last else text[subject_start:]).strip(),
                source=Source(line=sentence.span.line_at(offset)),
            )
        )
    return out


def _amounts(text: str) -> list[_Amount]:
    out: list[_Amount] = []
    for m in _AMOUNT.finditer(text):
        value = parse_amount(m.group(1))
        if value is None:
            continue
        clause = text[_clause_start(text, m.start()) : m.start()]
        is_change = bool(_CHANGE_VERB.search(clause))
        out.append(_Amount(m.start(), m.end(), value, MoneyUnit(m.group(2)), is_change))
    return out


def _clause_start(text: str, at: int) -> int:
    start = 0
    for m in _CLAUSE_END.finditer(text, 0, at):
        start = m.end()
    return start


def _subject(text: str, at: int, unit_name: str | None) -> str:
    """The clause before the amount, cleaned; when the clause holds only a verb phrase
    ("2025年预算数为"), the clause before it ("…（项）")."""
    subject = _bare_subject(text, at, unit_name)
    if subject in ("价值", "金额"):
        # "车辆1辆,价值16.47万元": the value of what the clause before names.
        start = _clause_start(text, at)
        if start > 0:
            before = strip_numbering(clean_cjk_spaces(text[_clause_start(text, start - 1) : start - 1]).strip())
            before = _LEADING.sub("", before)
            noun = re.match(r"[\u4e00-\u9fff()]+", before)
            if noun:
                return noun.group(0) + subject
    return subject


def _bare_subject(text: str, at: int, unit_name: str | None) -> str:
    end = at
    for _ in range(3):
        start = _clause_start(text, end)
        # "人员经费428.04万元和日常公用经费29.85万元": the subject starts after the amount before it.
        before = [m.end() for m in _AMOUNT.finditer(text, start, end)]
        start = before[-1] if before else start
        subject = _clean_subject(text[start:end], unit_name)
        if subject or start == 0:
            return subject
        end = start - 1
    return ""


def _clean_subject(raw: str, unit_name: str | None) -> str:
    s = clean_cjk_spaces(raw).strip()
    if unit_name:
        s = s.replace(unit_name, "")
    year = _YEAR.match(s)
    if year:
        # "…局 2025 年支出预算" names the subject after the year; "…(项)2025年预算数为" before it.
        after = _strip_words(s[year.end() :])
        return after or _strip_words(s[: _year_start(s)])
    return _strip_words(s)


def _year_start(s: str) -> int:
    m = re.search(r"\d{4}\s*(?:年度|年)", s)
    return m.start() if m else len(s)


def _strip_words(s: str) -> str:
    s = strip_numbering(s.strip()).strip()
    for _ in range(3):
        s = _LEADING.sub("", s).strip()
        s = _TRAILING.sub("", s).strip()
    return s.strip(" -")


def _change_in(tail: str) -> Change | None:
    percent = _PERCENT.search(tail)
    amount = None
    direction = None
    for m in _AMOUNT.finditer(tail):
        verb = _CHANGE_VERB.search(tail[: m.start()])
        if verb:
            amount = parse_amount(m.group(1))
            direction = "increase" if verb.group(1)[:2] in _INCREASE else "decrease"
            break
    if direction is None and percent:
        direction = "increase" if percent.group(1) in _INCREASE else "decrease"
    if direction is None:
        return Change("flat", None, None) if _FLAT.search(tail) else None
    return Change(direction, amount, Decimal(percent.group(2)) if percent else None)


def _reason_of(text: str) -> str | None:
    m = _REASON.search(text)
    if not m:
        return None
    reason = clean_cjk_spaces(text[m.end() :]).strip(" :：,，")
    return reason or None
