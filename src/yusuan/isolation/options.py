"""The ``--limit`` option shared by ``parse``, ``check`` and ``ingest``: defined without
importing the readers, so that the commands can be listed (``yusuan --help``) cheaply."""

from __future__ import annotations

import click

# What each limit bounds, for messages and the docs.
LIMIT_NAMES: dict[str, str] = {
    "memory_mb": "内存（MB）",
    "wall_seconds": "处理时间（秒）",
    "cpu_seconds": "CPU 时间（秒）",
    "pages": "PDF 读取页数",
    "ocr_pages": "OCR 页数",
    "cells": "表格单元格数",
    "chars": "PDF 每页字符数",
    "file_mb": "文件大小（MB）",
}

limit_option = click.option(
    "--limit",
    "limit_items",
    multiple=True,
    metavar="名称=数值",
    help="单个文件的处理上限，覆盖 yusuan.toml 的 [limits]（可多次给出）："
    + "，".join(f"{k} {v}" for k, v in LIMIT_NAMES.items())
    + "。例：--limit memory_mb=2048。",
)
