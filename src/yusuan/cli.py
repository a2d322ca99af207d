"""Command line: ``yusuan parse | check | rules | schema``.

Exit codes: 0 success; 1 ``check`` found findings at or above ``--fail-on``; 2 user error
(unreadable or unrecognised input, bad options). A failed file never stops the batch: the
others are processed and a summary is printed at the end. Progress goes to stderr, and only
when stderr is a terminal, so piped output stays clean; ``-q`` silences progress and summary.
A CSV written to a file (``-o x.csv``) starts with a UTF-8 BOM (for Excel); CSV on standard
output does not (``yusuan.report.outputs``). ``-`` as a file reads standard input.
Click's own texts are shown in Chinese (``yusuan.clitext``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from yusuan import __version__, clitext
from yusuan.cli_io import fail_writing, quiet_option, reading_stdin, write_output_or_exit
from yusuan.isolation.options import limit_option

if TYPE_CHECKING:
    from yusuan.isolation import Limits
    from yusuan.model import Diagnostic, Disclosure

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

clitext.install()  # before the decorators below read click's texts


@dataclass(frozen=True)
class Outcome:
    path: str
    disclosure: Disclosure | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def failed(self) -> bool:
        from yusuan.model import Severity

        return self.disclosure is None or any(d.severity == Severity.ERROR for d in self.diagnostics)


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Files as given; folders expanded recursively to the files inside (sorted)."""
    out: list[str] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out += [str(f) for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith(".")]
        else:
            out.append(raw)
    return out


def _progress(items: list[str], label: str, quiet: bool = False) -> Iterator[str]:
    if len(items) > 1 and sys.stderr.isatty() and not quiet:
        with click.progressbar(items, label=label, file=sys.stderr, item_show_func=lambda p: p or "") as bar:
            yield from bar
    else:
        yield from items


@contextmanager
def reading_progress(quiet: bool = False) -> Iterator[None]:
    """Steps of a long read (pages read, OCR page by page) shown on a terminal, on one line."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    from yusuan.ingest import progress
    from yusuan.isolation.cli import StatusLine

    status = StatusLine()
    try:
        with progress.listening(status):
            yield
    finally:
        status.close()


def parse_all(paths: Sequence[str], label: str = "解析", limits: Limits | None = None,
              quiet: bool = False) -> list[Outcome]:
    """Parse every file. With ``limits`` each file is parsed in a limited worker process
    (what the commands do), else in this process (library use, tests)."""
    with reading_progress(quiet):
        return _parse_all(paths, label, limits, quiet)


def _parse_all(paths: Sequence[str], label: str, limits: Limits | None, quiet: bool) -> list[Outcome]:
    from yusuan.api import doc_id_for, parse
    from yusuan.isolation import Failed
    from yusuan.model import Diagnostic, Severity
    from yusuan.text import printable

    files = expand_inputs(paths)
    if limits is not None:
        from yusuan.isolation.cli import failure_diagnostic, map_files

        results = map_files(parse, files, limits, label, quiet)
        return [Outcome(path, None, (failure_diagnostic(path, r),)) if isinstance(r, Failed) else Outcome(path, *r)
                for path, r in zip(files, results, strict=True)]
    outcomes: list[Outcome] = []
    for path in _progress(files, label, quiet):
        try:
            disclosure, diagnostics = parse(path, doc_id_for(path))
        except Exception as exc:  # a parser bug must not take the batch down with it
            diagnostics = (
                Diagnostic(
                    code="X001",
                    severity=Severity.ERROR,
                    message=f"{printable(path)}：解析时发生内部错误（{type(exc).__name__}: {exc}）。"
                    "请将该文件报告给 yusuan 开发者。",
                ),
            )
            disclosure = None
        outcomes.append(Outcome(path, disclosure, diagnostics))
    return outcomes


def report_diagnostics(outcomes: Sequence[Outcome], verbose: bool) -> None:
    """Errors and the readers' warnings (what could not be read: cuts, pages not OCR'd)
    always go to stderr, each once; other warnings and info only with --verbose."""
    from yusuan.audit.report import reading_notes
    from yusuan.model import Severity
    from yusuan.text import printable

    for outcome in outcomes:
        notes = reading_notes(outcome.diagnostics)
        for d in dict.fromkeys(outcome.diagnostics):
            if d.severity == Severity.ERROR or d in notes or verbose:
                line, page = d.source.line, d.source.page
                where = f"第 {line} 行" if line else (f"第 {page} 页" if page else "")
                prefix = {"error": "错误", "warning": "警告", "info": "提示"}[d.severity.value]
                name = printable(outcome.path)
                loc = f"{name}{'：' + where if where else ''}"
                msg = d.message if d.message.startswith(name) else f"{loc}：{d.message}"
                click.echo(f"[{prefix} {d.code}] {msg}", err=True)


def summary_line(outcomes: Sequence[Outcome]) -> str:
    failed = sum(1 for o in outcomes if o.failed)
    return f"共 {len(outcomes)} 个文件：成功 {len(outcomes) - failed} 个，失败 {failed} 个。"


# name: (module, one-line help as ``yusuan --help`` lists it; a test keeps it equal to the command's own)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("yusuan.audit.cli",
              "检查预算公开文件（文件或目录；- 表示从标准输入读取一个文件）：表内、表间、说明与表格的一致性及完整性。"),
    "rules": ("yusuan.audit.cli", "列出全部检查规则；给出规则代码时显示该规则的说明。"),
    "ingest": ("yusuan.store.cli", "把预算公开文件（文件或目录，目录递归）解析、审核并存入语料库。"),
    "compare": ("yusuan.store.cli", "比较语料库中各单位、各年度的预算（金额单位：万元）。"),
    "query": ("yusuan.store.cli", "对语料库执行只读 SQL 查询 SQL（在沙箱中运行）。"),
    "export": ("yusuan.store.cli", "把语料库导出为其他工具可按类型读取的文件。"),
    "dataset": ("yusuan.store.cli",
                "在 DuckDB 语料库（--db）与分区 Parquet 数据集（--data）之间转换（见 docs/scale.md）。"),
    "serve": ("yusuan.web.cli",
              "启动网页界面：上传公开文件（后台入库）、查看解析结果与审核发现、浏览语料库、比较单位。"),
    "template": ("yusuan.render.cli",
                 "生成预算公开填报表（Excel）：填报说明、每张公开表一个工作表（数据验证、合计校验公式、保护列键），\n"
                 "另有单位信息、单位概况、人员、上年数及原因、政府采购、国有资产、绩效目标等工作表。"),
    "render": ("yusuan.render.cli",
               "由填报表、规范 JSON 或已公开的文件（输入文件）生成完整的预算公开文件；写出前自检：读回文件，\n"
               "核对表格数据和说明数字与输入一致，并运行 check。"),
}


class LazyGroup(click.Group):
    """A group whose subsystem commands are imported only when run (or asked for by name),
    so that ``yusuan --help`` and each command import only what they use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = {}

    def add_lazy(self, name: str) -> None:
        self.lazy[name] = SUBCOMMANDS[name]

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            from importlib import import_module

            try:
                command = getattr(import_module(self.lazy[cmd_name][0]), f"{cmd_name}_command", None)
            except ImportError:  # an optional subsystem that is not installed
                command = None
            if command is None:
                return None
            clitext.localise(command)
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        for name in self.list_commands(ctx):
            if name in self.commands:
                command = self.commands[name]
                if not command.hidden:
                    rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, click.Command(name, help=self.lazy[name][1]).get_short_help_str(limit)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             subcommand_metavar="命令 [参数]...")
@click.version_option(__version__, prog_name="yusuan", help="显示版本并退出。", message="%(prog)s 版本 %(version)s")
def main() -> None:
    """yusuan 预算公开文件解析、审核与比较工具。

    把单位/部门预算（决算）公开文件解析为统一的数据模型，核对表内、表间与文字说明的一致性。
    """


@main.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="文件...")
@click.option("--format", "fmt", type=click.Choice(["json", "facts", "claims", "xlsx"]), default="json",
              show_default=True,
              help="输出格式：json 规范模型；facts 表格长表 CSV；claims 说明数字长表 CSV（每个金额、占比、增减一行）；"
              "xlsx 每表一个工作表。")
@click.option("-o", "--output", type=click.Path(), help="输出文件（xlsx 多文件时为目录）；默认标准输出。"
              "写入文件的 CSV 带 UTF-8 BOM（Excel 可直接打开），标准输出不带。")
@click.option("-v", "--verbose", is_flag=True, help="同时显示警告和提示类诊断信息。")
@quiet_option
@limit_option
def parse_command(files: tuple[str, ...], fmt: str, output: str | None, verbose: bool, quiet: bool,
                  limit_items: tuple[str, ...]) -> None:
    """解析预算公开文件（文件或目录；- 表示从标准输入读取一个文件），输出规范数据。

    每个文件在受限的子进程中解析（内存、时间、页数等上限见 yusuan.toml 的 [limits] 或 --limit）。
    """
    from yusuan.isolation.cli import limits_or_exit
    from yusuan.text import printable

    limits = limits_or_exit(limit_items)
    with reading_stdin(files) as inputs:
        outcomes = [Outcome(inputs.label(o.path), o.disclosure, inputs.diagnostics(o.diagnostics))
                    for o in parse_all(inputs.paths, limits=limits, quiet=quiet)]
    good = [o for o in outcomes if o.disclosure is not None]
    report_diagnostics(outcomes, verbose)
    if fmt == "xlsx":
        _write_xlsx(good, output)
    else:
        text = printable(_render_text(good, fmt))  # whatever a reader let through, the output is valid UTF-8
        if output:
            write_output_or_exit(text, output, csv=fmt in ("facts", "claims"))
        else:
            click.echo(text, nl=False)
    if not quiet and (len(outcomes) > 1 or any(o.failed for o in outcomes)):
        click.echo(summary_line(outcomes), err=True)
    sys.exit(EXIT_USAGE if any(o.failed for o in outcomes) else EXIT_OK)


def _render_text(outcomes: Sequence[Outcome], fmt: str) -> str:
    if fmt in ("facts", "claims"):
        import io

        from yusuan.report.claims import write_claims_csv
        from yusuan.report.facts import write_facts_csv

        buf = io.StringIO()
        writer = write_facts_csv if fmt == "facts" else write_claims_csv
        writer([o.disclosure for o in outcomes if o.disclosure], buf)
        return buf.getvalue()
    from yusuan.report.serialize import document_data

    docs = [document_data(o.disclosure, o.diagnostics) for o in outcomes if o.disclosure]
    payload = docs[0] if len(docs) == 1 else docs
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def _write_xlsx(outcomes: Sequence[Outcome], output: str | None) -> None:
    from yusuan.report.xlsx import write_xlsx

    if not output:
        raise click.UsageError("xlsx 格式需要用 -o 指定输出文件（多个输入时指定目录）。")
    try:
        if len(outcomes) == 1 and not Path(output).is_dir():
            write_xlsx(outcomes[0].disclosure, output)  # type: ignore[arg-type]
            return
        out_dir = Path(output)
        out_dir.mkdir(parents=True, exist_ok=True)
        for o in outcomes:
            write_xlsx(o.disclosure, out_dir / f"{o.disclosure.meta.doc}.xlsx")  # type: ignore[union-attr]
    except OSError as exc:
        fail_writing(output, exc)


@main.command("schema")
def schema_command() -> None:
    """输出规范模型的 JSON Schema（yusuan/disclosure@2）。"""
    from yusuan.report.serialize import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _register_subsystems() -> None:
    """Commands that live beside their own subsystem (audit, store, web, render), imported
    when one of them is run; ``--help`` lists them from ``SUBCOMMANDS`` without importing."""
    for name in SUBCOMMANDS:
        main.add_lazy(name)


_register_subsystems()
clitext.localise(main)


if __name__ == "__main__":
    main()
