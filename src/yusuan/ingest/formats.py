"""Registry of binary-format readers: detected kind -> reader(data, path, sha256).

Each reader returns ``(SourceDocument | None, diagnostics)`` and never raises for bad
input. Reader modules are imported only when their format is met, so a missing optional
dependency affects that format alone and is reported as a diagnostic.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from yusuan.ingest.document import SourceDocument
from yusuan.model import Diagnostic, Severity, Source

Reader = Callable[[bytes, "str | None", "str | None"], "tuple[SourceDocument | None, tuple[Diagnostic, ...]]"]

# kind from ingest.detect_format -> (module, function, what the user must install)
_LAZY: dict[str, tuple[str, str, str]] = {
    "pdf": ("yusuan.ingest.pdf", "read_pdf", "pdfplumber"),
    "zip": ("yusuan.ingest.office", "read_zip", "openpyxl、python-docx"),
    "ole2": ("yusuan.ingest.office", "read_xls", "xlrd"),
    "html": ("yusuan.ingest.html", "read_html", "lxml"),
}


def _lazy(kind: str) -> Reader:
    module, func, package = _LAZY[kind]

    def reader(data: bytes, path: str | None, sha256: str | None) -> tuple[SourceDocument | None,
                                                                           tuple[Diagnostic, ...]]:
        try:
            fn = getattr(importlib.import_module(module), func)
        except ImportError as exc:
            return None, (Diagnostic(
                code="I009", severity=Severity.ERROR, source=Source(ref=path),
                message=f"{path or '<输入>'}：读取该格式需要的组件未安装（{exc.name}）。"
                        f"请运行 pip install {package} 后重试。"),)
        return fn(data, path, sha256)

    return reader


READERS: dict[str, Reader] = {kind: _lazy(kind) for kind in _LAZY}
