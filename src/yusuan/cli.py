"""Command line: ``yusuan parse | check | rules | schema``.

Exit codes: 0 success; 1 ``check`` found findings at or above ``--fail-on``; 2 user error
(unreadable or unrecognised input, bad options). A failed file never stops the batch: the
others are processed and a summary is printed at the end. Progress goes to stderr, and only
when stderr is a terminal, so piped output stays clean.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from yusuan import __version__
from yusuan.api import doc_id_for, parse
from yusuan.isolation import Failed, Limits
from yusuan.isolation.cli import limit_option, limits_or_exit
from yusuan.model import Diagnostic, Disclosure, Severity
from yusuan.text import printable

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class Outcome:
    path: str
    disclosure: Disclosure | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def failed(self) -> bool:
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


def _progress(items: list[str], label: str) -> Iterator[str]:
    if len(items) > 1 and sys.stderr.isatty():
        with click.progressbar(items, label=label, file=sys.stderr, item_show_func=lambda p: p or "") as bar:
            yield from bar
    else:
        yield from items


@contextmanager
def reading_progress() -> Iterator[None]:
    """Steps of a long read (OCR page by page) shown on a terminal, on their own lines."""
    if not sys.stderr.isatty():
        yield
        return
    from yusuan.ingest import progress

    with progress.listening(lambda message: click.echo(f"\n{message}", err=True)):
        yield


def parse_all(paths: Sequence[str], label: str = "解析", limits: Limits | None = None) -> list[Outcome]:
    """Parse every file. With ``limits`` each file is parsed in a limited worker process
    (what the commands do), else in this process (library use, tests)."""
    with reading_progress():
        return _parse_all(paths, label, limits)


def _parse_all(paths: Sequence[str], label: str, limits: Limits | None) -> list[Outcome]:
    files = expand_inputs(paths)
    if limits is not None:
        from yusuan.isolation.cli import failure_diagnostic, map_files

        results = map_files(parse, files, limits, label)
        return [Outcome(path, None, (failure_diagnostic(path, r),)) if isinstance(r, Failed) else Outcome(path, *r)
                for path, r in zip(files, results, strict=True)]
    outcomes: list[Outcome] = []
    for path in _progress(files, label):
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="yusuan")
def main() -> None:
    """yusuan 预算公开文件解析、审核与比较工具。

    把单位/部门预算（决算）公开文件解析为统一的数据模型，核对表内、表间与文字说明的一致性。
    """


@main.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["json", "facts", "claims", "xlsx"]), default="json",
              show_default=True,
              help="输出格式：json 规范模型；facts 表格长表 CSV；claims 说明数字长表 CSV（每个金额、占比、增减一行）；"
              "xlsx 每表一个工作表。")
@click.option("-o", "--output", type=click.Path(), help="输出文件（xlsx 多文件时为目录）；默认标准输出。")
@click.option("-v", "--verbose", is_flag=True, help="同时显示警告和提示类诊断信息。")
@limit_option
def parse_command(files: tuple[str, ...], fmt: str, output: str | None, verbose: bool,
                  limit_items: tuple[str, ...]) -> None:
    """解析预算公开文件 FILES（文件或目录），输出规范数据。

    每个文件在受限的子进程中解析（内存、时间、页数等上限见 yusuan.toml 的 [limits] 或 --limit）。
    """
    outcomes = parse_all(files, limits=limits_or_exit(limit_items))
    good = [o for o in outcomes if o.disclosure is not None]
    report_diagnostics(outcomes, verbose)
    if fmt == "xlsx":
        _write_xlsx(good, output)
    else:
        text = printable(_render_text(good, fmt))  # whatever a reader let through, the output is valid UTF-8
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    if len(outcomes) > 1 or any(o.failed for o in outcomes):
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
    if len(outcomes) == 1 and not Path(output).is_dir():
        write_xlsx(outcomes[0].disclosure, output)  # type: ignore[arg-type]
        return
    out_dir = Path(output)
    out_dir.mkdir(parents=True, exist_ok=True)
    for o in outcomes:
        write_xlsx(o.disclosure, out_dir / f"{o.disclosure.meta.doc}.xlsx")  # type: ignore[union-attr]


@main.command("schema")
def schema_command() -> None:
    """输出规范模型的 JSON Schema（yusuan/disclosure@2）。"""
    from yusuan.report.serialize import json_schema

    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def _register_subsystems() -> None:
    """Commands that live beside their own subsystem (audit, store, web, render)."""
    from importlib import import_module

    for module, names in (
        ("yusuan.audit.cli", ("check", "rules")),
        ("yusuan.store.cli", ("ingest", "compare", "query", "dataset")),
        ("yusuan.web.cli", ("serve",)),
        ("yusuan.render.cli", ("template", "render")),
    ):
        try:
            mod = import_module(module)
        except ImportError:
            continue
        for name in names:
            command = getattr(mod, f"{name}_command", None)
            if command is not None:
                main.add_command(command, name)


_register_subsystems()


if __name__ == "__main__":
    main()
