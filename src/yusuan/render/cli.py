"""``yusuan template`` and ``yusuan render`` (registered by the main CLI)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from yusuan.model import Severity
from yusuan.render import FORMATS, STYLES, get_style, load_input, render, write_template
from yusuan.render.writers import format_of

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@click.command("template")
@click.option("--year", type=int, required=True, help="预算年度，如 2026。")
@click.option("--style", type=click.Choice(sorted(STYLES)), default="xinjiang", show_default=True,
              help="表格体例：xinjiang 新疆/财政部 11 张表；shanghai 上海 9 张表。")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="输出的填报表（.xlsx）。")
def template_command(year: int, style: str, output: str) -> None:
    """生成预算公开填报表（Excel）：每张公开表一个工作表，另有单位概况、人员、上年数及原因、政府采购、
    国有资产、绩效目标等工作表。"""
    write_template(output, year, get_style(style))
    click.echo(f"已生成填报表：{output}", err=True)


@click.command("render")
@click.argument("input_path", metavar="INPUT", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="输出文件，按扩展名决定格式：.pdf .docx .html .txt。")
@click.option("--style", type=click.Choice(sorted(STYLES)), default="xinjiang", show_default=True,
              help="表格体例与标题。")
@click.option("--force", is_flag=True, help="审核发现错误时仍然生成。")
def render_command(input_path: str, output: str, style: str, force: bool) -> None:
    """由填报表或规范 JSON（INPUT）生成完整的预算公开文件。"""
    fmt = format_of(output)
    if fmt not in FORMATS:
        raise click.UsageError(f"不支持的输出格式“{Path(output).suffix}”，请使用 .pdf、.docx、.html 或 .txt。")
    data, diagnostics = load_input(input_path)
    for d in diagnostics:
        click.echo(f"[{_ZH[d.severity.value]} {d.code}] {d.message}", err=True)
    if data is None or any(d.severity == Severity.ERROR for d in diagnostics):
        click.echo("输入有错误，未生成文件。请按上面的提示修改后重试。", err=True)
        sys.exit(EXIT_USAGE)
    try:
        result = render(data, output, get_style(style), force=force, fmt=fmt)
    except ImportError as exc:  # weasyprint (PDF) or python-docx not installed
        click.echo(f"生成 {fmt} 需要的组件未安装（{exc.name}）。请运行 scripts/setup.sh 后重试。", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        click.echo(f"无法写入输出文件 {output}（{exc.strerror}）。请检查目录是否存在、是否有写权限。", err=True)
        sys.exit(EXIT_USAGE)
    if not result.audit_available:
        click.echo("[警告] 审核模块不可用，已跳过生成前审核。", err=True)
    for f in result.findings:
        if f.severity != Severity.INFO:
            where = "/".join(x for x in (f.location.table, f.location.row_code, f.location.column) if x)
            click.echo(f"[{_ZH[f.severity.value]} {f.rule}] {where + '：' if where else ''}{f.message}", err=True)
    if result.blocked:
        errors = sum(1 for f in result.findings if f.severity == Severity.ERROR)
        click.echo(f"审核发现 {errors} 个错误，未生成文件。请修改数据后重试，或用 --force 强制生成。", err=True)
        sys.exit(EXIT_FINDINGS)
    click.echo(f"已生成：{output}", err=True)
    sys.exit(EXIT_OK)
