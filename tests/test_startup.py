"""Start-up: ``import yusuan``, ``yusuan --help`` and each command import only what they use
(the heavy libraries are the cost of a single-file run; see benchmarks/speed.py for figures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import click
import pytest

from yusuan.cli import SUBCOMMANDS, main

from .conftest import seed

HEAVY = ("openpyxl", "numpy", "flask", "duckdb", "pdfplumber", "pdfminer", "onnxruntime", "pypdfium2", "cv2",
         "rapidocr", "weasyprint", "docx", "lxml", "PIL")
SRC = str(Path(__file__).resolve().parent.parent / "src")


def _imported_after(code: str) -> list[str]:
    """The heavy top-level packages a fresh interpreter has imported after running ``code``."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    env = {**os.environ, "PYTHONPATH": SRC}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_yusuan_imports_no_heavy_library() -> None:
    assert _imported_after("import yusuan, yusuan.cli, yusuan.audit, yusuan.store, yusuan.isolation") == []


def test_help_imports_no_heavy_library() -> None:
    code = "from yusuan.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    assert _imported_after(code) == []


def test_check_of_a_text_file_imports_no_heavy_library() -> None:
    """The parent of ``check`` (and the worker forked from it) reads a text seed with none of them."""
    code = f"from yusuan.cli import main\ntry:\n    main(['check', {str(seed('000'))!r}])\nexcept SystemExit:\n    pass"
    assert _imported_after(code) == []


def test_lazy_exports_still_resolve() -> None:
    import yusuan
    import yusuan.audit
    import yusuan.store

    assert callable(yusuan.parse) and yusuan.SCHEMA_ID.startswith("yusuan/")
    assert callable(yusuan.audit.check_files) and yusuan.store.DEFAULT_DB
    with pytest.raises(AttributeError):
        _ = yusuan.no_such_name  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_help_lists_each_command_as_the_command_describes_itself(name: str) -> None:
    module, listed = SUBCOMMANDS[name]
    command = getattr(import_module(module), f"{name}_command")
    for limit in (45, 80, 200):
        assert click.Command(name, help=listed).get_short_help_str(limit) == command.get_short_help_str(limit)
    assert main.get_command(click.Context(main), name) is command


def test_a_function_named_like_its_module_stays_the_packages_export() -> None:
    """``yusuan.store.ingest`` (the module) loaded first must not hide ``yusuan.store.ingest``
    (the function the package exports)."""
    code = ("import importlib, yusuan.store.ingest\nfrom yusuan.store import ingest\n"
            "print(callable(ingest), importlib.import_module('yusuan.store.ingest').__name__)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["True", "yusuan.store.ingest"], proc.stderr
