"""The limits one file is processed under, from ``yusuan.toml`` and the command line.

    [limits]                  # yusuan.toml; in pyproject.toml: [tool.yusuan.limits]
    memory_mb = 500           # resident memory of the process working on one file
    wall_seconds = 300        # wall-clock time for one file
    cpu_seconds = 600         # CPU time for one file (all threads)
    pages = 300               # PDF pages read
    ocr_pages = 60            # scanned pages OCR'd
    cells = 2000000           # workbook cells read
    chars = 60000             # characters on one PDF page
    file_mb = 200             # file size

The first three are enforced by the operating system and the parent process (see
``yusuan.isolation.pool``); the others by the readers (``yusuan.ingest.limits``), which get
them through ``apply_input_limits`` in the worker.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from yusuan.audit.config import ConfigError, read_settings
from yusuan.ingest import MAX_FILE_BYTES
from yusuan.ingest import limits as input_limits
from yusuan.isolation.options import LIMIT_NAMES

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    # OCR of a 150-dpi scanned page (A4 or A3) peaks at 390-450 MB in a worker (detection at
    # 960 px a side, one thread: ingest/ocr.py); every other real file stays under 100 MB.
    memory_mb: int = 500
    wall_seconds: int = 300  # 60 scanned pages at 2-4 s each, on a loaded machine
    cpu_seconds: int = 600  # OCR runs on several threads
    pages: int = input_limits.MAX_PAGES
    ocr_pages: int = input_limits.MAX_OCR_PAGES
    cells: int = input_limits.MAX_SHEET_CELLS
    chars: int = input_limits.MAX_CHARS_PER_PAGE
    file_mb: int = MAX_FILE_BYTES // _MB
    source: str | None = None  # the config file they were read from



def how_to_raise(name: str, current: int) -> str:
    """The sentence every limit message ends with."""
    return (f"如确需处理，请在 yusuan.toml 的 [limits] 中提高 {name}（当前 {current}），"
            f"或在命令行加 --limit {name}={current * 2}。")


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError(f"{where}：“{value}”不是正整数。")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}：“{value}”不是正整数。") from None
    if number <= 0:
        raise ConfigError(f"{where}：上限必须大于 0（{value}）。")
    return number


def limits_from_mapping(data: Any, source: str) -> Limits:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}：limits 应为表，例如 [limits] memory_mb = 2048。")
    unknown = sorted(set(data) - set(LIMIT_NAMES))
    if unknown:
        raise ConfigError(f"{source}：没有这个上限：{'、'.join(unknown)}。可用：{'、'.join(LIMIT_NAMES)}。")
    values = {k: _positive_int(v, f"{source} limits.{k}") for k, v in data.items()}
    return replace(Limits(), source=source, **values)


def load_limits(path: Path | None = None, start: Path | None = None) -> Limits:
    """The limits in ``path`` (or the nearest config file); defaults for what is not set."""
    found = read_settings(path, start)
    return limits_from_mapping(found[0].get("limits", {}), found[1]) if found else Limits()


def with_limit_overrides(limits: Limits, items: tuple[str, ...]) -> Limits:
    """``--limit name=value`` options over the file's limits."""
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in LIMIT_NAMES:
            raise ConfigError(f"--limit “{item}” 格式应为 名称=数值，名称为 {'、'.join(LIMIT_NAMES)} 之一。")
        values[name] = _positive_int(value, f"--limit {name}")
    return replace(limits, **values)


def apply_input_limits(limits: Limits) -> None:
    """Hand the reader limits to the readers of this process (a worker: each has its own)."""
    import yusuan.ingest

    input_limits.MAX_PAGES = limits.pages
    input_limits.MAX_OCR_PAGES = limits.ocr_pages
    input_limits.MAX_SHEET_CELLS = limits.cells
    input_limits.MAX_CHARS_PER_PAGE = limits.chars
    yusuan.ingest.MAX_FILE_BYTES = limits.file_mb * _MB


def as_dict(limits: Limits) -> dict[str, int]:
    return {f.name: getattr(limits, f.name) for f in fields(limits) if f.name in LIMIT_NAMES}
