"""Text-layer PDFs: tables rebuilt from geometry, checked value by value against the page."""

from __future__ import annotations

from pathlib import Path

import pytest

from yusuan.catalogue import classify_title
from yusuan.ingest import load
from yusuan.ingest.document import SourceDocument
from yusuan.ingest.pdf import Item, Word, _Builder, emit_page, group_rows

PDF_DIR = Path(__file__).parent / "fixtures" / "pdf"
REAL_DIR = Path(__file__).parent / "fixtures" / "real"
SH_108 = REAL_DIR / "108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf"
JS_116 = REAL_DIR / "116_js-rendabgt-2017-bumen-yusuan.pdf"
SH_101 = PDF_DIR / "101_sh-putuo-ghzyj-2024-bumen-juesuan-p7-11.pdf"


@pytest.fixture(scope="module")
def sh108() -> SourceDocument:
    doc, diags = load(SH_108)
    assert doc is not None and not diags
    return doc


@pytest.fixture(scope="module")
def js116() -> SourceDocument:
    doc, diags = load(JS_116)
    assert doc is not None and not diags
    return doc


def _titles(doc: SourceDocument) -> list[tuple[int | None, str]]:
    out = []
    for line in doc.lines:
        kind = None if line.grid else classify_title(line.text)
        if kind:
            out.append((line.source.page, kind))
    return out


def _table(doc: SourceDocument, title: str) -> list[tuple[str, ...]]:
    """Grid rows following the loose line ``title`` up to the next loose line (page
    numbers aside)."""
    start = next(i for i, line in enumerate(doc.lines) if not line.grid and line.text == title)
    rows = []
    for line in doc.lines[start + 1:]:
        if not line.grid:
            if rows and not line.text.isdigit():  # a page number does not end the table
                break
            continue
        rows.append(line.cells)
    return rows


def test_sh108_all_nine_tables_recognised(sh108: SourceDocument) -> None:
    pages_8_on = [t for t in _titles(sh108) if (t[0] or 0) >= 8]
    assert pages_8_on == [
        (8, "summary"), (9, "income"), (11, "expenditure"), (13, "fiscal_summary"),
        (14, "gpb_expenditure"), (16, "gov_fund"), (17, "state_capital"), (18, "gpb_basic_econ"),
        (20, "three_public"),
    ]


def test_sh108_function_table_whole_over_two_pages(sh108: SourceDocument) -> None:
    rows = _table(sh108, "2025年预算单位一般公共预算支出功能分类预算表")
    assert rows == [
        ("项目", "", "", "", "一般公共预算支出", "", ""),
        ("功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"),
        ("类", "款", "项", "", "", "", ""),
        ("201", "", "", "一般公共服务支出", "82,096,797.42", "15,686,797.42", "66,410,000.00"),
        ("201", "03", "", "政府办公厅(室)及相关机构事务", "82,096,797.42", "15,686,797.42", "66,410,000.00"),
        ("201", "03", "01", "行政运行", "12,029,501.84", "11,919,501.84", "110,000.00"),
        ("201", "03", "02", "一般行政管理事务", "46,140,000.00", "", "46,140,000.00"),
        ("201", "03", "50", "事业运行", "3,807,295.58", "3,767,295.58", "40,000.00"),
        ("201", "03", "99", "其他政府办公厅(室)及相关机构事务支出", "20,120,000.00", "", "20,120,000.00"),
        ("208", "", "", "社会保障和就业支出", "4,213,779.28", "4,213,779.28", ""),
        ("208", "05", "", "行政事业单位养老支出", "4,213,779.28", "4,213,779.28", ""),
        ("208", "05", "01", "行政单位离退休", "1,554,220.00", "1,554,220.00", ""),
        ("208", "05", "05", "机关事业单位基本养老保险缴费支出", "1,763,159.52", "1,763,159.52", ""),
        ("208", "05", "06", "机关事业单位职业年金缴费支出", "881,579.76", "881,579.76", ""),
        ("208", "05", "99", "其他行政事业单位养老支出", "14,820.00", "14,820.00", ""),
        ("210", "", "", "卫生健康支出", "1,097,073.43", "1,097,073.43", ""),
        # page 15: continuation without a title or header, same seven columns
        ("210", "11", "", "行政事业单位医疗", "1,097,073.43", "1,097,073.43", ""),
        ("210", "11", "01", "行政单位医疗", "782,855.28", "782,855.28", ""),
        ("210", "11", "02", "事业单位医疗", "314,218.15", "314,218.15", ""),
        ("221", "", "", "住房保障支出", "3,609,125.22", "3,609,125.22", ""),
        ("221", "02", "", "住房改革支出", "3,609,125.22", "3,609,125.22", ""),
        ("221", "02", "01", "住房公积金", "1,741,445.22", "1,741,445.22", ""),
        ("221", "02", "03", "购房补贴", "1,867,680.00", "1,867,680.00", ""),
        ("合计", "", "", "", "91,016,775.35", "24,606,775.35", "66,410,000.00"),
    ]


def test_sh108_summary_multilevel_header_and_blank_cells(sh108: SourceDocument) -> None:
    rows = _table(sh108, "2025年预算单位财务收支预算总表")
    assert rows[:4] == [
        ("本年收入", "", "本年支出", "", "", "", ""),
        ("项目", "预算数", "项目", "预算数", "", "", ""),
        ("", "", "", "合计", "基本支出", "", "项目支出"),
        ("", "", "", "", "人员经费", "公用经费", ""),
    ]
    assert rows[5] == ("1、一般公共预算资金", "91,016,775.35", "二、社会保障和就业支出", "4,213,779.28",
                       "3,948,399.28", "265,380.00", "")
    assert rows[6] == ("2、政府性基金", "", "三、卫生健康支出", "1,097,073.43", "1,097,073.43", "", "")
    assert rows[-1] == ("收入总计", "91,016,775.35", "支出总计", "91,016,775.35", "22,473,997.81",
                        "2,132,777.54", "66,410,000.00")


def test_sh108_continuation_keeps_blank_columns(sh108: SourceDocument) -> None:
    rows = _table(sh108, "2025年预算单位收入预算总表")
    widths = {len(r) for r in rows}
    assert widths == {9}
    assert ("210", "11", "01", "行政单位医疗", "782,855.28", "782,855.28", "", "", "") in rows


def test_cell_sources_point_at_the_page_and_box(sh108: SourceDocument) -> None:
    line = next(x for x in sh108.lines if x.grid and x.cells[:4] == ("201", "03", "01", "行政运行")
                and x.source.page == 14)
    src = line.cell_source(4)
    assert src.page == 14 and src.line == line.no and src.bbox is not None
    x0, top, x1, bottom = src.bbox
    assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 595


def test_narrative_lines_joined_into_paragraphs(sh108: SourceDocument) -> None:
    para = next(x.text for x in sh108.lines if x.text.startswith("2025年,上海市普陀区人民政府办公室收入预算"))
    assert para.endswith("其他收入0万元。")  # the sentence wraps over two printed lines
    assert not any(x.grid for x in sh108.lines if x.source.page in (3, 4, 5, 6, 7))


def test_js116_titles_and_tables_split_from_shared_grid(js116: SourceDocument) -> None:
    titles = [t for t in _titles(js116) if (t[0] or 0) >= 7]
    assert titles == [
        (7, "summary"), (9, "income"), (10, "expenditure"), (11, "fiscal_expenditure"),
        (12, "fiscal_summary"), (12, "fiscal_basic_econ"), (15, "gov_fund"), (16, "gpb_expenditure"),
        (17, "gpb_basic_econ"), (18, "operating_costs"), (20, "three_public"), (20, "procurement"),
    ]


def test_js116_content_drawn_off_page_is_not_read(js116: SourceDocument) -> None:
    # Page 11 carries the next table again below the page bottom (invisible); it must be
    # read once, where it is printed (pages 13-15).
    hits = [x.source.page for x in js116.lines if x.grid and x.cells[:2] == ("30101", "基本工资")]
    assert hits == [13, 17]  # 17: the 一般公共预算 basic table, a different table
    assert not any(x.source.page == 11 and x.cells[0].startswith("30") for x in js116.lines if x.grid)


def test_js116_basic_table_whole(js116: SourceDocument) -> None:
    rows = _table(js116, "财政拨款基本支出预算表")
    assert rows == [
        ("科目编码", "科目名称", "金额"), ("", "合计", "7,666.68"),
        ("301", "工资福利支出", "2,928.98"), ("30101", "基本工资", "1,015.15"), ("30102", "津贴补贴", "1,822.05"),
        ("30103", "奖金", "83.60"), ("30107", "绩效工资", "8.18"), ("302", "商品和服务支出", "1,585.96"),
        ("30201", "办公费", "370.00"), ("30205", "水费", "50.00"), ("30206", "电费", "350.00"),
        ("30207", "邮电费", "45.00"), ("30211", "差旅费", "230.00"), ("30228", "工会经费", "21.00"),
        ("30229", "福利费", "50.00"), ("30231", "公务用车运行维护费", "183.60"),
        ("30239", "其他交通费用", "266.46"), ("30299", "其他商品和服务支出", "19.90"),
        ("303", "对个人和家庭的补助", "3,151.74"), ("30301", "离休费", "213.23"), ("30302", "退休费", "1,395.28"),
        ("30307", "医疗费", "30.24"), ("30309", "奖励金", "0.76"), ("30311", "住房公积金", "494.22"),
        ("30312", "提租补贴", "1,018.01"),
    ]


def test_js116_continuation_cells_stay_in_their_columns(js116: SourceDocument) -> None:
    rows = _table(js116, "收支预算总表")
    assert {len(r) for r in rows} == {7}
    by_name = {r[3]: r for r in rows}
    assert by_name["八、社会保障和就业支出"][4] == "1,608.51"  # name cut by the page break, joined
    assert "业支出" not in by_name
    income = _table(js116, "收入预算总表")  # p9 -> p10: a short real row is not a wrapped tail
    assert ("", "其他非税收入", "") in income and ("", "专户管理教育收费", "") in income
    assert by_name["十八、住房保障支出"][4] == "1,512.23"  # page 8, remapped to page 7's columns
    assert rows[-1] == ("收入合计", "13,649.07", "", "支出合计", "", "", "13,649.07")


def test_juesuan_tables_recognised_and_read() -> None:
    doc, diags = load(SH_101)
    assert doc is not None and not diags
    assert _titles(doc) == [(1, "summary"), (2, "income"), (4, "expenditure")]
    rows = _table(doc, "支出决算表")
    data = [(r[0], r[2], r[3], r[4]) for r in rows if r[2][:1].isdigit()]
    assert data == [
        ("合计", "9759.38", "5377.64", "4381.74"),
        ("208", "754.75", "754.75", "0.00"), ("20805", "754.75", "754.75", "0.00"),
        ("2080501", "54.53", "54.53", "0.00"), ("2080502", "28.11", "28.11", "0.00"),
        ("2080505", "446.11", "446.11", "0.00"), ("2080506", "225.12", "225.12", "0.00"),
        ("2080599", "0.88", "0.88", "0.00"), ("210", "236.64", "236.64", "0.00"),
        ("21011", "236.64", "236.64", "0.00"), ("2101101", "40.35", "40.35", "0.00"),
        ("2101102", "196.29", "196.29", "0.00"), ("212", "3845.24", "1585.59", "2259.65"),
        ("21201", "1105.68", "1096.91", "8.77"), ("2120101", "1105.68", "1096.91", "8.77"),
        ("21202", "2739.56", "488.68", "2250.88"), ("2120201", "2739.56", "488.68", "2250.88"),
        ("220", "4461.67", "2339.58", "2122.09"), ("22001", "4461.67", "2339.58", "2122.09"),
        ("2200150", "4416.67", "2339.58", "2077.09"), ("2200199", "45.00", "0.00", "45.00"),
        ("221", "461.08", "461.08", "0.00"), ("22102", "461.08", "461.08", "0.00"),
        ("2210201", "289.59", "289.59", "0.00"), ("2210203", "171.49", "171.49", "0.00"),
    ]
    # a name wrapped inside its cell comes back whole
    assert any(r[1] == "机关事业单位基本养老保险缴费支出" for r in rows)


# --------------------------------------------------------------------------- geometry units


def test_digits_on_a_lower_baseline_stay_in_their_row() -> None:
    words = [Word("行政运行", 10, 60, 100.0, 110.0), Word("1,092.80", 200, 240, 101.6, 110.4),
             Word("事业运行", 10, 60, 114.0, 124.0), Word("45.00", 200, 230, 112.9, 121.9)]
    rows = group_rows(words)
    assert [[w.text for w in r] for r in rows] == [["行政运行", "1,092.80"], ["事业运行", "45.00"]]


def _table_item(top: float, rows: list[list[tuple[str, float, float]]]) -> Item:
    return Item(top=top, kind="table", rows=[[(t, (x0, top + 10 * i, x1, top + 10 * i + 10)) for t, x0, x1 in r]
                                             for i, r in enumerate(rows)])


def test_repeated_header_on_continuation_page_emitted_once() -> None:
    header = [("项目", 0, 100), ("金额", 100, 200)]
    title = Item(top=10, kind="text", words=[Word("一般公共预算支出表", 50, 150, 10, 20)])
    page1 = [title, _table_item(40, [header, [("201", 0, 100), ("1.00", 100, 200)]])]
    page2 = [_table_item(40, [header, [("208", 0, 100), ("2.00", 100, 200)]])]
    b = _Builder()
    state: dict = {}
    emit_page(b, page1, 1, 595, state)
    emit_page(b, page2, 2, 595, state)
    b.flush()
    assert [(x.grid, x.text) for x in b.lines] == [
        (False, "一般公共预算支出表"), (True, "项目\t金额"), (True, "201\t1.00"), (True, "208\t2.00")]
    assert b.lines[-1].source.page == 2


def test_js119_word_table_columns_snapped_and_split_rows_joined() -> None:
    # Word 2007 export: every cell's borders drawn a few points apart from row to row, and
    # stray rulings cutting a printed row in two (label in one band, value in the other).
    doc, diags = load(PDF_DIR / "119_js-jianchayuan-2018-bumen-yusuan-p15-16.pdf")
    assert doc is not None and not diags
    assert _titles(doc) == [(1, "expenditure"), (1, "fiscal_summary"), (1, "fiscal_expenditure"),
                                         (2, "fiscal_basic_econ")]
    assert _table(doc, "公开 05 表:财政拨款支出预算表") == [
        ("功能科目代码", "功能科目名称", "金额"), ("", "合计", "21,940.96"),
        ("204", "公共安全支出", "16,444.36"), ("20404", "检察", "16,444.36"), ("2040401", "行政运行", "10,883.36"),
        ("2040402", "一般行政管理事务", "3,666.00"), ("2040405", "公诉、审判、侦查、执行等检察监督支出", "1895.00"),
        ("208", "社会保障和就业支出", "1,836.22"), ("20805", "行政事业单位离退休", "1,836.22"),
        ("2080504", "未归口管理的行政单位离退休", "371.92"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "1,045.93"),
        ("2080506", "机关事业单位职业年金缴费支出", "418.37"), ("221", "住房保障支出", "3,660.38"),
        ("22102", "住房改革支出", "3,660.38"), ("2210201", "住房公积金", "1,073.77"),
        ("2210202", "提租补贴", "2,586.61"),
    ]
    fiscal = _table(doc, "公开 04 表:财政拨款收支预算总表")
    assert ("一、一般公共预算", "21,940.96", "一、基本支出", "13,979.92") in fiscal
    assert fiscal[-1] == ("收入合计", "21,940.96", "支出合计", "21,940.96")


def test_text_overflowing_a_clipped_cell_stays_in_its_cell() -> None:
    from types import SimpleNamespace

    from yusuan.ingest.pdf import _table_rows

    cells = [(0, 0, 100, 20), (100, 0, 200, 20), (200, 0, 300, 20)]
    table = SimpleNamespace(rows=[SimpleNamespace(cells=cells)])
    # The name is wider than its cell (the spreadsheet clips it); the blank cell to its
    # right must stay blank and the amount stay in the third column.
    words = [Word("其他政府办公厅及相关机构事务支出", 2, 160, 5, 15), Word("20.00", 260, 298, 6, 16)]
    rows = _table_rows(table, words, set())
    assert [[t for t, _ in r] for r in rows] == [["其他政府办公厅及相关机构事务支出", "", "20.00"]]


def test_unruled_text_table_gets_columns_from_positions() -> None:
    from .test_ingest_hostile import minimal_pdf

    def text(x: int, y: int, s: str) -> bytes:
        return b"BT /F1 9 Tf %d %d Td (%s) Tj ET\n" % (x, y, s.encode())

    body = text(72, 780, "Budget narrative line with 2025 and 12.50 in it.")
    # header, then rows with a blank basic cell and a blank project cell
    body += text(72, 700, "Code") + text(130, 700, "Name") + text(330, 700, "Total") + text(410, 700, "Basic")
    body += text(490, 700, "Project")
    body += text(72, 680, "201") + text(130, 680, "General services") + text(330, 680, "1,200.00")
    body += text(410, 680, "1,000.00") + text(490, 680, "200.00")
    body += text(72, 665, "20103") + text(130, 665, "Government office") + text(330, 665, "200.00")
    body += text(490, 665, "200.00")
    body += text(72, 650, "2010301") + text(130, 650, "Operation") + text(330, 650, "1,000.00")
    body += text(410, 650, "1,000.00")
    data = minimal_pdf(1, body, b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>")
    from yusuan.ingest import load_bytes

    doc, diags = load_bytes(data, path="unruled.pdf")
    assert doc is not None and not diags
    assert [(x.grid, x.cells) for x in doc.lines] == [
        (False, ("Budget", "narrative", "line", "with", "2025", "and", "12.50", "in", "it.")),
        (True, ("Code", "Name", "Total", "Basic", "Project")),
        (True, ("201", "General services", "1,200.00", "1,000.00", "200.00")),
        (True, ("20103", "Government office", "200.00", "", "200.00")),
        (True, ("2010301", "Operation", "1,000.00", "1,000.00", "")),
    ]


def test_spaces_beside_cjk_punctuation_removed_numbers_kept() -> None:
    from yusuan.ingest.pdf import _tidy

    assert _tidy("社区事务受理 、社区管理 ,为居民") == "社区事务受理、社区管理,为居民"
    assert _tidy("1. 一般公共预算 13,649.07 万元") == "1. 一般公共预算 13,649.07 万元"


@pytest.mark.parametrize("path", [SH_108, SH_101], ids=["108", "101"])
def test_pdfium_geometry_reads_the_same_tables_as_pdfminer(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The fast path (PDFium words and rulings) must rebuild every table cell for cell as the
    # pdfplumber/pdfminer path does; only the source boxes of loose text may differ.
    from yusuan.ingest import pdf

    fast, _ = load(path)
    monkeypatch.setattr(pdf, "_open_pdfium", lambda data: None)
    slow, _ = load(path)
    assert fast is not None and slow is not None

    def cells(doc: SourceDocument) -> list[tuple[int | None, tuple[str, ...]]]:
        return [(ln.source.page, ln.cells) for ln in doc.lines if ln.grid]

    assert cells(fast) == cells(slow)
    assert len(cells(fast)) > 80


def test_pdfium_words_split_at_gaps_and_blanks() -> None:
    from yusuan.ingest.pdf_geometry import Char, words

    chars = [Char("合", 10, 20, 100, 110), Char("计", 20, 30, 100.5, 110), Char(" ", 30, 33, 100, 110),
             Char("2", 40, 45, 101, 110), Char("7", 45, 50, 101, 110), Char("项", 10, 20, 130, 140)]
    assert [w[0] for w in words(chars)] == ["合计", "27", "项"]


def test_first_row_of_a_continued_table_without_its_top_ruling_is_a_grid_row() -> None:
    # JS 137 p16: the 政府采购 table continues; its first row's top border was printed on p15,
    # so the row's three text lines are not inside any ruled cell.
    doc, _ = load(REAL_DIR / "137_js-gaoyuan-2018-bumen-yusuan.pdf")
    assert doc is not None
    row = next(line for line in doc.lines if line.source.page == 16 and line.grid)
    assert row.cells == ("", "", "", "计算机设备维修和保养服务", "分散自行组织", "2.00")
    assert not [line for line in doc.lines if line.source.page == 16 and not line.grid
                and "养服务" in line.text]


@pytest.mark.parametrize("name", ["101_sh-putuo-ghzyj-2024-bumen-juesuan.pdf", "116_js-rendabgt-2017-bumen-yusuan.pdf",
                                  "132_js-shengweibgt-2019-bumen-yusuan-biaoge.pdf"])
def test_cell_search_gives_pdfplumbers_cells(name: str) -> None:
    """``table_cells.cells_of`` returns what pdfplumber's own cell search does, in order."""
    import pdfplumber
    from pdfplumber.table import TableFinder, intersections_to_cells

    from yusuan.ingest.table_cells import cells_of

    with pdfplumber.open(Path(__file__).parent / "fixtures" / "real" / name) as pdf:
        compared = 0
        for page in pdf.pages[:12]:
            finder = TableFinder(page, {"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            expected = intersections_to_cells(finder.intersections)
            assert cells_of(finder.intersections) == expected
            compared += len(expected)
    assert compared > 50


@pytest.mark.parametrize("name", ["119_js-jianchayuan-2018-bumen-yusuan.pdf",
                                  "104_sh-putuo-wanli-jiedao-2023-bumen-yusuan.pdf"])
def test_ruling_merge_gives_pdfplumbers_edges(name: str) -> None:
    """``table_cells.merged_edges`` and ``_intersections`` return what pdfplumber's
    ``get_edges`` and ``edges_to_intersections`` do (same floats, same order) for the rulings
    PDFium reads, with the default and the wide snap."""
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfplumber.table import TableFinder, TableSettings, edges_to_intersections

    from yusuan.ingest import pdf as pdf_module
    from yusuan.ingest.pdf_geometry import read_page
    from yusuan.ingest.table_cells import _intersections, merged_edges

    path = Path(__file__).parent / "fixtures" / "real" / name
    fast = pdfium.PdfDocument(path)
    compared = 0
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            geometry = read_page(fast[index])
            assert geometry is not None
            v = [e for e in geometry.edges if e["orientation"] == "v" and e["height"] >= 1]
            h = [e for e in geometry.edges if e["orientation"] == "h" and e["width"] >= 1]
            if len(v) < 2 or len(h) < 2:
                continue
            for base in (pdf_module._TABLE_SETTINGS, pdf_module._WIDE_SNAP):
                settings = TableSettings.resolve({**base, "vertical_strategy": "explicit",
                                                  "horizontal_strategy": "explicit",
                                                  "explicit_vertical_lines": v, "explicit_horizontal_lines": h})
                expected = TableFinder.get_edges(type("F", (), {"settings": settings, "page": page})())
                got = merged_edges(v, h, settings)
                assert got == expected and [list(e) for e in got] == [list(e) for e in expected]
                points = edges_to_intersections(expected, 3, 3)
                assert list(_intersections(got, 3, 3).items()) == list(points.items())
                compared += len(expected)
    fast.close()
    assert compared > 1000


@pytest.mark.parametrize(("name", "index", "rotation"), [
    ("132_js-shengweibgt-2019-bumen-yusuan-biaoge.pdf", 0, 90),  # as published: a landscape table
    ("132_js-shengweibgt-2019-bumen-yusuan-biaoge.pdf", 0, 270),
    ("108_sh-putuo-zfbgs-2025-danwei-yusuan.pdf", 13, 180),
])
def test_turned_pages_are_read_by_pdfium_where_pdfplumber_places_them(name: str, index: int, rotation: int) -> None:
    """A page shown turned (/Rotate) is read on the PDFium path, with the words and rulings
    where pdfplumber (pdfminer) puts them."""
    import io

    import pdfplumber
    import pypdfium2 as pdfium

    from yusuan.ingest.pdf_geometry import read_page

    src = pdfium.PdfDocument(Path(__file__).parent / "fixtures" / "real" / name)
    doc = pdfium.PdfDocument.new()
    doc.import_pages(src, [index])
    doc[0].set_rotation(rotation)
    buf = io.BytesIO()
    doc.save(buf)
    geometry = read_page(pdfium.PdfDocument(buf.getvalue())[0])
    assert geometry is not None
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        page = pdf.pages[0]
        assert (geometry.width, geometry.height) == (page.width, page.height)
        expected = page.extract_words(x_tolerance=1.5, y_tolerance=2)
        edges = sorted((e["orientation"], round(e["x0"]), round(e["top"])) for e in page.edges)
    got = sorted((w[0], round(w[1]), round(w[3])) for w in geometry.words)
    assert len(got) > 50
    assert got == sorted((w["text"], round(w["x0"]), round(w["top"])) for w in expected)
    assert sorted((e["orientation"], round(e["x0"]), round(e["top"])) for e in geometry.edges) == edges
