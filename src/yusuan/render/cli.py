"""``yusuan template`` and ``yusuan render`` (registered by the main CLI)."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import click

from yusuan.model import Finding, Severity
from yusuan.render import FORMATS, STYLES, get_style, load_input, render, write_template
from yusuan.render.pipeline import RenderResult
from yusuan.render.writers import format_of

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@click.command("template")
@click.option("--year", type=int, required=True, help="预算年度，如 2026。")
@click.option("--style", type=click.Choice(sorted(STYLES)), default="xinjiang", show_default=True,
              help="表格体例：xinjiang 新疆/财政部 11 张表；shanghai 上海 9 张表。")
@click.option("--from", "previous", type=click.Path(exists=True, dir_okay=False), default=None,
              help="上年公开文件（PDF、Word、Excel 或 yusuan 规范 JSON）：其数字预填入“上年数”工作表。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="输出的填报表（.xlsx）。")
def template_command(year: int, style: str, previous: str | None, output: str) -> None:
    """生成预算公开填报表（Excel）：填报说明、每张公开表一个工作表（数据验证、合计校验公式、保护列键），
    另有单位信息、单位概况、人员、上年数及原因、政府采购、国有资产、绩效目标等工作表。"""
    last = None
    if previous:
        data, diagnostics = load_input(previous)
        if data is None:
            for d in diagnostics:
                click.echo(f"[{_ZH[d.severity.value]} {d.code}] {d.message}", err=True)
            click.echo(f"无法读取上年公开文件 {previous}，未生成填报表。", err=True)
            sys.exit(EXIT_USAGE)
        last = data.disclosure
        if last.meta.year and last.meta.year != year - 1:
            click.echo(f"[提示] 上年文件的年度是 {last.meta.year} 年，不是 {year - 1} 年；仍按上年数预填。", err=True)
    try:
        write_template(output, year, get_style(style), previous=last)
    except OSError as exc:
        click.echo(f"无法写入 {output}（{exc.strerror}）。请检查目录是否存在、是否有写权限。", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"已生成填报表：{output}", err=True)


def _where(f: Finding) -> str:
    where = "/".join(x for x in (f.location.table, f.location.row_code, f.location.column) if x)
    return f"{where}：" if where else ""


def _print_findings(findings: tuple[Finding, ...]) -> None:
    for f in findings:
        if f.severity != Severity.INFO:
            click.echo(f"[{_ZH[f.severity.value]} {f.rule}] {_where(f)}{f.message}", err=True)


def _explain_stop(result: RenderResult) -> None:
    if result.stop == "gaps":
        click.echo("缺少以下输入，未生成文件：", err=True)
        for i, g in enumerate(result.gaps, start=1):
            click.echo(f"  {i}. {g.item}（在{g.where}填写）", err=True)
        click.echo("请补填后重试；或加 --fallback 采用 docs/render.md 所列的替代表述（逐项列入生成报告）。", err=True)
    elif result.stop == "contradictions":
        click.echo("以下原因说明与表格中的数字矛盾，未生成文件：", err=True)
        for i, c in enumerate(result.contradictions, start=1):
            click.echo(f"  {i}. “{c.reason}”：{c.finding.message}", err=True)
        click.echo("请改正“上年数及原因”中的原因后重试；或加 --force 生成（矛盾的原因不写入文件，列入生成报告）。",
                   err=True)
    else:
        _print_findings(result.findings)
        if result.check is not None:
            for line in result.check.differences():
                click.echo(f"[自检] {line}", err=True)
        errors = sum(1 for f in result.findings if f.severity == Severity.ERROR)
        warnings = sum(1 for f in result.findings if f.severity == Severity.WARNING)
        click.echo(f"生成前自检未通过（错误 {errors} 条，警告 {warnings} 条），未生成文件。"
                   "请修改数据后重试，或加 --force 强制生成（问题列入生成报告）。", err=True)


def _parse_date(text: str | None) -> str | None:
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text.strip())
    if not m:
        raise click.BadParameter(f"“{text}”不是日期，请写成 2025-01-20 或 2025年1月20日。", param_hint="--date")
    y, mo, d = (int(x) for x in m.groups())
    try:
        date(y, mo, d)
    except ValueError as exc:
        raise click.BadParameter(f"“{text}”不是有效日期。", param_hint="--date") from exc
    return f"{y}年{mo}月{d}日"


@click.command("render")
@click.argument("input_path", metavar="输入文件", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="输出文件，按扩展名决定格式：.pdf .docx .html .txt。")
@click.option("--style", type=click.Choice(sorted(STYLES)), default="xinjiang", show_default=True,
              help="表格体例与标题。")
@click.option("--date", "dated", default=None,
              help="编制日期（封面和落款），如 2025-01-20；给出时覆盖填报表中的编制日期。")
@click.option("--fallback", is_flag=True,
              help="缺少的输入（职能、上年数、原因、机关运行经费等）用 docs/render.md 所列替代表述，并列入生成报告。")
@click.option("--force", is_flag=True, help="自检或审核有问题时仍然生成；问题和未写入的矛盾原因列入生成报告。")
@click.option("--report", type=click.Path(dir_okay=False), default=None,
              help="生成报告的路径（默认与输出文件同目录，名为“<文件名>.生成报告.txt”）。")
def render_command(input_path: str, output: str, style: str, dated: str | None, fallback: bool, force: bool,
                   report: str | None) -> None:
    """由填报表、规范 JSON 或已公开的文件（输入文件）生成完整的预算公开文件；写出前自检：读回文件，
    核对表格数据和说明数字与输入一致，并运行 check。"""
    fmt = format_of(output)
    if fmt not in FORMATS:
        raise click.UsageError(f"不支持的输出格式“{Path(output).suffix}”，请使用 .pdf、.docx、.html 或 .txt。")
    printed_date = _parse_date(dated)
    data, diagnostics = load_input(input_path)
    for d in diagnostics:
        click.echo(f"[{_ZH[d.severity.value]} {d.code}] {d.message}", err=True)
    if data is None or any(d.severity == Severity.ERROR for d in diagnostics):
        click.echo("输入有错误，未生成文件。请按上面的提示修改后重试。", err=True)
        sys.exit(EXIT_USAGE)
    if printed_date:
        data.notes["date"] = printed_date
    try:
        result = render(data, output, get_style(style), force=force, fmt=fmt, fallback=fallback, report=report)
    except ImportError as exc:  # weasyprint (PDF) or python-docx not installed
        click.echo(f"生成 {fmt} 需要的组件未安装（{exc.name}）。请运行 scripts/setup.sh 后重试。", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"无法写入输出文件 {output}（{exc.strerror}）。请检查目录是否存在、是否有写权限。", err=True)
        sys.exit(EXIT_USAGE)
    if result.blocked:
        _explain_stop(result)
        sys.exit(EXIT_FINDINGS)
    _print_findings(result.findings)
    check = result.check
    if check is not None and check.clean:
        click.echo(f"自检通过：读回表格数据 {check.facts} 项、说明数字 {check.claims} 项，与输入一致；"
                   "审核无错误和警告。", err=True)
    if result.report:
        click.echo(f"生成报告：{result.report}", err=True)
    click.echo(f"已生成：{output}（{result.seconds:.1f} 秒）", err=True)
    sys.exit(EXIT_OK)
