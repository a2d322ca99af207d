"""The rendered DOCX as Word sees it: A4 sections (landscape for wide tables), an unnumbered
cover, PAGE fields at the foot, a real TOC field, black 黑体 headings over 宋体 text, merged
official headers that repeat on every page, amounts right-aligned."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests._render_sample import sample_input
from yusuan.render import compose, get_style, load_input, render
from yusuan.render.docx_writer import write_docx

from .conftest import seed


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "公开.docx"
    result = render(sample_input(), out, get_style("xinjiang"))
    assert not result.blocked and result.check.exact
    return out


@pytest.fixture(scope="module")
def seed_docx(tmp_path_factory) -> Path:
    data, _ = load_input(seed("000"))
    out = tmp_path_factory.mktemp("docx") / "seed.docx"
    write_docx(compose(data, get_style("xinjiang")).blocks, out)
    return out


def _instructions(element) -> list[str]:
    return [t.text for t in element.iter(qn("w:instrText"))]


def test_toc_is_a_field_word_updates_on_opening(sample_docx):
    doc = Document(sample_docx)
    assert any(i.strip().startswith('TOC \\o "1-3"') for i in _instructions(doc.element.body))
    update = doc.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    texts = [p.text for p in doc.paragraphs]
    assert "目　录" in texts and "第二部分 2025年单位预算公开表" in texts
    # table titles are listed through their outline level, like headings
    style = doc.styles["表格标题"]
    assert style.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "1"


def test_cover_is_unnumbered_and_the_rest_has_page_fields(sample_docx):
    doc = Document(sample_docx)
    cover, *rest = doc.sections
    assert not cover._sectPr.findall(qn("w:footerReference"))
    assert "PAGE" in " ".join(_instructions(rest[0].footer._element))
    assert rest[0]._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    for section in rest[1:]:  # later sections run on from the last page
        assert section.footer.is_linked_to_previous and section._sectPr.find(qn("w:pgNumType")) is None


def test_pages_are_a4_and_wide_tables_landscape(seed_docx):
    doc = Document(seed_docx)
    sizes = {(round(s.page_width.mm), round(s.page_height.mm)) for s in doc.sections}
    assert sizes == {(210, 297), (297, 210)}
    landscape = [s for s in doc.sections if s.page_width > s.page_height]
    assert landscape and all(round(s.page_width.mm) == 297 for s in landscape)
    body = doc.element.body
    # the section holding the 12-column income table is landscape: a section ends at its sectPr
    paragraphs = list(body.iter(qn("w:p")))
    title = next(i for i, p in enumerate(paragraphs)
                 if "".join(t.text for t in p.iter(qn("w:t"))) == "部门收入总体情况表")
    closing = next(p for p in paragraphs[title:] if p.find(qn("w:pPr")) is not None
                   and p.find(qn("w:pPr")).find(qn("w:sectPr")) is not None)
    size = closing.find(qn("w:pPr")).find(qn("w:sectPr")).find(qn("w:pgSz"))
    assert int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))


def test_headings_are_black_heiti_and_body_songti(sample_docx):
    doc = Document(sample_docx)
    for level in (1, 2, 3):
        style = doc.styles[f"Heading {level}"]
        color = style.element.rPr.find(qn("w:color"))
        assert color.get(qn("w:val")) == "000000" and color.get(qn("w:themeColor")) is None
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "黑体" and fonts.get(qn("w:asciiTheme")) is None
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体"


def test_table_headers_are_merged_repeat_and_amounts_align_right(sample_docx):
    doc = Document(sample_docx)
    table = next(t for t in doc.tables if "功能分类科目编码" in t._tbl.xml and "基本支出" in t._tbl.xml
                 and "支出预算" in t._tbl.xml)
    rows = table._tbl.findall(qn("w:tr"))
    header = [r for r in rows if r.find(qn("w:trPr")) is not None and r.find(qn("w:trPr")).find(qn("w:tblHeader"))
              is not None]
    assert len(header) == 3  # 科目 | 支出预算; 编码 | 名称 | 合计 …; 类 款 项
    spans = [int(tc.find(qn("w:tcPr")).find(qn("w:gridSpan")).get(qn("w:val")))
             for tc in rows[1].findall(qn("w:tc")) if tc.find(qn("w:tcPr")).find(qn("w:gridSpan")) is not None]
    assert 3 in spans  # 功能分类科目编码 over 类/款/项
    assert any(tc.find(qn("w:tcPr")).find(qn("w:vMerge")) is not None for tc in rows[1].findall(qn("w:tc")))
    cells = table.rows[len(header) + 1].cells  # the first 类 row
    names = {c.text for c in cells}
    assert "教育支出" in names and "0.98" in names
    name_cell = next(c for c in cells if c.text == "教育支出")
    amount_cell = next(c for c in cells if c.text == "0.98")
    assert amount_cell.paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    assert name_cell.paragraphs[0].alignment in (None, 0)
    total = table.rows[len(header)].cells  # 合计 across the code and name columns, centred
    assert total[0].text == total[3].text == "总计" and total[0].paragraphs[0].alignment == 1
