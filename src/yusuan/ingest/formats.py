"""Registry of binary-format readers: detected kind -> reader(data, path, sha256).

Each reader returns ``(SourceDocument | None, diagnostics)`` and never raises for bad
input. Readers for PDF, OCR, workbooks, Word and HTML register here.
"""

from __future__ import annotations

from collections.abc import Callable

from yusuan.ingest.document import SourceDocument
from yusuan.model import Diagnostic

Reader = Callable[[bytes, "str | None", "str | None"], "tuple[SourceDocument | None, tuple[Diagnostic, ...]]"]

READERS: dict[str, Reader] = {}
