"""The rendered PDF as a reader sees it: cover, 目录 with the right page numbers, numbered pages,
wide tables on landscape pages, merged official headers repeated on every page, amounts right-
aligned with separators, embedded CJK fonts with a glyph for every character — checked on the
text layer and on rasterised pages (pdftoppm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests._render_sample import sample_input
from yusuan.model import MoneyUnit
from yusuan.render import compose, get_style, render
from yusuan.render.document import Cover, Heading, Paragraph, TableView, Toc
from yusuan.render.html_writer import write_pdf

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdftoppm", "pdffonts", "fc-match")),
    reason="poppler-utils not installed")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    pytest.importorskip("weasyprint")
    out = tmp_path_factory.mktemp("pdf") / "公开.pdf"
    result = render(sample_input(), out, get_style("xinjiang"))
    assert not result.blocked, (result.stop, result.findings)
    return out, result.composed


def _pages(path: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _page_of(pages: list[str], needle: str, start: int = 0) -> int:
    """1-based physical page where ``needle`` first appears at or after page ``start``."""
    return next(i for i, p in enumerate(pages, start=1) if i > start and needle in _squash(p))


def _raster(path: Path, page: int, folder: Path, dpi: int = 72) -> tuple[int, int, bytes]:
    """A page as 8-bit grey pixels: (width, height, pixels)."""
    prefix = folder / f"p{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), str(path), str(prefix)],
                   check=True)
    data = next(folder.glob(f"p{page}*.pgm")).read_bytes()
    _magic, dims, _maxval, pixels = data.split(b"\n", 3)
    width, height = (int(x) for x in dims.split())
    return width, height, pixels


def _ink(width: int, pixels: bytes, box: tuple[int, int, int, int]) -> int:
    x0, y0, x1, y1 = box
    return sum(1 for y in range(y0, y1) for x in range(x0, x1) if pixels[y * width + x] < 128)


def test_pdf_text_has_every_heading_paragraph_table_title_and_amount(rendered):
    path, composed = rendered
    text = _squash("".join(_pages(path)))
    missing = []
    for block in composed.blocks:
        if isinstance(block, Heading | Paragraph):
            if _squash(block.text)[:30] not in text:  # long paragraphs wrap; the first 30 characters
                missing.append(block.text)
        elif isinstance(block, TableView):
            cells = [block.body_cell(r, c) for r in range(len(block.body)) for c in range(len(block.body[r]))]
            missing += [item for item in (block.title, *cells) if item and _squash(item) not in text]
        elif isinstance(block, Cover):
            missing += [t for t in (block.unit_name, block.title, block.date) if _squash(t) not in text]
    assert missing == []


def test_cover_and_toc_come_first_and_the_toc_gives_each_page(rendered):
    path, composed = rendered
    pages = _pages(path)
    cover = _squash(pages[0])
    assert cover == _squash("且末县医疗保障局2025年单位预算2025年1月20日")
    assert "目录" in _squash(pages[1])
    toc = next(b for b in composed.blocks if isinstance(b, Toc))
    lines = [_squash(line) for line in pages[1].splitlines() if line.strip()]
    for entry in toc.entries:
        line = next(x for x in lines if x.startswith(_squash(entry.text)))
        printed = int(re.search(r"(\d+)$", line).group(1))
        # body pages are numbered from 1 after the unnumbered cover and 目录; a table is listed
        # with a number of its own ("一、单位收支总体情况表") and printed under its title
        target = next(b for b in composed.blocks if getattr(b, "anchor", "") == entry.anchor)
        title = target.title if isinstance(target, TableView) else target.text
        physical = _page_of(pages, _squash(title), start=2)
        assert printed == physical - 2, entry.text


def test_every_body_page_is_numbered_at_the_foot(rendered, tmp_path):
    path, _ = rendered
    pages = _pages(path)
    for i, page in enumerate(pages[2:], start=1):
        assert _squash(page.rstrip().splitlines()[-1]) == f"—{i}—"
    for number in (1, 3, len(pages)):  # cover blank at the foot, body pages inked there
        width, height, pixels = _raster(path, number, tmp_path)
        foot = _ink(width, pixels, (width // 3, int(height * 0.93), 2 * width // 3, height - 2))
        assert (foot == 0) if number == 1 else (foot > 10), number


def test_wide_tables_go_on_landscape_pages(tmp_path):
    """Seed 000's 收入表 has twelve amount columns: a landscape page; its 支出表, three: portrait."""
    from yusuan.render import load_input

    from .conftest import seed

    pytest.importorskip("weasyprint")
    data, _ = load_input(seed("000"))
    path = tmp_path / "seed.pdf"
    write_pdf(compose(data, get_style("xinjiang")).blocks, path)
    pages = _pages(path)
    wide = _page_of(pages, "部门收入总体情况表", start=2)  # seed 000 is a 部门预算
    narrow = _page_of(pages, "部门支出总体情况表", start=2)
    assert "财政拨款（补助）" in _squash(pages[wide - 1])  # the group over its fund columns
    w, h, _ = _raster(path, wide, tmp_path)
    assert w > h
    w, h, _ = _raster(path, narrow, tmp_path)
    assert h > w


def test_merged_header_cell_spans_the_code_columns(rendered, tmp_path):
    """功能分类科目编码 is one cell over 类/款/项: the rule between 类 and 款 stops below it."""
    import pdfplumber

    path, _ = rendered
    page_no = _page_of(_pages(path), "单位支出总体情况表", start=2)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        words = page.extract_words()
        head = next(w for w in words if w["text"].startswith("功能分类科目编码"))
        lei = next(w for w in words if w["text"] == "类" and w["top"] > head["bottom"])
        kuan = next(w for w in words if w["text"] == "款" and abs(w["top"] - lei["top"]) < 2)
    width, _height, pixels = _raster(path, page_no, tmp_path)
    x0, x1 = int(lei["x1"]) + 1, int(kuan["x0"]) - 1  # between the 类 and 款 glyphs (72 dpi: 1 px = 1 pt)

    def rule_between(top: float, bottom: float) -> bool:
        return any(all(pixels[y * width + x] < 160 for y in range(int(top) + 1, int(bottom) - 1))
                   for x in range(x0, x1))

    assert rule_between(lei["top"], lei["bottom"])  # separate cells in the 类/款/项 row
    assert not rule_between(head["top"], head["bottom"])  # one merged cell above them


def test_amounts_are_right_aligned_with_separators_and_names_left(tmp_path):
    """Shanghai tables in 元: every amount of a column ends at the same x, names start at the same x."""
    import pdfplumber

    pytest.importorskip("weasyprint")
    data = sample_input()
    d = data.disclosure
    tables = tuple(replace(t, unit=MoneyUnit.YUAN, rows=tuple(
        replace(r, values={k: v * 10000 for k, v in r.values.items()}) for r in t.rows)) for t in d.tables)
    composed = compose(replace(data, disclosure=replace(d, tables=tables)), get_style("shanghai"))
    out = tmp_path / "yuan.pdf"
    write_pdf(composed.blocks, out)
    pages = _pages(out)
    page_no = _page_of(pages, "预算单位支出预算总表", start=2)
    assert "2,272,400.00" in _squash(pages[page_no - 1])
    with pdfplumber.open(out) as pdf:
        words = pdf.pages[page_no - 1].extract_words()
    amounts = [w for w in words if re.fullmatch(r"[\d,]+\.\d\d", w["text"])]
    first_column = min(round(w["x1"]) for w in amounts)
    ends = {round(w["x1"]) for w in amounts if abs(w["x1"] - first_column) < 30}
    assert len(ends) == 1 and len([w for w in amounts if abs(w["x1"] - first_column) < 30]) >= 5
    names = [w for w in words if w["text"] in ("教育支出", "进修及培训", "培训支出", "卫生健康支出")]
    assert len({round(w["x0"]) for w in names}) == 1


def test_table_header_repeats_on_every_page_a_table_runs_onto(tmp_path):
    pytest.importorskip("weasyprint")
    composed = compose(sample_input(), get_style("xinjiang"))
    blocks = list(composed.blocks)
    i = next(i for i, b in enumerate(blocks) if isinstance(b, TableView) and b.title == "一般公共预算支出情况表")
    long_table = blocks[i]
    blocks[i] = replace(long_table, body=long_table.body * 20)  # 160 rows: four pages
    out = tmp_path / "long.pdf"
    write_pdf(tuple(blocks), out)
    every = _pages(out)
    first = _page_of(every, "一般公共预算支出情况表", start=2)
    last = _page_of(every, "一般公共预算基本支出情况表", start=first) - 1
    pages = every[first - 1:last]
    assert len(pages) >= 3
    for page in pages:
        assert "功能分类科目名称" in _squash(page) and "类款项" in _squash(page)


def test_fonts_are_embedded_cjk_and_cover_every_character(rendered):
    from fontTools.ttLib import TTCollection

    path, composed = rendered
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # the "emb" column
    names = " ".join(r[0] for r in rows)
    assert "Noto-Serif-CJK" in names and "Noto-Sans-CJK" in names, fonts  # serif body, sans headings
    chars: set[str] = set()
    for block in composed.blocks:
        if isinstance(block, Heading | Paragraph):
            chars |= set(block.text)
        elif isinstance(block, TableView):
            chars |= set(block.title) | {ch for row in (*block.header, *block.body) for c in row for ch in c}
        elif isinstance(block, Cover):
            chars |= set(block.unit_name + block.title + block.date)
    for family in ("Noto Serif CJK SC", "Noto Sans CJK SC"):
        font_file = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True,
                                   check=True).stdout
        assert "CJK" in font_file, f"{family} not installed (scripts/setup.sh installs fonts-noto-cjk)"
        cmap = TTCollection(font_file).fonts[0].getBestCmap()
        tofu = sorted(c for c in chars if not c.isspace() and ord(c) not in cmap)
        assert tofu == [], family


def test_headings_are_black(rendered):
    from yusuan.render.html_writer import to_html

    _, composed = rendered
    css = to_html(composed.blocks)
    assert re.search(r"h1, h2, h3, h4 \{[^}]*color: #000", css) and "blue" not in css
