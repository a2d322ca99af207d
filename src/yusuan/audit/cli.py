"""``yusuan check`` and ``yusuan rules`` (registered in the main CLI; also runnable as
``python -m yusuan.audit.cli check FILE...``).

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above --fail-on;
2 user error (unreadable file, bad option, bad config). A bad file never stops the batch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click

from yusuan.audit.baseline import filter_report, read_baseline, write_baseline
from yusuan.audit.config import Config, ConfigError, load_config, with_overrides
from yusuan.audit.registry import FAMILIES, all_rules
from yusuan.audit.report import SEVERITY_ZH, CheckReport, DocumentReport
from yusuan.cli_io import Inputs, fail_writing, quiet_option, reading_stdin, write_output_or_exit
from yusuan.isolation import Failed, Limits
from yusuan.isolation.cli import limit_option, limits_or_exit
from yusuan.isolation.pool import failure_message
from yusuan.model import Severity
from yusuan.text import printable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def check_paths(paths: list[str], config: Config, limits: Limits | None = None, quiet: bool = False) -> CheckReport:
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
        results = map_files(read, files, limits, "检查", quiet)
    else:
        with reading_progress(quiet):
            results = [_read_here(read, path) for path in _progress(files, "检查", quiet)]
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


def statistics_text(report: CheckReport, fmt: str = "text") -> str:
    """Findings per rule, most first, as ruff's ``--statistics``: count, code, level, summary
    (``fmt="json"``: a list of records with those keys)."""
    from yusuan.audit.report import rule_counts

    rules = all_rules()
    counts = rule_counts(report)
    if fmt == "json":
        data = [{"count": n, "rule": rule, "severity": sev.value,
                 "summary": rules[rule].summary if rule in rules else ""} for (rule, sev), n in counts]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    width = max((len(str(n)) for _, n in counts), default=1)
    lines = [f"{n:>{width}}  {rule:<7} [{SEVERITY_ZH[sev]}] {rules[rule].summary if rule in rules else ''}".rstrip()
             for (rule, sev), n in counts]
    return "\n".join(lines) + "\n" if lines else "没有审核发现。\n"


def _fail(message: str) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_USAGE)


@click.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="文件...")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "html", "xlsx"]), default="text",
              show_default=True,
              help="输出格式。xlsx 需用 -o 指定文件；写入文件的 CSV 带 UTF-8 BOM（Excel 可直接打开）。")
@click.option("-o", "--output", type=click.Path(), help="输出文件；默认标准输出。")
@click.option("--xlsx-layout", type=click.Choice(["long", "per-document"]), default="long", show_default=True,
              help="xlsx 的排列：long 全部发现在一个工作表；per-document 每个文件一个工作表。")
@click.option("--statistics", is_flag=True,
              help="只输出每条规则的发现数（从多到少），不输出发现本身；与 --format json 一起时输出 JSON。")
@click.option("--baseline", "baseline_path", type=click.Path(), default=None,
              help="基线文件：其中已记录（指纹相同）的发现不再报告，只显示新的发现。")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(), default=None,
              help="把本次的全部发现写入基线文件（之后用 --baseline 只看新发现）。")
@click.option("--select", multiple=True, help="只运行这些规则（代码或前缀，如 SUM、NAR002；可多次给出或用逗号分隔）。")
@click.option("--ignore", multiple=True, help="不运行这些规则（代码或前缀）。")
@click.option("--severity", "severity", multiple=True, help="调整规则严重程度：代码=级别，如 NAR002=error。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="有此级别及以上的问题时退出码为 1（默认 error）。")
@click.option("--tolerance-factor", default=None, help="四舍五入允许误差的倍数（默认 1）。")
@click.option("--tolerance-absolute", default=None, help="在舍入误差之外再允许的绝对误差（元，默认 0）。")
@click.option("--config", "config_path", type=click.Path(), default=None,
              help="配置文件（默认从当前目录向上查找 yusuan.toml 或 pyproject.toml 的 [tool.yusuan]）。")
@quiet_option
@limit_option
def check_command(files: tuple[str, ...], fmt: str, output: str | None, xlsx_layout: str, statistics: bool,
                  baseline_path: str | None, write_baseline_path: str | None, select: tuple[str, ...],
                  ignore: tuple[str, ...], severity: tuple[str, ...], fail_on: str | None,
                  tolerance_factor: str | None, tolerance_absolute: str | None, config_path: str | None,
                  quiet: bool, limit_items: tuple[str, ...]) -> None:
    """检查预算公开文件（文件或目录；- 表示从标准输入读取一个文件）：表内、表间、说明与表格的一致性及完整性。

    每个文件在受限的子进程中读取和解析（内存、时间、页数等上限见 yusuan.toml 的 [limits] 或 --limit）。
    配置文件的 [check] per-file-ignores 可按文件模式忽略规则；--baseline 隐藏基线中已有的发现。
    """
    split = lambda items: tuple(x for item in items for x in item.split(",") if x.strip())  # noqa: E731
    try:
        if config_path and not Path(config_path).is_file():
            raise ConfigError(f"找不到配置文件 {config_path}。")
        config = load_config(Path(config_path) if config_path else None)
        config = with_overrides(config, split(select), split(ignore), split(severity), fail_on,
                                tolerance_factor, tolerance_absolute)
        baseline = read_baseline(baseline_path) if baseline_path else frozenset()
    except ConfigError as exc:
        _fail(str(exc))
    unknown = [c for c in (*config.select, *config.ignore, *config.severity,
                           *(code for _, codes in config.per_file_ignores for code in codes))
               if not any(code.startswith(c) for code in all_rules())]
    if unknown:
        _fail(f"没有这些规则：{'、'.join(dict.fromkeys(unknown))}。用 yusuan rules 查看全部规则。")
    if fmt == "xlsx" and not output and not statistics:
        _fail("xlsx 格式需要用 -o 指定输出文件。")
    limits = limits_or_exit(limit_items, config_path)
    with reading_stdin(files) as inputs:
        report = _relabelled(check_paths(inputs.paths, config, limits, quiet), inputs)
    report, by_file, by_baseline = filter_report(report, config, baseline)
    for d in report.documents:
        if d.failed:
            msgs = "；".join(x.message for x in d.diagnostics if x.severity == Severity.ERROR) or "无法读取"
            click.echo(f"错误：{msgs if msgs.startswith(d.path or '') else f'{d.path}：{msgs}'}", err=True)
    if write_baseline_path:
        try:
            written = write_baseline(report, write_baseline_path)
        except ConfigError as exc:
            _fail(str(exc))
        if not quiet:
            click.echo(f"已把 {written} 条发现写入基线文件 {printable(write_baseline_path)}。", err=True)
    _emit(report, fmt, output, xlsx_layout, statistics)
    if not quiet and (fmt != "text" or output or statistics):
        click.echo(report.summary_line(), err=True)
    if not quiet and (by_file or by_baseline):
        hidden = [f"按 per-file-ignores 忽略 {by_file} 条" if by_file else "",
                  f"基线中已有 {by_baseline} 条" if by_baseline else ""]
        click.echo(f"未报告：{'，'.join(h for h in hidden if h)}。", err=True)
    if any(d.failed for d in report.documents):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if report.at_or_above(config.fail_on) else EXIT_OK)


def _relabelled(report: CheckReport, inputs: Inputs) -> CheckReport:
    """The report naming ``<标准输入>`` instead of the temporary file standard input was kept in."""
    if not inputs.temporary:
        return report
    return CheckReport(tuple(replace(d, path=inputs.label(d.path or "") or d.path,
                                     diagnostics=inputs.diagnostics(d.diagnostics)) for d in report.documents))


def _emit(report: CheckReport, fmt: str, output: str | None, xlsx_layout: str, statistics: bool) -> None:
    if statistics:
        text = statistics_text(report, "json" if fmt == "json" else "text")
        if output:
            write_output_or_exit(text, output)
        else:
            click.echo(text, nl=False)
        return
    if fmt == "xlsx":
        from yusuan.report.findings_xlsx import write_findings_xlsx

        assert output is not None
        try:
            write_findings_xlsx(report, output, xlsx_layout)
        except OSError as exc:
            fail_writing(output, exc)
        return
    text = render(report, fmt)
    if output:
        write_output_or_exit(text, output, csv=fmt == "csv")
    else:
        click.echo(text, nl=False)


@click.command("rules")
@click.argument("code", required=False, metavar="[规则代码]")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式：text 供阅读；json 供程序读取（代码、类别、默认级别、摘要与说明）。")
def rules_command(code: str | None, fmt: str) -> None:
    """列出全部检查规则；给出规则代码时显示该规则的说明。"""
    rules = all_rules()
    if code is not None and code.upper() not in rules:
        _fail(f"没有规则 {code}。用 yusuan rules 查看全部规则。")
    if fmt == "json":
        chosen = [rules[code.upper()]] if code else list(rules.values())
        data = [{"code": r.code, "family": r.family, "family_name": FAMILIES[r.family],
                 "severity": r.severity.value, "summary": r.summary, "what": r.what, "why": r.why,
                 "failing": r.failing, "passing": r.passing} for r in chosen]
        click.echo(json.dumps(data[0] if code else data, ensure_ascii=False, indent=2))
        return
    if code is None:
        family = None
        for c, r in rules.items():
            if r.family != family:
                family = r.family
                click.echo(f"\n{family} {FAMILIES[family]}")
            click.echo(f"  {c}  [{SEVERITY_ZH[r.severity]}]  {r.summary}")
        return
    r = rules[code.upper()]
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
