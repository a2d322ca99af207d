"""Narrative sentences -> statements: every stated quantity with what the text says about it.

A budget explanation states its numbers in a few shapes, in every province and year:

    基本支出 224.19 万元，占 98.66%，比上年预算减少 40.68 万元，下降 15.36%，主要原因是……
    1.一般公共服务(类)支出20153.75万元，主要用于……。与上年相比增加3161.38万元，增长18.60%。
    “X（类）Y（款）Z（项）”2.63万元。2022年当年预算执行数为1.48万元，2023年预算安排2.63万元，
        比2022年预算执行数增加77.70%。主要原因是：……
    X（类）Y（款）Z（项）。主要用于……。年初预算为54.53万元，支出决算为54.53万元，完成年初预算的100.00%。
    因公出国(境)费、公务接待费分别为3万元、2万元。    公务接待费0万元，与2024年预算持平。

Each amount is classified by the words just before it in its clause: a *change* (增加/减少 …
X 万元, 小于上年预算数 X 万元), a *prior-year* amount (2022年预算执行数为 X, 上年预算数为 X),
a 决算 document's *budget* amount (年初预算为 X), or a *primary* amount. A primary amount
opens a statement — unless its own clause names nothing ("2023年预算安排2.63万元" after the
item line), which makes it the statement's *stated* amount. Percentages are changes, shares
(占 x%) or completion rates (完成年初预算的 x%). Changes, prior amounts and reasons printed in
the next sentence complete the statement before them in the same paragraph.

What is not the statement's own: amounts inside its reason ("主要原因是基本支出增加512.30万元")
are claims about another subject; a change with no amount before it ("公务接待费支出减少
0.15万元") is a claim of its own; counts (车辆 2 辆, 项目 11 个, 编制 20 人) are claims too.
Those three come back as ``Claim`` records beside the statements.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from yusuan.model import Change, Claim, Figure, MoneyUnit, Prior, Source
from yusuan.text import clean_cjk_spaces, parse_amount, squash, strip_numbering

__all__ = ["Span", "StatementContext", "extract_statements", "find_change", "sentences"]


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
class StatementContext:
    """What the extractor knows beyond the text: the budget year (to tell a prior-year
    amount from the current one), the unit's name (not part of any subject), the fund scope
    and 科目 code the enclosing headings set, and a resolver from subjects to codes."""

    year: int | None = None
    unit_name: str | None = None
    scope: str = ""  # fiscal | gpb | gov_fund | state_capital | "" (all funds)
    code: str | None = None  # the 科目 the headings name ("(一)一般公共服务(类)" -> 201)
    resolve: Callable[[str, str | None], tuple[str, str, float] | None] | None = None
    section: str = ""
    topic: str = ""


# --------------------------------------------------------------------------- vocabulary

# "0.39 万(含…)": 万 alone is 万元 only where a bracket or punctuation follows (not 万人, 万平方米).
_MONEY = re.compile(
    r"(?<![\d.,])(-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(万元|元|万(?=[(,;。，；]|$))"
    r"(?![/]|以上|以下|以内|\(含\)|及以上|左右)"
)
_PERCENT = re.compile(r"(?<![\d.,])(-?\d+(?:\.\d+)?)\s*%")
_PEOPLE = {"人", "名"}
_COUNT_CHANGE = re.compile(r"(?:增加|减少|增|减|少|多|新增|调入|调出|变动)(?:了)?\s*$")
_AUTHORIZED = re.compile(r"编制(?:数|人数)?(?:为|共)?\s*(\d+)(?!\s*(?:人|名|个|%|\d|\.))")
_AS_OF_YEAR = re.compile(r"截[至止](?:到)?\s*(\d{4})\s*年")
_COUNT = re.compile(r"(?<![\d.,])(\d+)\s*(辆|台\(套\)|台套|台|套|个|项|人次|批次|人|名)(?![\u4e00-\u9fff]*以上)")
_SENTENCE_END = re.compile(r"[。!?！？]")
_BARE_RATE = re.compile(r"(?:增长|下降|增幅|降幅|上升|降低)\s*(-?\d+\.\d+)\s*(?=[。,;，；]|$)")
_PIECE_END = re.compile(r"[;；]")
_CLAUSE_BREAK = re.compile(r"[,:、，：;；]")

_UP = r"增加|增长|上升|提高|增幅|多拨付|多安排|多支出|增"
_DOWN = r"减少|下降|降低|压减|压缩|缩减|降幅|减幅|少拨付|少安排|少支出|减"
_VERB = rf"(?:{_UP}|{_DOWN})"
# A change verb right before an amount: "增加 40.68 万元", "下降(增长)27.78%", "减少了".
_CHANGE_BEFORE = re.compile(rf"({_VERB})(?:了)?\s*(\(\s*(?:{_VERB})\s*\))?\s*(?:了)?\s*$")
_COMPARATIVE = re.compile(r"(小于|低于|少于|大于|高于|多于)(?:上年|上一年度?|\d{4}\s*年度?)(?:预算|决算)?(?:数)?\s*$")
# "比2022年(上一年度,下同)预算执行数", "与上年相比", "较上年", "同比", "比上年同期".
_COMPARE = re.compile(
    r"(?:比|较|与|同|对比)\s*(?:(\d{4})\s*年度?|上\s*一?\s*年度?|去年|上年)(?:\([^)]{0,16}\))?\s*(?:同期)?\s*(?:当年)?"
    r"\s*(预算执行数|执行数|预算数|预算|决算数|决算|实际数|实际)?(?:数)?(?:相比|比较)?"
    r"|同比"
)
_FLAT = re.compile(r"持平|一致|无变化|无变动|没有变化|保持不变|相同|未发生变化")
_SHARE = re.compile(r"占(?:比)?([^\d%,;。，；]{0,20}?)(?:的|比例为|比重为|比例|比重)?\s*$")
_COMPLETION = re.compile(r"完成(?:了)?(?:年初|调整后?)?(?:预算)?(?:数)?的?\s*$")
_BUDGET_BEFORE = re.compile(r"(?:年初|调整后?)预算(?:数)?(?:为|是)?\s*$")
# The comparison right before an amount, and a change word right after it.
_COMPARED_AMOUNT = re.compile(r"(?:" + _COMPARE.pattern.split("|同比")[0] + r")\s*(?:的)?\s*$")
_VERB_AFTER = re.compile(rf"\s*[,，]?\s*(?:{_VERB}|持平|一致|相同)")
_PRIOR_WORDS = re.compile(
    r"(?:上年|上一年度?|去年)(?:同期)?(?:预算)?(?:执行数|预算数|决算数|预算|决算|执行)?(?:数)?(?:为|是)?\s*$"
)
_YEAR = re.compile(r"(\d{4})\s*年")
_RATE = re.compile(r"(?:每人|人均|每户|每月|每年|每平方米|标准为?)\s*$")
# Inside an open bracket that says what the amount before it includes ("0.39万(含外宾接待0.00万元)");
# "(其中：购置费0万元，运维费3万元)" lists items of their own and stays.
_INSIDE = re.compile(r"\(含[^()]*$")
_BUDGET_WORDS = re.compile(r"预算|执行|决算|支出|收入|安排|拨款|经费|资金")
_AS_OF = re.compile(r"截[至止]")
_REASON = re.compile(
    r"(?:增减变化的|增减变动的|变动的|变化的|[增减]少的|增加的|下降的|增长的)?(?:主要)?原因(?:是|为|有|在于)?\s*[:：]?"
    r"|主要由于|主要系"
)
# "主要是…" explains a change only after one was stated ("增长 13.22%。主要是工资增加后…");
# after a bare amount it describes the spending ("支出 315 万元，主要是检察官学院运行费").
_REASON_AFTER_CHANGE = re.compile(r"主要是(?!用于)")
_QUOTE_CHARS = re.compile(r"[\"'“”‘’]")
_USES = re.compile(r"主要用于(?!以下|如下|下列)")
_MARKED = re.compile(r"\((?:类|款)\)")
_MARK_AHEAD = re.compile(r"\((?:类|款|项)\)")
_JOINED_PAIR = re.compile(r"(收入?)、(支出?)")
_REASON_GOES_ON = re.compile(r"^\s*(?:[一二三四五六七八九十]是|其[一二三四]|其次|另外|同时|此外|再次|最后|以及)")
_LEADING = re.compile(
    r"^(?:其中|包括|主要包括|分别是|分别为|另外|此外|合计|共计|本单位|我单位|本部门|我部门|我局|本局|当年度|本年度|当年"
    r"|以及|和|及|与|的|为|具体|情况|如下|即|[一二三四五六七八九十]是|其[一二三四]|此外)+[:：]?"
)
_TRAILING = re.compile(
    r"(?:预算数为|预算数|共计安排|安排了|预算安排|安排|共计|合计|总额为|为|是|达到|达|约|共)+$"
)
_GENERIC_SUBJECT = re.compile(
    r"^(?:本年|当年|全年|上年|年初|调整后?)?(?:支出|收入)?(?:预算|决算)?(?:执行数|执行|数|安排|金额|支出)?(?:为|是)?$"
)
# Counts are claims only for what reviewers count: vehicles, equipment, projects, people.
_COUNT_NOUNS = {
    "辆": None,
    "台(套)": None,
    "台套": None,
    "台": re.compile(r"设备|车"),
    "套": re.compile(r"设备"),
    "个": re.compile(r"项目|团组|绩效目标"),
    "项": re.compile(r"项目"),
    "人次": None,
    "批次": None,
    "人": re.compile(r"编制|人数|在职|退休|离休|人员|实有|职工|干部"),
    "名": re.compile(r"编制|人数|在职|退休|离休|人员|实有|职工|干部"),
}


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class _Token:
    kind: str  # "money" | "percent"
    start: int
    end: int
    value: Decimal
    unit: str  # 万元 | 元 | %
    role: str  # primary | change | prior | budget | share | completion | other
    word: str = ""  # the change verb as printed (增加, 下降(增长))
    sign: int = 1
    year: int | None = None
    basis: str = ""
    share_of: str = ""


def _basis_of(word: str | None) -> str:
    if not word:
        return ""
    if "执行" in word:
        return "执行数"
    if "决算" in word or "实际" in word:
        return "决算"
    if "预算" in word:
        return "预算"
    return ""


def _clause_before(text: str, at: int) -> tuple[int, str]:
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, at):
        start = m.end()
    return start, text[start:at]


def _sign_of(word: str) -> int:
    return -1 if re.match(_DOWN, word) and not re.match(r"增", word) else 1


def _tokens(text: str, year: int | None) -> list[_Token]:
    out: list[_Token] = []
    for m in _MONEY.finditer(text):
        value = parse_amount(m.group(1))
        if value is None:
            continue
        unit = "万元" if m.group(2) == "万" else m.group(2)
        out.append(_classify_money(text, m.start(), m.end(), value, unit, year))
    for m in _PERCENT.finditer(text):
        value = Decimal(m.group(1))
        out.append(_classify_percent(text, m.start(), m.end(), value))
    for m in _BARE_RATE.finditer(text):
        # "增长 13.95。": a rate printed without its % sign (a wording defect, still a rate).
        out.append(_classify_percent(text, m.start(1), m.end(1), Decimal(m.group(1))))
    return sorted(out, key=lambda t: t.start)


def _classify_money(text: str, start: int, end: int, value: Decimal, unit: str, year: int | None) -> _Token:
    _, clause = _clause_before(text, start)
    tail = clause[-24:]
    if _RATE.search(squash(tail)) or text[end : end + 2].startswith(("/人", "/年")):
        return _Token("money", start, end, value, unit, "other")  # 每人 7.03 元: a rate, not an amount
    if _INSIDE.search(text[:start]):
        return _Token("money", start, end, value, unit, "part")  # "(含外宾接待支出 0.00 万元)"
    verb = _CHANGE_BEFORE.search(tail)
    if verb:
        word = verb.group(1) + (verb.group(2) or "")
        return _Token("money", start, end, value, unit, "change", word=word, sign=_sign_of(verb.group(1)))
    comparative = _COMPARATIVE.search(tail)
    if comparative:
        word = comparative.group(1)
        sign = 1 if word in ("大于", "高于", "多于") else -1
        return _Token("money", start, end, value, unit, "change", word=word, sign=sign)
    if _BUDGET_BEFORE.search(tail):
        return _Token("money", start, end, value, unit, "budget", basis="预算")
    compared = _COMPARED_AMOUNT.search(tail)
    if compared and _VERB_AFTER.match(text, end):
        # "比上年预算 12.50 万元减少 2.50 万元": the amount compared with is last year's.
        printed_year = compared.group(1)
        return _Token("money", start, end, value, unit, "prior", basis=_basis_of(compared.group(2)),
                      year=int(printed_year) if printed_year else (year - 1) if year else None)
    prior = _PRIOR_WORDS.search(tail)
    if prior and not _COMPARE.search(clause):
        return _Token("money", start, end, value, unit, "prior", basis=_basis_of(prior.group(0)),
                      year=(year - 1) if year else None)
    bare = _COMPARE.sub("", clause)  # "与2016年度相比(2016年度部门支出8648.07万元": the year of the amount
    years = [int(y) for y in _YEAR.findall(bare)]
    if year and years and years[-1] < year and _BUDGET_WORDS.search(bare) and not _AS_OF.search(bare):
        return _Token("money", start, end, value, unit, "prior", year=years[-1], basis=_basis_of(clause))
    return _Token("money", start, end, value, unit, "primary", year=years[-1] if years else None)


def _classify_percent(text: str, start: int, end: int, value: Decimal) -> _Token:
    _, clause = _clause_before(text, start)
    tail = clause[-24:]
    verb = _CHANGE_BEFORE.search(tail)
    if verb:
        word = verb.group(1) + (verb.group(2) or "")
        return _Token("percent", start, end, value, "%", "change", word=word, sign=_sign_of(verb.group(1)))
    if _COMPLETION.search(tail):
        return _Token("percent", start, end, value, "%", "completion")
    share = _SHARE.search(clause)
    if share:
        of = share.group(1).strip("的 ")
        return _Token("percent", start, end, value, "%", "share", share_of=of)
    return _Token("percent", start, end, value, "%", "other")


# --------------------------------------------------------------------------- subjects


def _strip_words(s: str) -> str:
    s = strip_numbering(s.strip(" ,:;，：；、")).strip()
    for _ in range(3):
        s = _LEADING.sub("", s).strip()
        s = _TRAILING.sub("", s).strip()
    return s.strip(" -,:;，：；、")


_YEAR_HEAD = re.compile(r"^.*?\d{4}\s*(?:年度|年)(?:的)?")


# A short form of the unit's name before 本年/2019年 ("省检察院本年收入预算合计"): not the subject.
_ORG_PREFIX = re.compile(
    r"^[\u4e00-\u9fff]{1,12}?(?:院|局|厅|委员会|委|办公室|中心|所|站|馆|社|学校|医院)(?=本年|本部门|本单位|当年|全年|\d{4}\s*年)"
)


def _clean_subject(raw: str, unit_name: str | None) -> str:
    s = _QUOTE_CHARS.sub("", clean_cjk_spaces(raw).strip())
    if unit_name:
        s = s.replace(unit_name, "")
    s = _ORG_PREFIX.sub("", s)
    year = _YEAR_HEAD.match(s)
    if year:
        # "…局 2025 年支出预算" names the subject after the year; "…(项)2025年预算数为" before it.
        after = _strip_words(s[year.end() :])
        return after or _strip_words(re.sub(r"\d{4}\s*(?:年度|年)(?:的)?$", "", s[: year.end()]))
    return _strip_words(s)


def _own_subject(text: str, at: int, unit_name: str | None, floor: int = 0) -> str:
    """The subject printed in the amount's own clause (empty for "2023年预算安排")."""
    start, _ = _clause_before(text, at)
    return _clean_subject(text[max(start, floor) : at], unit_name)


def _subject(text: str, at: int, unit_name: str | None, floor: int = 0) -> str:
    """The clause before the amount, cleaned; when the clause holds only a verb phrase
    ("2025年预算数为"), the clause before it ("…（项）"). ``floor``: nothing before it
    belongs to this amount (the end of the previous amount)."""
    end = at
    for _ in range(3):
        start, _clause = _clause_before(text, end)
        # A 科目 name may hold 、 ("公诉、审判、侦查、执行等检察监督支出(项)"): the whole item is the subject.
        while start > floor and text[start - 1] == "、" and _MARK_AHEAD.search(text, start, end):
            start, _ = _clause_before(text, start - 1)
        start = max(start, floor)
        subject = _clean_subject(text[start:end], unit_name)
        if subject in ("价值", "金额") and start > 0:
            before, _ = _clause_before(text, start - 1)
            noun = re.match(r"[\u4e00-\u9fff()]+", _strip_words(text[before : start - 1]))
            return (noun.group(0) if noun else "") + subject
        if subject or start <= floor:
            return subject
        end = start - 1
    return ""


_RESPECTIVELY = re.compile(r"([^,:;，：；。]+?)分别(?:为|是|安排|支出)?[:：]?")


def _respectively(text: str, tokens: list[_Token]) -> dict[int, str]:
    """"A、B、C分别为X万元、Y万元、Z万元": token start -> its subject."""
    out: dict[int, str] = {}
    if "分别" not in text:  # the pattern needs it; most sentences have none
        return out
    for m in _RESPECTIVELY.finditer(text):
        names = [n for n in re.split(r"[、和及与]", _strip_words(m.group(1))) if n]
        following = [t for t in tokens if t.start >= m.end() and t.role == "primary"][: len(names)]
        if len(names) >= 2 and len(following) == len(names):
            gap = text[m.end() : following[-1].start]
            if not re.search(r"[;；。]", gap):
                out.update({t.start: n for t, n in zip(following, names, strict=True)})
    return out


# --------------------------------------------------------------------------- statements


@dataclass
class _Statement:
    subject: str
    amount: Decimal
    unit: MoneyUnit
    year: int | None
    source: Source
    start: int  # offset of the amount in its span
    sentence_start: int
    span: Span
    code: str | None = None
    how: str = ""
    confidence: float | None = None
    stated: Decimal | None = None
    prior: Prior | None = None
    budget: Decimal | None = None
    completion: Decimal | None = None
    share: Decimal | None = None
    share_of: str = ""
    changes: list[Change] = field(default_factory=list)
    reason: str | None = None
    end: int = 0  # end of this statement's text in the span
    explicit: bool = True  # the subject was printed (not taken from a heading or item line)
    sources: dict[str, Source] = field(default_factory=dict)  # quantity -> where it is printed

    def figure(self, scope: str) -> Figure:
        text = self.span.text[self.sentence_start : max(self.end, self.start)]
        return Figure(
            subject=self.subject,
            amount=self.amount,
            unit=self.unit,
            share=self.share,
            change=self.changes[0] if self.changes else None,
            reason=self.reason,
            sentence=clean_cjk_spaces(text).strip(),
            source=self.source,
            code=self.code,
            resolution=self.how,
            confidence=self.confidence,
            year=self.year,
            stated=self.stated,
            prior=self.prior,
            budget=self.budget,
            completion=self.completion,
            share_of=self.share_of,
            scope=scope,
            other_changes=tuple(self.changes[1:]),
            quantity_sources=dict(self.sources),
        )


@dataclass
class _Section:
    """What the extractor carries from one paragraph to the next within a section."""

    statements: list[_Statement] = field(default_factory=list)
    # The 类 or 款 the last item naming one resolved to: "检察(款)：…合计16,444.36万元。其中：" then
    # "1.行政运行(项)支出…" — the 项 is under that 款.
    code: str | None = None


@dataclass
class _Paragraph:
    """What the extractor carries from one sentence to the next within a paragraph."""

    statements: list[_Statement] = field(default_factory=list)
    section: _Section = field(default_factory=_Section)
    pending_subject: str = ""  # an item line that names a 科目 and states its amount later
    in_reason: bool = False


def extract_statements(spans: Iterable[Span], ctx: StatementContext) -> tuple[list[Figure], list[Claim]]:
    """Every statement of these spans (in order) and the claims that belong to no statement
    (amounts inside reasons, changes stated alone, counts)."""
    figures: list[Figure] = []
    loose: list[Claim] = []
    scope = ctx.scope
    section = _Section()
    made: list[tuple[_Statement, str]] = []
    for span in spans:
        para = _Paragraph(section=section)
        text = span.text
        for s_start, s_end in _sentence_bounds(text):
            _sentence(span, s_start, s_end, para, ctx, loose)
        scope = _intro_scope(text, scope) if not para.statements else scope
        section.statements.extend(para.statements)
        made.extend((st, _scope_of(st.subject, "", scope)) for st in para.statements)
        loose.extend(_counts(span, ctx))
        # An intro paragraph ("财政拨款支出主要内容如下：") sets the scope of the items after it.
        ctx = replace(ctx, scope=scope)
    # Built at the end: a later paragraph may still complete an earlier statement.
    figures.extend(st.figure(st_scope) for st, st_scope in made)
    return figures, loose


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _sentence(span: Span, s_start: int, s_end: int, para: _Paragraph, ctx: StatementContext,
              loose: list[Claim]) -> None:
    text = span.text
    # "收、支预算总计" is one subject (收支), not a list: the same length keeps offsets.
    sentence = _JOINED_PAIR.sub(lambda m: m.group(1) + " " + m.group(2), text[s_start:s_end])
    tokens = _tokens(sentence, ctx.year)
    names = _respectively(sentence, tokens)
    if para.in_reason and not _REASON_GOES_ON.match(sentence):
        para.in_reason = False  # a reason goes on into the next sentence only as "二是…"
    opened: list[_Statement] = []
    reason_at: int | None = None
    piece_start = 0
    for piece_end in [*(m.start() for m in _PIECE_END.finditer(sentence)), len(sentence)]:
        piece = sentence[piece_start:piece_end]
        piece_tokens = [t for t in tokens if piece_start <= t.start < piece_end]
        primaries = [t for t in piece_tokens if t.role == "primary"]
        if para.in_reason and (_REASON_GOES_ON.match(piece) or not primaries):
            _reason_claims(span, s_start + piece_start, piece, piece_tokens, ctx, loose, piece_start)
            _extend_reason(para, piece)
            piece_start = piece_end + 1
            continue
        para.in_reason = False
        limit = piece_end
        marker = _reason_marker(piece, any(t.role == "change" for t in piece_tokens) or _has_change(para, opened))
        if marker:
            limit = piece_start + marker.start()
            reason_at = piece_start + marker.end()
        before = [t for t in piece_tokens if t.start < limit]
        uses = _USES.search(piece)
        if uses and (opened or para.statements or any(
                t.role == "primary" and t.start < piece_start + uses.start() for t in before)):
            # "X 337.35万元，主要用于A 15.29万元、B 225.69万元": a breakdown by use, not 科目 cells.
            cut = piece_start + uses.end()
            breakdown = [t for t in before if t.start >= cut and t.role == "primary"]
            _reason_claims(span, s_start + cut, sentence[cut:limit], breakdown, ctx, loose, cut, note="用途")
            before = [t for t in before if t not in breakdown]
        _statement_tokens(span, s_start, sentence, before, names, para, opened, ctx, loose, piece_start, limit)
        if marker:
            reason_text = sentence[reason_at:piece_end]
            owner = opened[-1] if opened else (para.statements[-1] if para.statements else None)
            if owner is not None and owner.reason is None:
                owner.reason = _clean_reason(reason_text)
            _reason_claims(span, s_start + reason_at, reason_text,
                           [t for t in piece_tokens if t.start >= reason_at], ctx, loose, reason_at)
            para.in_reason = True
        piece_start = piece_end + 1
    if not tokens and not opened:
        _maybe_pending(sentence, para, ctx)
    for st in opened:
        st.end = max(st.end, s_start + (reason_at if reason_at is not None else len(sentence)))
    if opened:
        last = opened[-1]
        last.end = s_end


def _has_change(para: _Paragraph, opened: list[_Statement]) -> bool:
    owner = opened[-1] if opened else (para.statements[-1] if para.statements else None)
    return bool(owner and owner.changes)


def _reason_marker(piece: str, after_change: bool) -> re.Match[str] | None:
    m = _REASON.search(piece)
    if m and m.group(0):
        return m
    return _REASON_AFTER_CHANGE.search(piece) if after_change else None


def _clean_reason(text: str) -> str:
    return clean_cjk_spaces(text).strip(" :：,，")


def _extend_reason(para: _Paragraph, piece: str) -> None:
    owner = para.statements[-1] if para.statements else None
    if owner is not None and owner.reason is not None:
        extra = _clean_reason(piece)
        if extra:
            owner.reason = f"{owner.reason};{extra}" if owner.reason else extra


def _maybe_pending(sentence: str, para: _Paragraph, ctx: StatementContext) -> None:
    """An item line that only names a 科目 ("1、X(类)Y(款)Z(项)") before its amounts."""
    s = squash(sentence)
    if re.search(r"\((?:类|款|项)\)", s) and len(s) <= 80:
        para.pending_subject = _clean_subject(sentence, ctx.unit_name)


def _statement_tokens(span: Span, s_start: int, sentence: str, tokens: list[_Token], names: dict[int, str],
                      para: _Paragraph, opened: list[_Statement], ctx: StatementContext, loose: list[Claim],
                      piece_start: int, piece_end: int) -> None:
    floor = piece_start
    # Prior-year and 年初预算 amounts printed before the amount they go with:
    # "2022年预算执行数为1.48万元，2023年预算安排2.63万元", "年初预算为54.53万元，支出决算为54.53万元".
    waiting: list[_Token] = []
    continued: _Statement | None = None

    def at(tok: _Token) -> Source:
        return Source(line=span.line_at(s_start + tok.start))

    for tok in tokens:
        if tok.role == "primary":
            subject = names.get(tok.start) or _subject(sentence, tok.start, ctx.unit_name, floor)
            own = names.get(tok.start) or _own_subject(sentence, tok.start, ctx.unit_name, floor)
            current = opened[-1] if opened else (para.statements[-1] if para.statements else None)
            if (current is not None and not own and current.stated is None and _is_generic(subject)
                    and current.unit.value == tok.unit):
                current.stated = tok.value  # "2023年预算安排2.63万元" after the item line
                current.sources["stated"] = at(tok)
                for w in waiting:
                    _attach(current, sentence, w, ctx, at(w))
                waiting.clear()
                floor = tok.end
                continue
            explicit = True
            if _is_generic(subject):
                # "检察(款)：2018年预算支出合计16,444.36万元", "1.住房公积金(项)：支出1,073.77万元"
                path = _labelled_path(sentence, piece_start, tok.start, ctx)
                if path:
                    subject = path
            if _is_generic(subject):
                named = next((s for s in (_waiting_subject(sentence, w, ctx, piece_start) for w in waiting) if s), "")
                if named:
                    subject = named
                elif para.pending_subject:
                    subject, explicit = para.pending_subject, False
                    para.pending_subject = ""
            st = _open(span, s_start, tok, subject, explicit, ctx, para.section)
            for w in waiting:
                _attach(st, sentence, w, ctx, at(w))
            waiting.clear()
            opened.append(st)
            para.statements.append(st)
            floor = tok.end
            continue
        if tok.role == "part":
            subject = _clean_subject(re.sub(r"^.*\(含", "", sentence[floor : tok.start]), ctx.unit_name)
            loose.append(_claim(span, s_start + tok.start, "amount", tok.value, tok.unit, subject, ctx, note="其中"))
            continue
        owner = opened[-1] if opened else None
        if owner is None and tok.role in ("prior", "budget"):
            waiting.append(tok)
            floor = tok.end
            continue
        if owner is None and tok.role in ("change", "completion"):
            owner = _continued(sentence, tok, para, ctx)
            # "…增加0.00万元，增长0.00%": the percent goes where the amount before it went.
            if owner is None and continued is not None and not _named_in_clause(sentence, tok, ctx, floor):
                owner = continued
            continued = owner
        if owner is None:
            if tok.role in ("change", "share"):
                loose.append(_lone_claim(span, s_start, sentence, tok, ctx, floor))
            continue
        _attach(owner, sentence, tok, ctx, at(tok))
        floor = tok.end
    for w in waiting:  # nothing followed: the prior amount completes the statement before
        owner = _continued(sentence, w, para, ctx)
        if owner is not None:
            _attach(owner, sentence, w, ctx, at(w))
    # "与上年持平" / "与2024年预算一致": a change of zero.
    _flat_changes(span, s_start, sentence, tokens, opened, para, ctx, piece_start, piece_end, loose)


def _named_in_clause(sentence: str, tok: _Token, ctx: StatementContext, floor: int) -> str:
    """What the token's own clause names, comparison and change words removed ("增长" names nothing)."""
    start, clause = _clause_before(sentence, tok.start)
    clause = sentence[max(start, floor) : tok.start]
    clause = _COMPARE.sub("", clause)
    clause = re.sub(rf"(?:{_VERB}|小于|大于|低于|高于)(?:了)?(?:\(\s*(?:{_VERB})\s*\))?\s*$", "", clause)
    return _clean_subject(clause, ctx.unit_name)


def _labelled_path(sentence: str, start: int, at: int, ctx: StatementContext) -> str:
    """A 科目 path printed as the label before a colon, whose amount follows it."""
    head = sentence[start:at]
    m = re.match(r"^\s*(.{1,60}?\(\s*(?:类|款|项)\s*\))\s*[:：]", head)
    return _clean_subject(m.group(1), ctx.unit_name) if m else ""


def _waiting_subject(sentence: str, tok: _Token, ctx: StatementContext, floor: int) -> str:
    """"一般公共预算财政拨款支出年初预算为…": the subject before 年初预算/上年预算."""
    start, _ = _clause_before(sentence, tok.start)
    head = sentence[max(start, floor) : tok.start]
    head = re.sub(r"(?:\d{4}\s*年度?)?(?:当年|上年|上一年度?|年初|调整后?)?(?:预算)?(?:执行数|预算数|决算数|预算|决算)?"
                  r"(?:数)?(?:为|是)?\s*$", "", head)
    subject = _clean_subject(head, ctx.unit_name)
    return "" if _is_generic(subject) else subject


def _is_generic(subject: str) -> bool:
    return bool(_GENERIC_SUBJECT.match(squash(subject)))


def _open(span: Span, s_start: int, tok: _Token, subject: str, explicit: bool, ctx: StatementContext,
          section: _Section) -> _Statement:
    offset = s_start + tok.start
    st = _Statement(
        subject=subject,
        amount=tok.value,
        unit=MoneyUnit(tok.unit),
        year=tok.year or ctx.year,
        source=Source(line=span.line_at(offset)),
        start=offset,
        sentence_start=s_start,
        span=span,
        explicit=explicit,
    )
    if ctx.resolve is not None:
        found = ctx.resolve(subject, section.code or ctx.code)
        if found is None and section.code:
            found = ctx.resolve(subject, ctx.code)
        if found:
            st.code, st.how, st.confidence = found
            if len(st.code) in (3, 5) and _MARKED.search(squash(subject)):
                section.code = st.code
    return st


def _continued(sentence: str, tok: _Token, para: _Paragraph, ctx: StatementContext) -> _Statement | None:
    """The statement a change or prior amount printed in a later sentence belongs to: the
    paragraph's last one, unless the clause names another subject; a subject named again
    ("“三公”经费预算比上年预算增加…", "其中：因公出国(境)费增加0万元") continues the section's
    last statement of that subject."""
    start, _ = _clause_before(sentence, tok.start)
    head = sentence[:tok.start]
    compare = _COMPARE.search(head)
    named = head[compare.end():] if compare and compare.end() > start else head[start:]
    if compare and not _clean_subject(re.sub(rf"(?:{_VERB}|小于|大于|低于|高于).*$", "", named), ctx.unit_name):
        # "收入支出总计与上年相比增加…": the subject before the comparison, within the clause
        named = head[start : compare.start()] if compare.start() > start else ""
    named = re.sub(rf"(?:{_VERB}|小于|大于|低于|高于).*$", "", _COMPLETION.sub("", named))
    subject = _clean_subject(named, ctx.unit_name)
    if para.statements:
        last = para.statements[-1]
        if (not subject or _is_generic(subject) or not _NAMES_SUBJECT.search(subject)
                or _same_subject(subject, last.subject)):
            return last
    if subject and not _is_generic(subject):
        for st in reversed(para.statements + para.section.statements):
            if _same_subject(subject, st.subject) and not st.changes:
                return st
    return None


_SUBJECT_NOISE = re.compile(r"预算|决算|总计|合计|本年|年度|数|的|\"|支出|收入|、|,|，|各|均|分别|共计")
# A clause that names no budget subject ("增减相抵后") restates the statement before it.
_NAMES_SUBJECT = re.compile(r"支出|收入|经费|费|资金|预算|拨款|采购|资产")


def _same_subject(a: str, b: str) -> bool:
    sa, sb = squash(a), squash(b)
    if sa and sb and (sa in sb or sb in sa):
        return True
    ka, kb = _SUBJECT_NOISE.sub("", sa), _SUBJECT_NOISE.sub("", sb)
    return bool(ka and kb) and (ka in kb or kb in ka)


def _comparison(sentence: str, upto: int, ctx: StatementContext) -> tuple[int | None, str, str]:
    """(year, basis, printed) of the last comparison phrase before ``upto``."""
    found = None
    for m in _COMPARE.finditer(sentence, 0, upto):
        found = m
    if found is None:
        return ((ctx.year - 1) if ctx.year else None), "", ""
    year = int(found.group(1)) if found.group(1) else ((ctx.year - 1) if ctx.year else None)
    return year, _basis_of(found.group(2)), squash(found.group(0))


def _attach(st: _Statement, sentence: str, tok: _Token, ctx: StatementContext, source: Source) -> None:
    if tok.role == "change":
        year, basis, _printed = _comparison(sentence, tok.start, ctx)
        value = abs(tok.value) * tok.sign
        current = st.changes[-1] if st.changes else None
        direction = "increase" if tok.sign > 0 else "decrease"
        if tok.kind == "money":
            if current is not None and current.amount is None and current.direction != "flat":
                st.changes[-1] = replace(current, amount=abs(tok.value))
            else:
                st.changes.append(Change(direction, abs(tok.value), None, word=tok.word, basis=basis, year=year,
                                         source=source))
        elif current is not None and current.percent is None and (current.direction == direction or value == 0):
            st.changes[-1] = replace(current, percent=tok.value if tok.value >= 0 else -tok.value,
                                     direction=current.direction if current.amount else direction,
                                     word=current.word or tok.word)
        else:
            st.changes.append(Change(direction, None, abs(tok.value), word=tok.word, basis=basis, year=year,
                                     source=source))
        _mark_alternative(st, tok)
    elif tok.role == "prior" and st.prior is None:
        st.prior = Prior(amount=tok.value, unit=MoneyUnit(tok.unit), basis=tok.basis, year=tok.year, source=source)
    elif tok.role == "budget" and st.budget is None:
        st.budget = tok.value
        st.sources["budget"] = source
    elif tok.role == "completion" and st.completion is None:
        st.completion = tok.value
        st.sources["completion"] = source
    elif tok.role == "share" and st.share is None:
        st.share, st.share_of = tok.value, tok.share_of
        st.sources["share"] = source


def _mark_alternative(st: _Statement, tok: _Token) -> None:
    """Keep both words of a template alternative ("下降(增长)") as printed."""
    if "(" in tok.word and st.changes:
        last = st.changes[-1]
        if "(" not in last.word:
            st.changes[-1] = replace(last, word=tok.word)


def _flat_changes(span: Span, s_start: int, sentence: str, tokens: list[_Token], opened: list[_Statement],
                  para: _Paragraph, ctx: StatementContext, piece_start: int, piece_end: int,
                  loose: list[Claim]) -> None:
    for m in _FLAT.finditer(sentence, piece_start, piece_end):
        compare = None
        for c in _COMPARE.finditer(sentence, max(0, m.start() - 24), m.start()):
            compare = c
        if compare is None:
            continue  # "决算数同预算数持平" compares with the budget, not with last year
        if any(t.role == "change" and compare.end() <= t.start <= m.start() for t in tokens):
            continue
        year, basis, _ = _comparison(sentence, m.start(), ctx)
        start, _ = _clause_before(sentence, compare.start())
        named = _clean_subject(sentence[max(start, piece_start) : compare.start()], ctx.unit_name)
        before = [st for st in opened if st.start - st.sentence_start < m.start()]
        owner = before[-1] if before else (para.statements[-1] if para.statements and not opened else None)
        if owner is None or (named and not _same_subject(named, owner.subject) and _NAMES_SUBJECT.search(named)):
            # "其中：因公出国(境)费支出与上一年度持平": the item stated earlier, or a claim of its own
            owner = next((st for st in reversed(para.statements + para.section.statements)
                          if named and _same_subject(named, st.subject) and not st.changes), None)
            if owner is None:
                if named:
                    loose.append(_claim(span, s_start + m.start(), "change_amount", Decimal(0), "万元", named, ctx,
                                        basis=basis, year=year, note="单独表述"))
                continue
        if not owner.changes:
            owner.changes.append(Change("flat", None, None, word=m.group(0), basis=basis, year=year,
                                        source=Source(line=span.line_at(s_start + m.start()))))


def _lone_claim(span: Span, s_start: int, sentence: str, tok: _Token, ctx: StatementContext, floor: int) -> Claim:
    """A change (or share) whose amount the text never states: "公务接待费支出减少0.15万元"."""
    start, _ = _clause_before(sentence, tok.start)
    head = sentence[max(floor, 0) : tok.start]
    compare = _COMPARE.search(head)
    named = head[: compare.start()] if compare and compare.start() > 0 else head
    named = re.sub(rf"(?:{_VERB}|小于|大于|低于|高于|占).*$", "", named)
    subject = _clean_subject(named, ctx.unit_name) or _clean_subject(sentence[start : tok.start], ctx.unit_name)
    year, basis, _ = _comparison(sentence, tok.start, ctx) if tok.role == "change" else (None, "", "")
    quantity = {"change": "change_amount" if tok.kind == "money" else "change_pct", "share": "share_pct"}[tok.role]
    value = abs(tok.value) * tok.sign if tok.role == "change" else tok.value
    return _claim(span, s_start + tok.start, quantity, value, tok.unit, subject, ctx, basis=basis, year=year,
                  note="单独表述")


def _reason_claims(span: Span, offset: int, text: str, tokens: list[_Token], ctx: StatementContext,
                   loose: list[Claim], base: int, note: str = "原因中") -> None:
    """Quantities inside a reason are about another subject: claims of their own."""
    for tok in tokens:
        if tok.role not in ("primary", "change", "prior", "completion"):
            continue
        local = tok.start - base
        if local < 0:
            continue
        subject = _subject(text, local, ctx.unit_name)
        if tok.role == "change":
            compare = _COMPARE.search(text[:local])
            named = text[: compare.start()] if compare and compare.start() > 0 else text[:local]
            named = re.sub(rf"(?:{_VERB}).*$", "", named)
            _, named_clause = _clause_before(named, len(named))
            subject = _clean_subject(named_clause, ctx.unit_name) or subject
        quantity = {"primary": "amount", "prior": "prior_amount", "completion": "completion_pct"}.get(
            tok.role, "change_amount" if tok.kind == "money" else "change_pct")
        value = abs(tok.value) * tok.sign if tok.role == "change" else tok.value
        year = tok.year if tok.role != "change" else None
        loose.append(_claim(span, offset + local, quantity, value, tok.unit, subject, ctx, basis=tok.basis,
                            year=year, note=note))


def _counts(span: Span, ctx: StatementContext) -> list[Claim]:
    out: list[Claim] = []
    text = span.text
    for m in _COUNT.finditer(text):
        unit = m.group(2)
        sentence_start = max((e.end() for e in _SENTENCE_END.finditer(text, 0, m.start())), default=0)
        start, _ = _clause_before(text, m.start())
        clause = text[max(start, sentence_start) : m.start()]
        noun = _COUNT_NOUNS.get(unit)
        after = text[m.end() : m.end() + 6]
        if noun is not None and not (noun.search(clause) or noun.search(after)):
            continue
        if re.search(r"\d{4}\s*$", text[: m.start()]) or re.search(r"第\s*$", clause):
            continue  # a year ("2025年") or an ordinal ("第3个")
        if _COUNT_CHANGE.search(clause):
            continue  # "减少 2 人", "比上年少2人": a change in a count, not a count
        if unit in _PEOPLE and (ctx.topic != "profile" or _REASON.search(text, sentence_start, m.start())):
            continue  # people are counted in 人员情况, not in the reasons of other sections
        subject = re.sub(r"(?:共有|现有|累计|共计|共|有|计)$", "", _clean_subject(clause, ctx.unit_name))
        subject = re.sub(r"^(?:共有|现有|共|有)", "", subject)
        named_after = noun.search(after) if noun is not None else None
        if named_after and (not subject or not noun.search(subject) or re.search(r"\d{4}年|本部门|本单位", subject)):
            subject = named_after.group(0)  # "共0个项目实行…": the noun follows the count
        if not subject and out:
            subject = out[-1].subject  # "团组 0 个、累计 0 人次": the same thing counted again
        out.append(_count_claim(span, m.start(), Decimal(m.group(1)), unit, subject, ctx, sentence_start))
    if ctx.topic == "profile":
        # "编制数 15，实有人数 14 人": the authorized strength is often printed without 人.
        for m in _AUTHORIZED.finditer(text):
            out.append(_count_claim(span, m.start(1), Decimal(m.group(1)), "人", "编制数", ctx, 0))
    return sorted(out, key=lambda c: c.source.line or 0)


def _count_claim(span: Span, offset: int, value: Decimal, unit: str, subject: str, ctx: StatementContext,
                 sentence_start: int) -> Claim:
    # Holdings "截至2024年12月31日" belong to that year, not to the budget year.
    as_of = _AS_OF_YEAR.search(span.text, sentence_start, offset)
    year = int(as_of.group(1)) if as_of else ctx.year
    return _claim(span, offset, "count", value, unit, subject, ctx, year=year, note="数量")


def _claim(span: Span, offset: int, quantity: str, value: Decimal, unit: str, subject: str,
           ctx: StatementContext, *, basis: str = "", year: int | None = None, note: str = "") -> Claim:
    code = None
    if ctx.resolve is not None and subject and quantity != "count":
        found = ctx.resolve(subject, ctx.code)
        code = found[0] if found else None
    return Claim(
        quantity=quantity,
        value=value,
        unit=unit,
        subject=subject,
        section=ctx.section,
        code=code,
        basis=basis,
        year=year if year is not None else (ctx.year if quantity in ("amount", "count") else None),
        note=note,
        source=Source(line=span.line_at(offset)),
    )


# --------------------------------------------------------------------------- fund scope

_SCOPES = (
    ("gov_fund", re.compile(r"政府性基金")),
    ("state_capital", re.compile(r"国有资本经营")),
    ("gpb", re.compile(r"一般公共预算|公共财政")),
    ("fiscal", re.compile(r"财政拨款")),
)


def scope_of_text(text: str) -> str:
    s = squash(text)
    for scope, pattern in _SCOPES:
        if pattern.search(s):
            return scope
    return ""


def _scope_of(subject: str, _sentence: str, inherited: str) -> str:
    return scope_of_text(subject) or inherited


def _intro_scope(text: str, current: str) -> str:
    """A paragraph without amounts that introduces a list ("财政拨款支出主要内容如下：")."""
    s = squash(text)
    if len(s) <= 60 and re.search(r"(?:如下|包括|其中)[:：]?$", s):
        return scope_of_text(s) or current
    return current


# --------------------------------------------------------------------------- compatibility


def find_change(text: str) -> Change | None:
    """The first stated year-on-year change in a text (amount and/or percent, or flat)."""
    figures, _ = extract_statements([Span("某项0万元," + text)], StatementContext())
    if figures and figures[0].change is not None:
        return figures[0].change
    compare = _COMPARE.search(text)
    if compare and _FLAT.search(text, compare.end()):
        return Change("flat", Decimal(0), None)
    return None


def sentences(span: Span) -> list[str]:
    return [span.text[a:b] for a, b in _sentence_bounds(span.text)]
