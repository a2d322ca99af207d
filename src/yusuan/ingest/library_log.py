"""What the reading libraries say (log records, ``warnings``) is collected, never printed.

pdfminer logs "Not adding object 6 to xref…" for a damaged PDF, openpyxl warns about
unsupported workbook features, PIL about large images: printed on the terminal they are
noise in English beside our Chinese messages, or worse, in the middle of piped output.
While a file is read (``collecting``), every such message of the libraries below is kept
in a per-read list; ``load_bytes`` turns the meaningful ones into one diagnostic. Outside
a read they are dropped. Collection is per context (``contextvars``), so concurrent reads
in threads keep their own lists.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Loggers of the libraries the readers use (children inherit: "pdfminer.pdfdocument" etc.).
LIBRARY_LOGGERS = ("pdfminer", "pdfplumber", "pypdfium2", "PIL", "openpyxl", "docx", "xlrd", "RapidOCR",
                   "rapidocr", "onnxruntime")
# Packages whose ``warnings.warn`` calls are collected (matched on the warning's file path).
_LIBRARY_PACKAGES = ("pdfminer", "pdfplumber", "pypdfium2", "PIL", "openpyxl", "docx", "xlrd", "rapidocr",
                     "onnxruntime", "cv2")
_LIBRARY_PATHS = tuple(f"/{p}/" for p in _LIBRARY_PACKAGES)

_current: contextvars.ContextVar[list[tuple[str, str]] | None] = contextvars.ContextVar("library_log", default=None)
_installed = False
_original_showwarning = warnings.showwarning
_prints_lock = threading.Lock()
_readers_printing = 0  # reads in progress; the first swaps sys.stdout, the last puts it back


class _Collector(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        sink = _current.get()
        if sink is not None and record.levelno >= logging.WARNING:
            try:
                sink.append((record.name.split(".")[0], record.getMessage()))
            except Exception:  # a record whose arguments do not format
                sink.append((record.name.split(".")[0], str(record.msg)))


def _showwarning(message: Any, category: type[Warning], filename: str, lineno: int,
                 file: Any = None, line: str | None = None) -> None:
    sink = _current.get()
    path = str(filename).replace("\\", "/")
    library = next((p.strip("/") for p in _LIBRARY_PATHS if p in path), None)
    if library is None:
        _original_showwarning(message, category, filename, lineno, file, line)
    elif sink is not None:
        sink.append((library, str(message)))


def install() -> None:
    """Route the libraries' loggers and warnings to the collector (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    handler = _Collector()
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.propagate = False
    warnings.showwarning = _showwarning
    # every occurrence reaches the collector, not only the first per place: each read has
    # its own list (set once here: ``catch_warnings`` per read would not be thread-safe)
    warnings.filterwarnings("always", module=rf"(?:{'|'.join(_LIBRARY_PACKAGES)})(?:\.|$)")


@contextmanager
def collecting() -> Iterator[list[tuple[str, str]]]:
    """(library, message) pairs said while the block runs."""
    install()
    messages: list[tuple[str, str]] = []
    token = _current.set(messages)
    _start_catching_prints()
    try:
        yield messages
    finally:
        _current.reset(token)
        _stop_catching_prints()


class _Prints:
    """Standard output while reads run: what a read prints (openpyxl prints "99 is out of
    range" for a bad style index) is kept with that read's messages, in the middle of a JSON
    written to stdout it would break it; everyone else's output goes through unchanged."""

    def __init__(self, original: Any) -> None:
        self.original = original

    def write(self, text: str) -> int:
        sink = _current.get()
        if sink is None:
            return self.original.write(text)
        if text.strip():
            sink.append(("print", text.strip()))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)


def _start_catching_prints() -> None:
    global _readers_printing
    with _prints_lock:
        _readers_printing += 1
        if _readers_printing == 1 and not isinstance(sys.stdout, _Prints):
            sys.stdout = _Prints(sys.stdout)


def _stop_catching_prints() -> None:
    global _readers_printing
    with _prints_lock:
        _readers_printing -= 1
        if _readers_printing == 0 and isinstance(sys.stdout, _Prints):
            sys.stdout = sys.stdout.original
