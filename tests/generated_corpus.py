"""Small disclosures made up on the spot (made-up units and numbers), in text, HTML and xlsx,
for batch tests and benchmarks: each has a 收支总表 and, unless it is a half, the narrative
sentence that restates its total. Some are the 文本/表格 halves of one publication, some are
not disclosures at all, some carry amounts no column can hold."""

from __future__ import annotations

import html
import random
import shutil
from decimal import Decimal
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def text_disclosure(unit: str, year: int, rng: random.Random, *, tables: bool = True, narrative: bool = True,
                    huge: bool = False) -> str:
    spend = [Decimal(rng.randint(100, 999_999)) / 100 for _ in range(2)]
    if huge:
        spend[0] = Decimal(rng.randint(10**21, 10**22)) / 100  # 20 integer digits
    total = sum(spend, Decimal(0))
    lines = [f"{unit}{year}年部门预算公开", ""]
    if tables:
        lines += ["第二部分 部门预算公开表", "", "表 1", "", "部门收支总体情况表", "", f"编制单位：{unit}", "",
                  "单位：万元", "", "收入\t\t支出\t", "项目\t预算数\t功能分类\t预算数",
                  f"一、本年收入\t{total}\t201 一般公共服务支出\t{spend[0]}",
                  f"1. 一般公共预算拨款\t{total}\t208 社会保障和就业支出\t{spend[1]}",
                  f"收入总计\t{total}\t支出总计\t{total}", ""]
    if narrative:
        lines += ["第三部分 部门预算情况说明", "", f"一、关于{unit}{year}年收支预算情况的总体说明", "",
                  f"按照全口径预算的原则，{unit}{year}年所有收入和支出均纳入部门预算管理。"
                  f"收支总预算 {total} 万元。", ""]
    return "\n".join(lines) + "\n"


def as_html(text: str) -> str:
    """Tab-separated lines as table rows, the rest as paragraphs."""
    out, rows = ["<html><head><meta charset='utf-8'></head><body>"], []
    for line in [*text.splitlines(), ""]:
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if rows:
            out.append("<table>" + "".join(rows) + "</table>")
            rows = []
        if line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    return "\n".join([*out, "</body></html>"])


def write_xlsx(text: str, path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for line in text.splitlines():
        ws.append([c or None for c in line.split("\t")])
    wb.save(path)


def make_corpus(folder: Path, n: int, seed: int = 13) -> list[Path]:
    """About ``n`` files under ``folder``: per ten, five text, two HTML and one xlsx
    disclosures, the two halves of one publication, and (alternately) a memo that is no
    disclosure or a disclosure with a 20-digit amount."""
    rng = random.Random(seed)
    made: list[Path] = []
    for i in range(n):
        unit, year = f"第{i}号测试县财政局", 2020 + i % 6
        sub = folder / f"batch{i // 50:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        slot = i % 10
        if slot < 5:
            path = sub / f"unit{i:04d}.txt"
            path.write_text(text_disclosure(unit, year, rng), encoding="utf-8")
        elif slot < 7:
            path = sub / f"unit{i:04d}.html"
            path.write_text(as_html(text_disclosure(unit, year, rng)), encoding="utf-8")
        elif slot == 7:
            path = sub / f"unit{i:04d}.xlsx"
            write_xlsx(text_disclosure(unit, year, rng), path)
        elif slot == 8:
            path = sub / f"unit{i:04d}_表格.txt"
            path.write_text(text_disclosure(unit, year, rng, narrative=False), encoding="utf-8")
            made.append(path)
            path = sub / f"unit{i:04d}_文本.txt"
            path.write_text(text_disclosure(unit, year, rng, tables=False), encoding="utf-8")
        elif i % 20 == 9:
            path = sub / f"memo{i:04d}.txt"
            path.write_text(f"{unit}会议纪要\n今天讨论了明年的工作安排。\n", encoding="utf-8")
        else:
            path = sub / f"unit{i:04d}_huge.txt"
            path.write_text(text_disclosure(unit, year, rng, huge=True), encoding="utf-8")
        made.append(path)
    return made


def scale_corpus(folder: Path) -> Path:
    """About 30 documents for the back-end comparisons: the seeds (and their INDEX.md, no
    disclosure), every real PDF (Jiangsu 文本/表格 halves of publications among them) and
    generated text/HTML/xlsx variants (a publication in two files, a memo, an amount no
    column holds)."""
    shutil.copytree(FIXTURES / "seeds", folder / "seeds")
    shutil.copytree(FIXTURES / "real", folder / "real", ignore=shutil.ignore_patterns("*.md"))
    make_corpus(folder / "made", 8)
    return folder
