"""Render: structured data -> a compliant disclosure (目录, 单位概况, tables, 情况说明, 名词解释).

    >>> data, diagnostics = load_input("填报.xlsx")
    >>> result = render(data, "公开.pdf", get_style("xinjiang"))

Input is the fill-in workbook (``yusuan template``) or canonical JSON (``yusuan parse --format
json``). Before rendering, the data is checked with the audit rules when the audit package
is available; error-level findings stop the render unless forced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from yusuan.model import Diagnostic, Disclosure, Finding, Severity
from yusuan.render.compose import Composed, compose
from yusuan.render.inputs import RenderInput, prior_from_figures
from yusuan.render.styles import STYLES, Style, get_style
from yusuan.render.workbook import read_workbook, write_template
from yusuan.render.writers import FORMATS, format_of, write

__all__ = ["FORMATS", "STYLES", "RenderInput", "RenderResult", "check_input", "compose", "get_style",
           "load_input", "render", "write_template"]


@dataclass(frozen=True)
class RenderResult:
    composed: Composed | None
    findings: tuple[Finding, ...]
    blocked: bool  # error findings stopped the render
    audit_available: bool


def load_input(path: str | Path) -> tuple[RenderInput | None, tuple[Diagnostic, ...]]:
    """A fill-in workbook or canonical JSON -> ``RenderInput``."""
    p = Path(path)
    try:
        head = p.read_bytes()[:4]
    except OSError as exc:
        return None, (Diagnostic(code="R003", severity=Severity.ERROR,
                                 message=f"{path}：无法读取输入文件（{exc.strerror}）。请检查路径。"),)
    if head.startswith(b"PK"):
        return read_workbook(p)
    return _read_json(p)


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
    unit = disclosure.meta.narrative_unit
    data_in = RenderInput(disclosure, prior=prior_from_figures(disclosure))
    if unit is not None:
        data_in = RenderInput(disclosure, prior=data_in.prior, prior_unit=unit)
    return data_in, ()


def check_input(disclosure: Disclosure) -> tuple[tuple[Finding, ...], bool]:
    """Audit findings for the data to render, and whether the audit package was there."""
    try:
        from yusuan.audit import check_disclosure

        return check_disclosure(disclosure).findings, True
    except ImportError:  # the rules register on first use, so a missing part shows up only here
        return (), False


def render(data: RenderInput, output: str | Path, style: Style, force: bool = False,
           fmt: str | None = None) -> RenderResult:
    """Check, compose and write. The check runs on the composed disclosure (tables plus the
    generated narrative), so that what is written is what was checked."""
    composed = compose(data, style)
    findings, available = check_input(composed.disclosure)
    errors = [f for f in findings if f.severity == Severity.ERROR]
    if errors and not force:
        return RenderResult(None, findings, True, available)
    name = data.disclosure.meta.unit_name or ""
    write(composed.blocks, output, fmt or format_of(output) or "html", title=f"{name}{data.disclosure.meta.year or ''}"
          "年单位预算公开")
    return RenderResult(composed, findings, False, available)
