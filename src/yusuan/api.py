"""The public Python API: as small as the CLI.

    >>> disclosure, diagnostics = yusuan.parse("unit.pdf")
"""

from __future__ import annotations

from pathlib import Path

from yusuan.ingest import load
from yusuan.model import Diagnostic, Disclosure
from yusuan.parsing import parse_document
from yusuan.text import printable


def doc_id_for(path: str | Path) -> str:
    """The file's stem; undecodable bytes of the name escaped (``\\xff``) so that the id can be
    stored and printed."""
    return printable(Path(path).stem)


def parse(path: str | Path, doc_id: str | None = None) -> tuple[Disclosure | None, tuple[Diagnostic, ...]]:
    """Read and parse one disclosure. Returns ``(None, diagnostics)`` when the file cannot be
    read at all; never raises for bad input."""
    source, diagnostics = load(path)
    if source is None:
        return None, diagnostics
    disclosure, found = parse_document(source, doc_id or doc_id_for(path))
    return disclosure, diagnostics + found
