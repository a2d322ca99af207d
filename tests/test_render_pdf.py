"""The rendered PDF: every table is there, CJK text is typeset with embedded fonts that have
a glyph for every character, the pages rasterise, and the PDF parses back to the same facts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests._render_sample import sample_input
from yusuan.api import parse
from yusuan.render import get_style, render
from yusuan.render.document import Heading, Paragraph, TableView
from yusuan.report.facts import facts

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdftoppm", "pdffonts")), reason="poppler-utils not installed"
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    pytest.importorskip("weasyprint")
    out = tmp_path_factory.mktemp("pdf") / "公开.pdf"
    result = render(sample_input(), out, get_style("xinjiang"))
    assert not result.blocked
    return out, result.composed


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_text_has_every_heading_paragraph_table_title_and_amount(rendered):
    path, composed = rendered
    text = _squash(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                  check=True).stdout)
    missing = []
    for block in composed.blocks:
        if isinstance(block, Heading | Paragraph):
            # long paragraphs wrap; compare the first 30 characters of each
            if _squash(block.text)[:30] not in text:
                missing.append(block.text)
        elif isinstance(block, TableView):
            for item in (block.title, *(c for row in block.body for c in row if c)):
                if _squash(item) not in text:
                    missing.append(item)
    assert missing == []


def test_fonts_are_embedded_cjk_and_cover_every_character(rendered):
    path, composed = rendered
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # the "emb" column
    assert any("CJK" in r[0] for r in rows), fonts
    # the typeset font has a glyph for every character we print (no tofu boxes)
    from fontTools.ttLib import TTCollection

    font_file = subprocess.run(["fc-match", "-f", "%{file}", "Noto Serif CJK SC"], capture_output=True, text=True,
                               check=True).stdout
    if "CJK" not in font_file:
        pytest.skip("Noto CJK fonts not installed")
    cmap = TTCollection(font_file).fonts[0].getBestCmap()
    chars = set()
    for block in composed.blocks:
        if isinstance(block, Heading | Paragraph):
            chars |= set(block.text)
        elif isinstance(block, TableView):
            chars |= set(block.title) | {ch for row in (*block.header, *block.body) for c in row for ch in c}
    assert [c for c in chars if not c.isspace() and ord(c) not in cmap] == []


def test_table_pages_rasterise_with_ink(rendered, tmp_path):
    path, _ = rendered
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    page = next(i for i, p in enumerate(pages, start=1) if "单位支出总体情况表" in p and "226.26" in p)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-f", str(page), "-l", str(page), str(path),
                    str(tmp_path / "p")], check=True)
    image = next(Path(tmp_path).glob("p*.pgm"))
    data = image.read_bytes()
    # PGM: header of three lines, then one byte per pixel; a table page has real ink on it
    pixels = data.split(b"\n", 3)[3]
    dark = sum(1 for b in pixels if b < 128)
    assert dark > len(pixels) * 0.005


def test_pdf_parses_back_to_the_same_facts(rendered):
    path, composed = rendered
    parsed, _ = parse(path)
    assert parsed is not None
    key = lambda f: (f.table, f.row_code, f.row_name, f.column, f.value, f.unit)  # noqa: E731
    assert {key(f) for f in facts(parsed)} == {key(f) for f in facts(composed.disclosure)}


def test_pdf_rendered_from_clean_data_passes_the_audit(rendered):
    from yusuan.audit import check_disclosure
    from yusuan.model import Severity

    path, _ = rendered
    parsed, _ = parse(path)
    bad = [(f.rule, f.message) for f in check_disclosure(parsed).findings
           if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == []
