"""``yusuan check`` and ``yusuan rules`` (registered in the main CLI; also runnable as
``python -m yusuan.audit.cli check FILE...``).

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on;
2 user error (unreadable file, bad option, bad config). A bad file never stops the batch.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from yusuan.audit.config import Config, ConfigError, load_config, with_overrides
from yusuan.audit.registry import FAMILIES, all_rules
from yusuan.audit.report import SEVERITY_ZH, CheckReport, DocumentReport
from yusuan.isolation import Failed, Limits
from yusuan.isolation.cli import limit_option, limits_or_exit
from yusuan.isolation.pool import failure_message
from yusuan.model import Severity
from yusuan.text import printable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def check_paths(paths: list[str], config: Config, limits: Limits | None = None) -> CheckReport:
    """Parse and check each file; files that are the two halves of one publication (a 文本 and
    a 表格 file of the same unit, year and kind) are checked as one. Unreadable files become
    failed document reports. With ``limits`` each file is read and parsed in a limited worker
    process (what the command does), else in this process."""
    from yusuan.audit.publication import FileToCheck, check_files
    from yusuan.cli import _progress, expand_inputs, reading_progress
    from yusuan.isolation.cli import failure_diagnostic, map_files
    from yusuan.store.extract import read

    files = expand_inputs(paths)
    if limits is not None:
        results = map_files(read, files, limits, "检查")
    else:
        with reading_progress():
            results = [_read_here(read, path) for path in _progress(files, "检查")]
    slots: list[DocumentReport | FileToCheck] = []
    for path, result in zip(files, results, strict=True):
        if isinstance(result, Failed):
            disclosure, diagnostics = None, (failure_diagnostic(path, result),)
        else:
            disclosure, diagnostics, lines, pages = result
        if disclosure is None:
            slots.append(DocumentReport(doc=printable(Path(path).stem), path=printable(path), disclosure=None,
                                        diagnostics=tuple(diagnostics), failed=True))
            continue
        slots.append(FileToCheck(disclosure, printable(path), tuple(diagnostics), lines, pages))
    to_check = [s for s in slots if isinstance(s, FileToCheck)]
    reports = check_files(to_check, config)  # in the order of each report's first file
    out: list[DocumentReport] = []
    at = 0
    for slot in slots:
        if isinstance(slot, DocumentReport):
            out.append(slot)
        elif at < len(reports) and slot.disclosure.meta.doc in _docs(reports[at]):
            out.append(reports[at])
            at += 1
    return CheckReport(tuple(out))


def _read_here(read: Callable[[str], Any], path: str) -> Any:
    try:
        return read(path)
    except Exception as exc:  # a parser bug must not take the batch down with it
        return Failed("internal", failure_message("internal", Limits(), f"{type(exc).__name__}: {exc}"))


def _docs(report: DocumentReport) -> list[str]:
    return [m.doc for m in report.members] or [report.doc]


def render(report: CheckReport, fmt: str) -> str:
    from yusuan.report import findings

    if fmt == "json":
        return findings.render_json(report)
    if fmt == "csv":
        return findings.render_csv(report)
    if fmt == "html":
        from yusuan.report.html import render_html

        return render_html(report)
    return findings.render_text(report)


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html"]), default="text",
              show_default=True, help="输出格式。")
@click.option("-o", "--output", type=click.Path(), help="输出文件；默认标准输出。")
@click.option("--select", multiple=True, help="只运行这些规则（代码或前缀，如 SUM、NAR002；可多次给出或用逗号分隔）。")
@click.option("--ignore", multiple=True, help="不运行这些规则（代码或前缀）。")
@click.option("--severity", "severity", multiple=True, help="调整规则严重程度：代码=级别，如 NAR002=error。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="有此级别及以上的问题时退出码为 1（默认 error）。")
@click.option("--tolerance-factor", default=None, help="四舍五入允许误差的倍数（默认 1）。")
@click.option("--tolerance-absolute", default=None, help="在舍入误差之外再允许的绝对误差（元，默认 0）。")
@click.option("--config", "config_path", type=click.Path(), default=None,
              help="配置文件（默认从当前目录向上查找 yusuan.toml 或 pyproject.toml 的 [tool.yusuan]）。")
@limit_option
def check_command(files: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], severity: tuple[str, ...], fail_on: str | None,
                  tolerance_factor: str | None, tolerance_absolute: str | None, config_path: str | None,
                  limit_items: tuple[str, ...]) -> None:
    """检查预算公开文件 FILES：表内、表间、说明与表格的一致性及完整性。

    每个文件在受限的子进程中读取和解析（内存、时间、页数等上限见 yusuan.toml 的 [limits] 或 --limit）。
    """
    split = lambda items: tuple(x for item in items for x in item.split(",") if x.strip())  # noqa: E731
    try:
        if config_path and not Path(config_path).is_file():
            raise ConfigError(f"找不到配置文件 {config_path}。")
        config = load_config(Path(config_path) if config_path else None)
        config = with_overrides(config, split(select), split(ignore), split(severity), fail_on,
                                tolerance_factor, tolerance_absolute)
    except ConfigError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(EXIT_USAGE)
    unknown = [c for c in (*config.select, *config.ignore, *config.severity)
               if not any(code.startswith(c) for code in all_rules())]
    if unknown:
        click.echo(f"错误：没有这些规则：{'、'.join(unknown)}。用 yusuan rules 查看全部规则。", err=True)
        sys.exit(EXIT_USAGE)
    report = check_paths(list(files), config, limits_or_exit(limit_items, config_path))
    for d in report.documents:
        if d.failed:
            msgs = "；".join(x.message for x in d.diagnostics if x.severity == Severity.ERROR) or "无法读取"
            click.echo(f"错误：{msgs if msgs.startswith(d.path) else f'{d.path}：{msgs}'}", err=True)
    text = render(report, fmt)
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            click.echo(f"错误：无法写入 {output}：{exc.strerror}。", err=True)
            sys.exit(EXIT_USAGE)
    else:
        click.echo(text, nl=False)
    if fmt != "text" or output:
        click.echo(report.summary_line(), err=True)
    if any(d.failed for d in report.documents):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if report.at_or_above(config.fail_on) else EXIT_OK)


@click.command("rules")
@click.argument("code", required=False)
def rules_command(code: str | None) -> None:
    """列出全部检查规则；给出 CODE 时显示该规则的说明。"""
    rules = all_rules()
    if code is None:
        family = None
        for c, r in rules.items():
            if r.family != family:
                family = r.family
                click.echo(f"\n{family} {FAMILIES[family]}")
            click.echo(f"  {c}  [{SEVERITY_ZH[r.severity]}]  {r.summary}")
        return
    r = rules.get(code.upper())
    if r is None:
        click.echo(f"错误：没有规则 {code}。用 yusuan rules 查看全部规则。", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{r.code} {r.summary}\n默认级别：{SEVERITY_ZH[r.severity]}（{r.severity.value}）\n"
               f"类别：{FAMILIES[r.family]}\n\n检查内容：{r.what}\n\n为什么：{r.why}\n\n"
               f"不通过的例子：{r.failing}\n\n通过的例子：{r.passing}")


@click.group()
def _cli() -> None:
    """yusuan check / rules."""


_cli.add_command(check_command)
_cli.add_command(rules_command)

if __name__ == "__main__":
    _cli()
