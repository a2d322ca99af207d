"""What a render starts from: the disclosure's data plus what only the preparer knows
(last year's figures and the reasons for changes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from yusuan.model import Disclosure, Figure, MoneyUnit

# A subject of comparison: (table id, row code or key, column key), as in Figure.refers_to.
# Subjects outside the tables use table ids "operating" (机关运行经费) and "three_public".
Subject = tuple[str, str, str]

OPERATING: Subject = ("operating", "", "total")


@dataclass(frozen=True)
class Prior:
    """Last year's budget figure for one subject, in the narrative unit, and the reason
    the preparer gives for the change."""

    amount: Decimal | None
    reason: str | None = None


@dataclass(frozen=True)
class RenderInput:
    disclosure: Disclosure
    prior: dict[Subject, Prior] = field(default_factory=dict)
    prior_unit: MoneyUnit = MoneyUnit.WAN
    notes: dict[str, str] = field(default_factory=dict)  # free texts: 其他需说明的事项, 编制日期 ...

    def __hash__(self) -> int:
        return id(self)


def prior_from_figures(disclosure: Disclosure) -> dict[Subject, Prior]:
    """Last year's figures implied by a parsed document's own narrative: a figure that says
    "比上年增加 x" about a resolved table cell gives prior = amount - x."""
    out: dict[Subject, Prior] = {}
    figures: list[Figure] = [f for s in disclosure.narrative for f in s.figures]
    if disclosure.operating_cost is not None:
        figures.append(disclosure.operating_cost)
    for fig in figures:
        subject = fig.refers_to
        if fig is disclosure.operating_cost:
            subject = OPERATING
        if subject is None or fig.change is None or fig.change.amount is None or subject in out:
            continue
        delta = fig.change.amount
        if fig.change.direction == "decrease":
            delta = -delta
        elif fig.change.direction == "flat":
            delta = Decimal(0)
        out[subject] = Prior(fig.amount - delta, fig.reason)
    return out
