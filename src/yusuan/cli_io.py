"""What commands read and write: ``-`` for standard input, output files.

``-`` as a file argument of ``parse`` and ``check``: the document is read from standard input.

The bytes are kept in a private temporary file (the readers and the worker processes take
paths; the format is told from the content, not the name), removed afterwards; what the
commands print names it ``<标准输入>`` instead of the temporary path.
"""

from __future__ import annotations

import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from yusuan.model import Diagnostic
from yusuan.report.outputs import os_reason
from yusuan.text import printable

quiet_option = click.option("-q", "--quiet", is_flag=True,
                            help="安静模式：不显示进度和汇总行（错误仍输出到标准错误）。")

STDIN = "-"
STDIN_LABEL = "<标准输入>"
STDIN_DOC = "stdin"  # the document id of what was read from standard input


@dataclasses.dataclass(frozen=True)
class Inputs:
    paths: list[str]
    temporary: str | None = None  # the file holding standard input, if read

    def label(self, text: str) -> str:
        """``text`` with the temporary file's path replaced by ``<标准输入>``."""
        return text.replace(self.temporary, STDIN_LABEL) if self.temporary and text else text

    def diagnostics(self, diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
        """``diagnostics`` naming ``<标准输入>`` instead of the temporary file."""
        if not self.temporary:
            return diagnostics
        return tuple(dataclasses.replace(d, message=self.label(d.message),
                                         source=dataclasses.replace(d.source, ref=self.label(d.source.ref or "")
                                                                    or d.source.ref))
                     for d in diagnostics)


@contextmanager
def reading_stdin(paths: Sequence[str]) -> Iterator[Inputs]:
    """``paths`` with ``-`` replaced by a temporary file holding standard input (read once)."""
    if STDIN not in paths:
        yield Inputs(list(paths))
        return
    folder = tempfile.mkdtemp(prefix="yusuan-stdin-")
    try:
        temporary = str(Path(folder) / STDIN_DOC)
        with open(temporary, "wb") as fh:
            shutil.copyfileobj(sys.stdin.buffer, fh)
        yield Inputs([temporary if p == STDIN else p for p in paths], temporary)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_output_or_exit(text: str, output: str, csv: bool = False) -> None:
    """Write a command's output file (a CSV file with the UTF-8 BOM, ``report.outputs``); a path
    that cannot be written is a usage error (exit 2) that names it once."""
    from yusuan.report.outputs import write_text_output

    try:
        write_text_output(text, output, csv=csv)
    except OSError as exc:
        fail_writing(output, exc)


def fail_writing(output: str | Path, exc: OSError) -> NoReturn:
    click.echo(f"错误：无法写入 {printable(str(output))}：{os_reason(exc)}。请检查路径和权限。", err=True)
    sys.exit(2)
