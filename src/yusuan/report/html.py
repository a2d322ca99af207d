"""One self-contained HTML page per check run: a summary, then each document's findings,
its tables with the cells a finding points at highlighted, and its narrative with the
sentences a finding points at highlighted. No external assets."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from yusuan.audit.report import SEVERITY_ZH, STATUS_ZH, CheckReport, DocumentReport, Status
from yusuan.model import Finding, Severity, Source, Table
from yusuan.report.findings import _sorted, location_text, quote_text

_CSS = """
body{font-family:-apple-system,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
td,th{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right;font-variant-numeric:tabular-nums}
.error{background:#fdd}.warning{background:#ffe9b3}.info{background:#e3efff}
mark.error{background:#fbb}mark.warning{background:#ffd97a}mark.info{background:#cfe2ff}
.sev-error{color:#b00}.sev-warning{color:#a60}.sev-info{color:#036}
.summary td{padding:4px 10px}details{margin:.3em 0}h2{border-bottom:2px solid #444}
"""


def _cell_key(f: Finding) -> tuple[str | None, str | None, str | None]:
    return (f.location.table, f.location.row_code or f.location.row_name, f.location.column)


def _worst(fs: list[Finding]) -> str:
    for s in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        if any(f.severity == s for f in fs):
            return s.value
    return ""



def provenance(src: Source) -> str:
    """"第 3 页 第 41 行 (x0,top,x1,bottom)" / "Sheet1!C7": where a value was printed."""
    parts = []
    if src.page is not None:
        parts.append(f"第 {src.page} 页")
    if src.line is not None:
        parts.append(f"第 {src.line} 行")
    if src.bbox is not None:
        parts.append("(" + ",".join(f"{x:.1f}" for x in src.bbox) + ")")
    if src.ref:
        parts.append(src.ref)
    return " ".join(parts)

def _table_html(t: Table, marks: dict, ids: dict[int, int]) -> str:
    cols = [c.key for c in t.columns] or sorted({k for r in t.rows for k in r.values})
    heads = {c.key: c.header for c in t.columns}
    out = [f"<h4>{escape(t.title)}（{escape(t.id)}{'，单位：' + t.unit.value if t.unit else ''}）</h4>"]
    if t.empty:
        out.append(f"<p>空表。{escape(t.empty_reason or '')}</p>")
        return "".join(out)
    out.append("<table><tr><th>编码</th><th>名称</th>" + "".join(f"<th>{escape(heads.get(c, c))}</th>" for c in cols))
    out.append("</tr>")
    for r in t.rows:
        row_marks = marks.get((t.id, r.code or r.name, None), []) + marks.get((t.id, r.name, None), [])
        cls = f' class="{_worst(row_marks)}"' if row_marks else ""
        cells = []
        for c in cols:
            fs = marks.get((t.id, r.code or r.name, c), [])
            v = r.values.get(c)
            where = provenance(r.source_of(c)) if v is not None else ""
            title = escape("；".join([*(f"{f.rule} {f.message}" for f in fs), *([where] if where else [])]))
            refs = "".join(f'<a href="#f{ids[id(f)]}">*</a>' for f in fs)
            data = f' data-source="{escape(where)}"' if where else ""
            cls_c = f' class="n {_worst(fs)}"' if fs else ' class="n"'
            cells.append(f"<td{cls_c} title=\"{title}\"{data}>{'' if v is None else escape(format(v, 'f'))}{refs}</td>")
        out.append(f"<tr{cls}><td>{escape(r.code)}</td><td>{escape(r.name)}</td>{''.join(cells)}</tr>")
    out.append("</table>")
    return "".join(out)


def _document_html(d: DocumentReport, start: int) -> tuple[str, int]:
    out = [f"<h2>{escape(d.doc)}</h2><p>{escape(d.path or '')}</p>"]
    if d.members:
        out.append("<p>作为同一公开的 " + str(len(d.members)) + " 个文件一并检查：" + "、".join(
            f"{escape(m.path or m.doc)}（{escape(m.parts)}）" for m in d.members) + "</p>")
    if d.failed or d.disclosure is None:
        out.append(f"<p class='sev-error'>无法检查：{escape('；'.join(x.message for x in d.diagnostics))}</p>")
        return "".join(out), start
    if d.reading_notes:
        out.append("<h3>读取提示</h3><p>以下内容未能完整读取，相关检查可能不完整：</p><ul>" + "".join(
            f"<li><span class='sev-{x.severity.value}'>[{SEVERITY_ZH[x.severity]}] {escape(x.code)}</span> "
            f"{escape(x.message)}</li>" for x in d.reading_notes) + "</ul>")
    ids: dict[int, int] = {}
    out.append("<h3>发现的问题</h3><ol>")
    n = start
    for f in _sorted(d.findings):
        n += 1
        ids[id(f)] = n
        conf = f"（置信度 {f.confidence:.2f}）" if f.confidence is not None and f.confidence < 1 else ""
        quote = quote_text(f)
        said = f" <q>{escape(quote)}</q>" if quote else ""
        out.append(f'<li id="f{n}"><span class="sev-{f.severity.value}">[{SEVERITY_ZH[f.severity]}] {f.rule}</span> '
                   f"{escape(f.message)}{conf}{said} <small>{escape(location_text(f, d))}</small></li>")
    out.append("</ol>" if d.findings else "</ol><p>未发现问题。</p>")
    counts = d.status_counts()
    out.append("<details><summary>规则覆盖：" + "，".join(f"{STATUS_ZH[s]} {counts[s]}" for s in Status if counts[s])
               + "</summary><table><tr><th>规则</th><th>结果</th><th>核对次数</th><th>说明</th></tr>")
    for e in d.coverage:
        out.append(f"<tr><td>{e.rule}</td><td>{STATUS_ZH[e.status]}</td><td class='n'>{e.checks}</td>"
                   f"<td>{escape(e.reason)}</td></tr>")
    out.append("</table></details>")
    marks: dict = defaultdict(list)
    by_line: dict = defaultdict(list)
    for f in d.findings:
        marks[_cell_key(f)].append(f)
        if f.location.column:
            marks[(f.location.table, f.location.row_code or f.location.row_name, None)].append(f)
        if f.location.source.line:
            by_line[f.location.source.line].append(f)
    out.append("<h3>预算公开表</h3>")
    for t in d.disclosure.tables:
        out.append(_table_html(t, marks, ids))
    if not d.disclosure.tables:
        out.append("<p class='sev-error'>未识别到任何表格。</p>")
    out.append("<h3>情况说明</h3>")
    for s in d.disclosure.narrative:
        text = escape(s.text)
        for fig in s.figures:
            fs = by_line.get(fig.source.line, []) if fig.source.line else []
            if fs and fig.sentence and escape(fig.sentence) in text:
                refs = "".join(f'<a href="#f{ids[id(f)]}">*</a>' for f in fs)
                text = text.replace(escape(fig.sentence),
                                    f'<mark class="{_worst(fs)}">{escape(fig.sentence)}</mark>{refs}', 1)
        head_fs = by_line.get(s.source.line, []) if s.source.line else []
        cls = f' class="{_worst(head_fs)}"' if head_fs else ""
        out.append(f"<h4{cls}>{escape(s.heading)}</h4><p>{text}</p>")
    return "".join(out), n


def render_html(report: CheckReport) -> str:
    rows = []
    for d in report.documents:
        rows.append(f"<tr><td>{escape(d.doc)}</td>" + "".join(
            f"<td class='n sev-{s.value}'>{d.count(s)}</td>" for s in Severity) +
            f"<td>{'无法读取' if d.failed else ''}</td></tr>")
    body, n = [], 0
    for d in report.documents:
        html, n = _document_html(d, n)
        body.append(html)
    return (
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>yusuan 检查报告</title>"
        f"<style>{_CSS}</style></head><body><h1>yusuan 预算公开检查报告</h1>"
        f"<p>{escape(report.summary_line())}</p><table class='summary'><tr><th>文件</th>"
        + "".join(f"<th>{SEVERITY_ZH[s]}</th>" for s in Severity) + "<th></th></tr>" + "".join(rows) + "</table>"
        + "".join(body) + "</body></html>\n"
    )
