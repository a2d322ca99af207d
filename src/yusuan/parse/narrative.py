"""Narrative: sections, the figures they state, and the structured explanations.

(Interim implementation: returns an empty result; replaced by the narrative parser.)
"""

from __future__ import annotations

from dataclasses import dataclass

from yusuan.model import (
    Assets,
    Diagnostic,
    Figure,
    Meta,
    NarrativeSection,
    Procurement,
    Profile,
    Table,
    ThreePublic,
)
from yusuan.parse.blocks import Layout


@dataclass(frozen=True)
class NarrativeResult:
    sections: tuple[NarrativeSection, ...] = ()
    profile: Profile = Profile()
    three_public: ThreePublic | None = None
    operating_cost: Figure | None = None
    procurement: Procurement | None = None
    assets: Assets | None = None


def parse_narrative(
    layout: Layout, tables: tuple[Table, ...], meta: Meta
) -> tuple[NarrativeResult, tuple[Diagnostic, ...]]:
    return NarrativeResult(), ()
