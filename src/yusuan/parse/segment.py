"""Segment lines into table blocks and narrative. (Interim: no tables; replaced by the table parser.)"""

from __future__ import annotations

from collections.abc import Sequence

from yusuan.ingest.document import Line
from yusuan.model import Diagnostic
from yusuan.parse.blocks import Layout


def segment(lines: Sequence[Line]) -> tuple[Layout, tuple[Diagnostic, ...]]:
    return Layout(blocks=(), narrative=tuple(lines)), ()
