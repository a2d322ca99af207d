"""Progress of a long read (OCR of a scanned document), for whoever shows it.

Readers call ``report`` at each slow step; nothing happens unless a caller listens
(``listening``): the CLI prints the messages on a terminal, a test collects them.
Listeners are per context (``contextvars``), so concurrent reads do not mix.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Listener = Callable[[str], None]

_listener: contextvars.ContextVar[Listener | None] = contextvars.ContextVar("ingest_progress", default=None)


def report(message: str) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(message)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)
