"""Text normalisation: the one place where printed text becomes comparable text.

Disclosures mix full-width and half-width digits and punctuation, wrap brackets in
several styles, and PDF extraction inserts spaces inside Chinese words. Everything that
compares or parses text goes through these functions.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache

# Characters NFKC leaves alone but that mean the same thing here.
_EXTRA = str.maketrans(
    {
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "－": "-",
        "—": "-",
        "–": "-",
        "─": "-",
        "﹪": "%",
        "\u3000": " ",
        "\xa0": " ",
        "\u200b": "",
        "\ufeff": "",
    }
)

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_SPACE_IN_CJK = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_MULTI_SPACE = re.compile(r"[ \t]+")


@lru_cache(maxsize=1 << 16)
def normalize(text: str) -> str:
    """NFKC (full-width digits/letters/punctuation to ASCII), unified brackets, quotes
    and dashes. Keeps tabs and line structure; does not remove spaces."""
    return unicodedata.normalize("NFKC", text).translate(_EXTRA)


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1 << 16)
def squash(text: str) -> str:
    """Normalised text with every space removed: for matching titles, names and headers,
    where PDF extraction and wrapping put spaces and line breaks anywhere."""
    return _SPACES.sub("", normalize(text))


# A space between a CJK character and a bracket inside a table label ("拨款(补助) 资金").
_SPACE_AT_BRACKET = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[()])|(?<=[()])[ \t]+(?=[{_CJK}])")


def clean_label(text: str) -> str:
    """A table cell's label: ``clean_cjk_spaces`` and no space between a CJK character and a
    bracket (a cell's text wrapped at a bracket). Not for narrative, where "(三) 国有资产…"
    keeps the space after its numbering."""
    return _SPACE_AT_BRACKET.sub("", clean_cjk_spaces(text))


def clean_cjk_spaces(text: str) -> str:
    """Remove spaces between two CJK characters, keep the rest (numbers stay apart)."""
    if " " not in text and "\t" not in text:
        return text.strip()  # most cells: nothing for the patterns to do
    return _MULTI_SPACE.sub(" ", _SPACE_IN_CJK.sub("", text)).strip()


# Half-width punctuation that Chinese text prints full-width, when next to a CJK character.
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}，。；：、（）])[ \t]+|[ \t]+(?=[{_CJK}，。；：、（）])")
_PUNCT_BY_CJK = re.compile(rf"(?<=[{_CJK}])([,;:?!])(?=[{_CJK}\d])|(?<=[\d%])([,;:?!])(?=[{_CJK}])"
                           rf"|(?<=[{_CJK}])([()])|([()])(?=[{_CJK}])")


def printed_chinese(text: str) -> str:
    """Text to print in a Chinese document from text read out of one (the reverse of the
    extraction artefacts ``normalize`` leaves): no spaces next to Chinese characters
    ("2025 年" -> "2025年"), and full-width punctuation beside them ("少2人,导致" -> "少2人，导致")."""
    out = _PUNCT_BY_CJK.sub(lambda m: _FULL_WIDTH[next(g for g in m.groups() if g)], text)
    return _SPACE_NEXT_TO_CJK.sub("", out).strip()


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_DASHES = {"-", "--", "—", "——", "/", "\\"}


def parse_amount(cell: str) -> Decimal | None:
    """A printed amount as Decimal, exactly as printed ("3.00" stays "3.00", thousands
    separators dropped, "(1.5)" and "△1.5" read as negative). Blank, dash and text give
    None."""
    s = normalize(cell).strip().replace(" ", "")
    if not s or s in _DASHES:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        s, negative = s[1:-1], True
    elif s.startswith("△") or s.startswith("▲"):
        s, negative = s[1:], True
    if not _NUMBER.match(s):
        return None
    try:
        value = Decimal(s.replace(",", ""))
    except InvalidOperation:
        return None
    return -value if negative else value


def quantized(value: Decimal, places: int, rounding: str = ROUND_HALF_EVEN) -> Decimal:
    """``value`` at ``places`` decimals whatever its size: the default context (28 digits)
    raises InvalidOperation for a 27-digit amount at two places. Infinity and NaN (read
    from a workbook's float) come back unchanged."""
    if not value.is_finite():
        return value
    with localcontext(Context(prec=max(28, value.adjusted() + places + 2))):
        return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def is_amount(cell: str) -> bool:
    return parse_amount(cell) is not None


def decimals_of(value: Decimal) -> int:
    """Printed decimal places of a Decimal ("3.00" -> 2, "12" -> 0)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_numeral(text: str) -> int | None:
    """"二十三" -> 23 (up to 99, enough for section and item numbering)."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = _CN_DIGITS.get(tens) if tens else 1
        o = _CN_DIGITS.get(ones) if ones else 0
        if t is None or o is None:
            return None
        return t * 10 + o
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    return None


# Numbering prefixes printed before row labels and headings:
# "一、" "十二、" "1." "1、" "(一)" "（1）" "第一部分" "1. " "①"
_NUMBERING = re.compile(
    r"^\s*(?:"
    r"第[一二三四五六七八九十百零〇\d]+(?:部分|章|节|项)"
    r"|\([一二三四五六七八九十百零〇]+\)[、.．]?"
    r"|[一二三四五六七八九十百零〇]+[、.．]"
    r"|\(\d{1,2}\)[、.．]?"
    r"|\d{1,2}(?:[、．]|\.(?!\d))"
    r"|[①②③④⑤⑥⑦⑧⑨⑩]"
    r")\s*"
)


def strip_numbering(label: str) -> str:
    """Remove one leading numbering prefix: "十、卫生健康支出" -> "卫生健康支出"."""
    stripped = _NUMBERING.sub("", label, count=1)
    return stripped if stripped else label


def leading_number(label: str) -> int | None:
    """The ordinal of a numbering prefix ("十、" -> 10, "(3)" -> 3), if any."""
    m = re.match(
        r"^\s*(?:\(([一二三四五六七八九十]+|\d{1,2})\)|([一二三四五六七八九十]+|\d{1,2})(?:[、．]|\.(?!\d)))",
        normalize(label),
    )
    return chinese_numeral(m.group(1) or m.group(2)) if m else None


# --------------------------------------------------------------------------- file names


def printable(text: str) -> str:
    """``text`` as valid Unicode that every encoder accepts. A file name that is not valid
    UTF-8 reaches Python with its undecodable bytes as lone surrogates (surrogateescape);
    those become ``\\xff`` escapes, so the name can be stored, printed and compared. Valid
    text comes back unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
