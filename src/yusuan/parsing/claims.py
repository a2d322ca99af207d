"""Statements -> claims: the narrative's quantities one per row (DESIGN §4b).

A statement ("基本支出 224.19 万元，占 98.66%，比上年预算减少 40.68 万元，下降 15.36%") gives
one claim per quantity it states: ``amount``, ``stated_amount``, ``prior_amount``,
``budget_amount`` and ``completion_pct`` (决算), ``change_amount``, ``change_pct``,
``share_pct``. Every claim of a statement carries the statement's code and cell: a change or a
share is about the subject whose amount the cell holds. Changes are signed: negative for
减少/下降/压减/降低, zero for 持平. Claims that belong to no statement (inside a reason, a
change stated alone, counts) come from the sections as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from yusuan.model import Change, Claim, Figure, NarrativeSection

__all__ = ["claims_of", "signed"]


def signed(value: Decimal, direction: str) -> Decimal:
    """A printed change amount or percent with the sign of its direction word."""
    if value == 0 or direction == "flat":
        return abs(value)  # no "-0"
    return -abs(value) if direction == "decrease" else abs(value)


def claims_of(sections: Sequence[NarrativeSection]) -> tuple[Claim, ...]:
    out: list[tuple[int, int, Claim]] = []
    index = 0
    order = 0
    for section in sections:
        for figure in section.figures:
            for claim in _figure_claims(figure, section.heading, index):
                out.append((claim.source.line or 0, order, claim))
                order += 1
            index += 1
        for claim in section.claims:
            out.append((claim.source.line or 0, order, claim))
            order += 1
    return tuple(c for _, _, c in sorted(out, key=lambda x: (x[0], x[1])))


def _figure_claims(f: Figure, section: str, index: int) -> Iterator[Claim]:
    unit = f.unit.value

    def claim(quantity: str, value: Decimal, unit: str = unit, basis: str = "", year: int | None = None) -> Claim:
        return Claim(quantity=quantity, value=value, unit=unit, subject=f.subject, section=section, code=f.code,
                     refers_to=f.refers_to, key=f.key, basis=basis, year=year, statement=index, source=f.source)

    yield claim("amount", f.amount, year=f.year)
    if f.stated is not None:
        yield claim("stated_amount", f.stated, year=f.year)
    if f.budget is not None:
        yield claim("budget_amount", f.budget, basis="预算", year=f.year)
    if f.completion is not None:
        yield claim("completion_pct", f.completion, unit="%", year=f.year)
    if f.prior is not None:
        yield claim("prior_amount", f.prior.amount, unit=f.prior.unit.value, basis=f.prior.basis, year=f.prior.year)
    for change in (f.change, *f.other_changes):
        if change is not None:
            yield from _change_claims(change, claim)
    if f.share is not None:
        yield claim("share_pct", f.share, unit="%", year=f.year)


def _change_claims(change: Change, claim) -> Iterator[Claim]:
    if change.direction == "flat" and change.amount is None and change.percent is None:
        yield claim("change_amount", Decimal(0), basis=change.basis, year=change.year)  # 持平: a change of 0
    if change.amount is not None:
        yield claim("change_amount", signed(change.amount, change.direction), basis=change.basis, year=change.year)
    if change.percent is not None:
        yield claim("change_pct", signed(change.percent, change.direction), unit="%", basis=change.basis,
                    year=change.year)
