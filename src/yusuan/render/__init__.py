"""Render: structured data -> a disclosure in official layout (封面, 目录, 单位概况, tables,
情况说明, 名词解释), checked by yusuan itself before it is written.

    >>> data, diagnostics = load_input("填报.xlsx")
    >>> result = render(data, "公开.pdf", get_style("xinjiang"))

Input is the fill-in workbook (``yusuan template``) or canonical JSON (``yusuan parse --format
json``). ``render`` (``pipeline``) reads the written file back, compares its facts and claims
with the input and runs ``check``; missing inputs, contradictions and findings stop it unless
fallback wordings are chosen or the render is forced.
"""

from __future__ import annotations

import json
from pathlib import Path

from yusuan.model import Diagnostic, Disclosure, Severity
from yusuan.render.compose import Composed, compose
from yusuan.render.inputs import RenderInput, prior_from_figures
from yusuan.render.pipeline import RenderResult, render
from yusuan.render.styles import STYLES, Style, get_style
from yusuan.render.template import write_template
from yusuan.render.workbook import read_workbook
from yusuan.render.writers import FORMATS

__all__ = ["FORMATS", "STYLES", "Composed", "RenderInput", "RenderResult", "Style", "compose", "get_style",
           "load_input", "render", "write_template"]


def load_input(path: str | Path) -> tuple[RenderInput | None, tuple[Diagnostic, ...]]:
    """A fill-in workbook or canonical JSON -> ``RenderInput``."""
    p = Path(path)
    try:
        head = p.read_bytes()[:4]
    except OSError as exc:
        return None, (Diagnostic(code="R003", severity=Severity.ERROR,
                                 message=f"{path}：无法读取输入文件（{exc.strerror}）。请检查路径。"),)
    if head.startswith(b"PK") and p.suffix.lower() in (".xlsx", ".xlsm"):
        data, problems = read_workbook(p)
        if data is not None or not any(d.code == "R002" for d in problems):
            return data, problems
    if p.suffix.lower() == ".json" or head.lstrip()[:1] in (b"{", b"["):
        return _read_json(p)
    return _read_disclosure(p)


def _read_disclosure(path: Path) -> tuple[RenderInput | None, tuple[Diagnostic, ...]]:
    """A published disclosure (PDF, Word, Excel, HTML, text) read by yusuan's parser: its tables
    and profile, last year's figures from its own narrative."""
    from yusuan.api import parse

    disclosure, diagnostics = parse(path)
    if disclosure is None:
        return None, diagnostics
    if not disclosure.tables:
        return None, (*diagnostics, Diagnostic(code="R005", severity=Severity.ERROR,
                                               message=f"{path}：没有读到任何预算表，无法据此生成公开文件。"))
    return _input_of(disclosure), ()


def _read_json(path: Path) -> tuple[RenderInput | None, tuple[Diagnostic, ...]]:
    from yusuan.report.serialize import from_data

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, list):  # ``yusuan parse`` writes a list for several files: take one
            data = data[0]
        disclosure = from_data(Disclosure, data)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        return None, (Diagnostic(code="R004", severity=Severity.ERROR,
                                 message=f"{path}：不是 yusuan 规范 JSON（{type(exc).__name__}: {exc}）。"
                                 "请提供 yusuan parse --format json 的输出或 yusuan template 生成的填报表。"),)
    return _input_of(disclosure), ()


def _input_of(disclosure: Disclosure) -> RenderInput:
    unit = disclosure.meta.narrative_unit
    prior = prior_from_figures(disclosure)
    return RenderInput(disclosure, prior=prior, prior_unit=unit) if unit else RenderInput(disclosure, prior=prior)
