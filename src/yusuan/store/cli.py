"""Commands ``ingest``, ``compare`` and ``query`` (registered by ``yusuan.cli``).

Exit codes as in the main CLI: 0 success; 2 user error (bad --db, no database yet, SQL
error) or, for ``ingest``, when some file failed (it is recorded and the batch goes on).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click
import duckdb

from yusuan.cli_io import fail_writing, quiet_option, write_output_or_exit
from yusuan.isolation.cli import StatusLine, limit_option, limits_or_exit
from yusuan.store.extract import Parsed
from yusuan.store.ingest import IngestAborted, ingest
from yusuan.store.output import render_csv, render_json, render_table, write_xlsx
from yusuan.store.queries import QUESTIONS, Result, compare
from yusuan.store.sandbox import QueryLimits, QueryRefused, open_sandbox, run_sandboxed
from yusuan.store.writer import DEFAULT_DB, StoreError, open_store
from yusuan.text import printable

EXIT_OK, EXIT_USAGE = 0, 2

_db_option = click.option(
    "--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=True), help="语料库数据库文件（DuckDB）。"
)


def _fail(message: str) -> NoReturn:
    click.echo(f"错误：{message}", err=True)
    sys.exit(EXIT_USAGE)


_data_option = click.option(
    "--data", type=click.Path(file_okay=False), default=None,
    help="改用分区 Parquet 数据集目录（见 docs/scale.md），代替 --db。",
)


def _open(db: str, read_only: bool, data: str | None = None) -> duckdb.DuckDBPyConnection:
    try:
        if data is not None:
            from yusuan.store.dataset import open_dataset

            return open_dataset(data)
        return open_store(db, read_only=read_only)
    except StoreError as exc:
        _fail(str(exc))


@click.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(), metavar="文件或目录...")
@_db_option
@click.option("--data", type=click.Path(file_okay=False), default=None,
              help="写入分区 Parquet 数据集目录（不存在时新建），代替 --db；多台机器可同时写入。")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local：本机多进程；ray：每个文件一个 Ray 任务（需 pip install 'yusuan[ray]' 与 --data）。")
@click.option("--address", default=None, metavar="auto|ray://主机:端口",
              help="Ray 集群地址；不给出时在本机启动 Ray（CPU 数为 -j）。")
@click.option("--files-from", "files_from", type=click.Path(dir_okay=False), default=None,
              help="从列表文件读取输入：每行一个路径或网址（http/https/file）。")
@click.option("-j", "--workers", type=click.IntRange(min=1), help="并行进程数；默认等于 CPU 核数。")
@click.option("--no-check", is_flag=True, help="只解析入库，不运行审核规则（不保存审核发现）。")
@click.option("--retry-failed", is_flag=True, help="重新处理此前记录为失败且内容未变的文件。")
@click.option("--include", multiple=True, metavar="模式",
              help="只取目录中匹配该模式的文件（可多次给出），如 *.pdf、2024/**/*.xlsx。不含 / 的模式匹配文件名，"
              "含 / 的匹配相对该目录的路径；不区分大小写。")
@click.option("--exclude", multiple=True, metavar="模式",
              help="跳过目录中匹配该模式的文件（可多次给出），如 *.md、附件/**。")
@click.option("-v", "--verbose", is_flag=True, help="每入库一个文件输出一行（标准错误）。")
@quiet_option
@limit_option
def ingest_command(
    paths: tuple[str, ...], db: str, data: str | None, engine: str, address: str | None, files_from: str | None,
    workers: int | None, no_check: bool, retry_failed: bool, include: tuple[str, ...], exclude: tuple[str, ...],
    verbose: bool, quiet: bool, limit_items: tuple[str, ...],
) -> None:
    """把预算公开文件（文件或目录，目录递归）解析、审核并存入语料库。

    \b
    - 多进程并行解析；每个文件在单独的事务中写入，中断后重新运行会从断点继续；
    - 内容未变（sha256 相同）的文件跳过；同一路径内容变化时保存为新版本（保留历史，标记最新版）；
    - --include/--exclude 按文件模式选取目录中的文件（直接给出的文件总是处理）；
    - 每个文件在受限的子进程中处理（内存、时间、页数等上限见 yusuan.toml 的 [limits] 或 --limit）；
    - 无法读取、超过上限或使子进程崩溃的文件记录为失败（含原因），其余文件照常处理；
      内容未变的失败文件在重新运行时跳过，除非给出 --retry-failed。
    """
    limits = limits_or_exit(limit_items)
    inputs = list(paths)
    if files_from:
        from yusuan.store.dataset_ingest import read_file_list

        try:
            inputs += read_file_list(files_from)
        except StoreError as exc:
            _fail(str(exc))
    if not inputs:
        _fail("没有要入库的文件。请给出文件或目录，或用 --files-from 给出列表文件。")
    if data is None and (engine == "ray" or files_from or address):
        _fail("--engine ray、--address 与 --files-from 写入 Parquet 数据集，请同时用 --data 指定数据集目录。")
    con = None if data is not None else _open(db, read_only=False)
    bar: dict[str, object] = {}
    status = StatusLine() if sys.stderr.isatty() and not quiet else None

    def on_start(n: int) -> None:
        if n > 1 and sys.stderr.isatty() and not verbose and not quiet:
            bar["bar"] = click.progressbar(length=n, label="入库", file=sys.stderr)
            bar["bar"].__enter__()  # type: ignore[attr-defined]

    def on_done(parsed: Parsed, action: str) -> None:
        if "bar" in bar:
            bar["bar"].update(1)  # type: ignore[attr-defined]
        if verbose:
            label = {"new": "新增", "version": "新版本", "failed": "失败"}[action]
            click.echo(f"[{label}] {printable(parsed.path)}", err=True)

    try:
        if con is None:
            from yusuan.store.dataset_ingest import ingest_dataset

            summary = ingest_dataset(data or "", inputs, engine=engine, address=address, workers=workers,
                                     check=not no_check, retry_failed=retry_failed, limits=limits, on_done=on_done,
                                     on_start=on_start, include=include, exclude=exclude)  # fmt: skip
        else:
            summary = ingest(con, inputs, workers=workers, check=not no_check, retry_failed=retry_failed,
                             limits=limits, on_done=on_done, on_start=on_start, include=include,
                             exclude=exclude, on_progress=status)  # fmt: skip
    except (IngestAborted, StoreError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("已中断。已完成的文件已保存，重新运行同一命令将从中断处继续。")
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)  # type: ignore[attr-defined]
        if status is not None:
            status.close()
        if con is not None:
            con.close()
    for path, message in summary.failures:
        msg = message if message.startswith(path) else f"{path}：{message}"
        click.echo(f"[失败] {printable(msg)}", err=True)
    if not quiet:
        click.echo(summary.line(), err=True)
    sys.exit(EXIT_USAGE if summary.failed else EXIT_OK)


def _emit(result: Result, fmt: str, output: str | None, sheet: str) -> None:
    if fmt == "xlsx":
        if not output:
            _fail("xlsx 格式需要用 -o 指定输出文件。")
        try:
            write_xlsx([(sheet, result)], output)
        except OSError as exc:
            fail_writing(output, exc)
        return
    text = {"table": render_table, "csv": render_csv, "json": render_json}[fmt](result)
    if output:
        write_output_or_exit(text, output, csv=fmt == "csv")
    else:
        click.echo(text, nl=False)


_WHAT_HELP = (
    "比较内容：\n\n\b\n"
    + "\n".join(f"{q.key:<15}{q.title}" for q in QUESTIONS.values())
    + ("\nall            以上全部（table 格式依次显示；xlsx 每项一个工作表）")
)


@click.command("compare", help="比较语料库中各单位、各年度的预算（金额单位：万元）。\n\n" + _WHAT_HELP)
@click.option(
    "--what",
    "what",
    type=click.Choice([*QUESTIONS, "all"]),
    default="three-public",
    show_default=True,
    help="比较内容（见上）。",
)
@_db_option
@_data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="输出格式。",
)
@click.option("-o", "--output", type=click.Path(), help="输出文件；默认标准输出（xlsx 必须指定）。")
@click.option("--unit", help="只看单位名称（未识别名称时为文件名）包含该文字的文件。")
@click.option("--year", type=int, help="只看该年度。")
@click.option(
    "--kind", type=click.Choice(["budget", "final_accounts"]), help="只看预算（budget）或决算（final_accounts）。"
)
def compare_command(
    what: str, db: str, data: str | None, fmt: str, output: str | None, unit: str | None, year: int | None,
    kind: str | None,
) -> None:
    con = _open(db, read_only=True, data=data)
    try:
        keys = list(QUESTIONS) if what == "all" else [what]
        results = [(k, compare(con, k, unit, year, kind)) for k in keys]
    except duckdb.Error as exc:
        _fail(f"查询语料库失败：{exc}。数据库可能来自不兼容的版本，请重新 ingest。")
    finally:
        con.close()
    if len(results) == 1:
        _emit(results[0][1], fmt, output, results[0][0])
        return
    if fmt == "xlsx":
        if not output:
            _fail("xlsx 格式需要用 -o 指定输出文件。")
        try:
            write_xlsx(results, output)
        except OSError as exc:
            fail_writing(output, exc)
        return
    if fmt != "table":
        _fail("--what all 只能与 --format table 或 xlsx 一起使用。")
    parts = [f"## {QUESTIONS[k].title}\n{render_table(r)}" for k, r in results]
    text = "\n".join(parts)
    if output:
        write_output_or_exit(text, output)
    else:
        click.echo(text, nl=False)


@click.command("query")
@click.argument("sql")
@_db_option
@_data_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="输出格式。",
)
@click.option("-o", "--output", type=click.Path(), help="输出文件；默认标准输出。")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=86400), default=QueryLimits.timeout_s,
              show_default=True, help="查询时限（秒），超过即中止。")
@click.option("--memory-mb", type=click.IntRange(min=64, max=1 << 20), default=QueryLimits.memory_mb,
              show_default=True, help="查询可用内存上限（MB）。")
@click.option("--max-rows", type=click.IntRange(min=1), default=QueryLimits.max_rows, show_default=True,
              help="最多输出的行数；超过时只输出前这么多行并提示。")
def query_command(
    sql: str, db: str, data: str | None, fmt: str, output: str | None, timeout: float, memory_mb: int,
    max_rows: int,
) -> None:
    """对语料库执行只读 SQL 查询 SQL（在沙箱中运行）。

    \b
    沙箱：只允许 SELECT、EXPLAIN、PRAGMA（查看信息）、CALL；不能读写文件（COPY、EXPORT、
    read_csv、read_text、glob 等）、不能 ATTACH 其他数据库、不能安装或加载扩展、不能用
    SET/PRAGMA 修改设置；内存、线程与时间有上限。被拒绝的语句会说明原因（退出码 2）。

    \b
    主要的表与视图：
      latest_documents  各文件的最新版本（单位、年度、人数、事实数、审核发现数）
      latest_facts      数值事实（表、科目编码、列、原值、单位、万元值、来源行/页/坐标）
      facts_long        DESIGN §4 长表：doc, table, row_code, row_name, column, value, unit
      latest_findings   审核发现；latest_figures 文字说明中的金额与增减
      latest_claims     文字说明中的每个数字（金额、上年数、增减额、增减率、占比、数量）及对应单元格
      claims_long       DESIGN §4b 长表：doc, page, line, section, code, subject, table, row_code, …
      documents, facts, findings, figures, claims, tables, diagnostics, failures  全部版本
    例：yusuan query "SELECT unit_name, year, n_facts FROM latest_documents"
    """
    limits = QueryLimits(timeout_s=timeout, memory_mb=memory_mb, max_rows=max_rows)
    try:
        con = open_sandbox(db, limits, data=data)
    except StoreError as exc:
        _fail(str(exc))
    try:
        out = run_sandboxed(con, sql, limits)
    except QueryRefused as exc:
        _fail(str(exc))
    finally:
        con.close()
    if out.truncated:
        click.echo(f"提示：结果超过 {max_rows} 行，只输出前 {max_rows} 行（可用 --max-rows 调整）。", err=True)
    _emit(Result(out.columns, out.rows), fmt, output, "query")


@click.command("export")
@_db_option
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="输出目录（不存在时创建；同名文件会被覆盖）。")
@click.option("--format", "fmts", type=click.Choice(["parquet", "csv", "xlsx"]), multiple=True,
              help="输出格式，可多次给出；默认 parquet 与 csv 都写。CSV 为带 BOM 的 UTF-8（Excel 可直接打开）；"
              "xlsx 只写审核发现（findings.xlsx，供审核人转交）。")
@click.option("--xlsx-layout", type=click.Choice(["long", "per-document"]), default="long", show_default=True,
              help="findings.xlsx 的排列：long 全部发现在一个工作表；per-document 每个文件一个工作表。")
@click.option("--doc", "docs", multiple=True, metavar="文件编号",
              help="只导出这些文件（文件编号即文件名去掉扩展名，可多次给出）；默认全部文件的最新版本。")
@quiet_option
def export_command(db: str, out_dir: str, fmts: tuple[str, ...], xlsx_layout: str, docs: tuple[str, ...],
                   quiet: bool) -> None:
    """把语料库导出为其他工具可按类型读取的文件。

    \b
    写出四张表（每个文件的最新版本）：
      documents  文件：单位、年度、预算/决算、口径、数量
      facts      表格数值（DESIGN §4 长表，附数值、万元值、页、行）
      claims     说明数字（DESIGN §4b 长表）
      findings   审核发现（含指纹；审核人已驳回的不导出）
    以及 datapackage.json（Frictionless Data Package）：列出每个文件及其字段类型、中文标题与说明，
    可用 frictionless、pandas、R 等按类型读取。--format xlsx 另写 findings.xlsx（中文表头、数字格式）。
    """
    from yusuan.store.export import FORMATS, ExportError, export, write_findings_workbook

    tables = [f for f in (fmts or FORMATS) if f in FORMATS]
    con = _open(db, read_only=True)
    written: list[str] = []
    try:
        if tables:
            package = export(con, out_dir, tables, docs)
            written += [r["path"] for r in package["resources"]] + ["datapackage.json"]
        if "xlsx" in fmts:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            write_findings_workbook(con, Path(out_dir) / "findings.xlsx", xlsx_layout, docs)
            written.append("findings.xlsx")
    except OSError as exc:
        fail_writing(out_dir, exc)
    except ExportError as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"读取语料库 {db} 失败：{exc}。数据库可能来自不兼容的版本，请重新 ingest。")
    finally:
        con.close()
    if not quiet:
        click.echo(f"已导出到 {printable(out_dir)}：{'、'.join(written)}。", err=True)


@click.group("dataset")
def dataset_command() -> None:
    """在 DuckDB 语料库（--db）与分区 Parquet 数据集（--data）之间转换（见 docs/scale.md）。"""


@dataset_command.command("export")
@_db_option
@click.option("--data", required=True, type=click.Path(file_okay=False), help="数据集目录（不存在时新建）。")
def dataset_export(db: str, data: str) -> None:
    """把 --db 语料库的全部文件（含历史版本）导出到数据集；已在数据集中的跳过。"""
    from yusuan.store.convert import export_to_dataset

    try:
        done, skipped = export_to_dataset(db, data)
    except StoreError as exc:
        _fail(str(exc))
    click.echo(f"已导出 {done} 个文件到 {data}，已存在跳过 {skipped} 个。", err=True)


@dataset_command.command("rebuild")
@click.option("--data", required=True, type=click.Path(file_okay=False), help="数据集目录。")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="新建的语料库文件（不能已存在）。")
def dataset_rebuild(data: str, db: str) -> None:
    """由数据集重建一个 DuckDB 语料库文件。"""
    from yusuan.store.convert import rebuild_database

    try:
        n = rebuild_database(data, db)
    except StoreError as exc:
        _fail(str(exc))
    click.echo(f"已由 {data} 重建 {db}：{n} 个文件。", err=True)
