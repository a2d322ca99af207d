"""绩效目标 tables -> PerformanceTarget. (Interim: empty; replaced by the performance parser.)"""

from __future__ import annotations

from yusuan.model import Diagnostic, Meta, PerformanceTarget
from yusuan.parse.blocks import Layout


def parse_performance(layout: Layout, meta: Meta) -> tuple[tuple[PerformanceTarget, ...], tuple[Diagnostic, ...]]:
    return (), ()
