"""Table blocks -> Tables. (Interim: none; replaced by the table parser.)"""

from __future__ import annotations

from yusuan.model import CatalogueEntry, Diagnostic, Meta, Table
from yusuan.parse.blocks import Layout


def parse_tables(
    layout: Layout, meta: Meta
) -> tuple[tuple[Table, ...], tuple[CatalogueEntry, ...], tuple[Diagnostic, ...]]:
    return (), (), ()
