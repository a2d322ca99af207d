"""Command-line side of isolation: the ``--limit`` option shared by ``parse``, ``check`` and
``ingest``, and running a batch of files in limited workers."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from yusuan.audit.config import ConfigError
from yusuan.isolation.config import Limits, load_limits, with_limit_overrides
from yusuan.isolation.options import limit_option
from yusuan.isolation.pool import Failed, WorkerPool
from yusuan.model import Diagnostic, Severity, Source
from yusuan.text import printable

__all__ = ["failure_diagnostic", "limit_option", "limits_or_exit", "map_files"]


def limits_or_exit(items: tuple[str, ...], config_path: str | None = None) -> Limits:
    """The limits from the config file and ``--limit``; a bad setting is a usage error (exit 2)."""
    try:
        return with_limit_overrides(load_limits(Path(config_path) if config_path else None), items)
    except ConfigError as exc:
        click.echo(f"错误：{exc}", err=True)
        sys.exit(2)


class StatusLine:
    """One line on stderr rewritten at each step of a long read (pages done/total, OCR), then
    cleared: for a terminal only."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, message: str) -> None:
        click.echo(f"\r\x1b[K{message}", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.shown = False


def map_files(fn: Callable[[str], Any], files: Sequence[str], limits: Limits, label: str,
              quiet: bool = False) -> list[Any]:
    """``fn(path)`` for every file, each in a limited worker (as many at once as there are
    cores); results in the order of ``files``, a ``Failed`` where the worker did not finish.
    On a terminal (and unless ``quiet``): a progress bar over the files, or for one file the
    steps its worker reports (pages read), on one line."""
    results: list[Any] = [None] * len(files)
    workers = max(1, min(os.cpu_count() or 1, len(files)))
    show = not quiet and sys.stderr.isatty()
    status = StatusLine()
    with contextlib.ExitStack() as stack:
        bar = (stack.enter_context(click.progressbar(length=len(files), label=label, file=sys.stderr))
               if show and len(files) > 1 else None)
        # a command-line run holds no database or threads: its workers are forked from it
        pool = stack.enter_context(WorkerPool(limits, workers, start="fork"))
        if show and len(files) == 1:
            pool.on_progress = lambda _index, message: status(message)
            stack.callback(status.close)
        for index, result in pool.map_unordered(fn, [(f,) for f in files]):
            results[index] = result
            if bar is not None:
                bar.update(1)
    return results


def failure_diagnostic(path: str, failed: Failed) -> Diagnostic:
    """The diagnostic for a file whose worker did not finish: X001 a parser bug, X002 a limit
    (memory, time, CPU), X003 a crash of the worker."""
    code = {"internal": "X001", "crash": "X003"}.get(failed.reason, "X002")
    name = printable(path)
    return Diagnostic(code, Severity.ERROR, f"{name}：{failed.message}", source=Source(ref=name))
