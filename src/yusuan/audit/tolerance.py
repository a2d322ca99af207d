"""Rounding tolerance from printed precision, never from a fixed constant.

A value printed with d decimals stands for anything within half a unit of its last place.
A sum of n printed values may therefore differ from its printed total by up to the sum of
their half-units plus the total's own (227.19 + 0.05 vs 227.23 is rounding). Values are
compared in 元 so that tables printed in 元 and in 万元 can meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from yusuan.model import MoneyUnit
from yusuan.text import decimals_of, quantized

WAN = MoneyUnit.WAN.yuan


@dataclass(frozen=True)
class Money:
    """A printed amount with its unit; ``yuan`` is its value in 元, ``half`` the half-unit of
    its last printed place, in 元."""

    value: Decimal
    unit: MoneyUnit = MoneyUnit.WAN
    exact: bool = False  # a blank cell: zero, with no rounding

    @property
    def scale(self) -> Decimal:
        return self.unit.yuan

    @property
    def yuan(self) -> Decimal:
        return self.value * self.scale

    @property
    def half(self) -> Decimal:
        if self.exact or not self.value:  # a printed zero means none, not a rounded amount
            return Decimal(0)
        return Decimal(5).scaleb(-decimals_of(self.value) - 1) * self.scale


@dataclass(frozen=True)
class Tolerance:
    """User settings: ``factor`` scales the rounding allowance; ``absolute`` (元) is added."""

    factor: Decimal = Decimal(1)
    absolute: Decimal = Decimal(0)

    def allowance(self, printed: Iterable[Money]) -> Decimal:
        return sum((m.half for m in printed), Decimal(0)) * self.factor + self.absolute

    def within(self, a: Decimal, b: Decimal, printed: Iterable[Money]) -> bool:
        return abs(a - b) <= self.allowance(printed)

    def restates(self, a: Money, b: Money) -> bool:
        """One printed value restated elsewhere: at the same precision it must be identical;
        at different precisions (元 table, 万元 narrative) the finer one must round to the coarser."""
        if a.yuan == b.yuan:
            return True
        if a.half == b.half:
            return False
        return abs(a.yuan - b.yuan) <= max(a.half, b.half) * self.factor + self.absolute


def half_unit(value: Decimal) -> Decimal:
    """Half a unit of the last printed place of a plain number (a percentage)."""
    return Decimal(5).scaleb(-decimals_of(value) - 1)


def percent_range(num: Money, den: Money) -> tuple[Decimal, Decimal] | None:
    """The interval of num ÷ den × 100 that the printed precision of both allows; None when
    the denominator may be zero."""
    low_den, high_den = den.yuan - den.half, den.yuan + den.half
    if low_den <= 0:
        return None
    return (num.yuan - num.half) / high_den * 100, (num.yuan + num.half) / low_den * 100


def growth_range(current: Money, prior: Money) -> tuple[Decimal, Decimal] | None:
    """The interval of (current ÷ prior − 1) × 100 allowed by printed precision."""
    found = percent_range(current, prior)
    return (found[0] - 100, found[1] - 100) if found else None


def growth_range_from_change(current: Money, change: Money, sign: int) -> tuple[Decimal, Decimal] | None:
    """(change ÷ (current − change)) × 100 over the printed intervals of both: the rate a stated
    change amount implies when the prior amount is not printed."""
    values = []
    for c in (current.yuan - current.half, current.yuan + current.half):
        for d in (change.yuan - change.half, change.yuan + change.half):
            d = d * sign
            prior = c - d
            if prior <= 0:
                return None
            values.append(d / prior * 100)
    return min(values), max(values)


def within_percent(stated: Decimal, bounds: tuple[Decimal, Decimal], factor: Decimal = Decimal(1)) -> bool:
    """A stated percentage agrees with an interval when its own rounding interval meets it."""
    half = half_unit(stated) * factor
    return stated + half >= bounds[0] and stated - half <= bounds[1]


def last_place_off(stated: Decimal, bounds: tuple[Decimal, Decimal]) -> bool:
    """The stated percentage is one unit of its last printed place away from what the true
    value rounds to (16.07 for 16.0775, a truncation; 63.75 for 63.7399, shares made to add up
    to 100 %): a presentation slip, not a wrong number."""
    places = decimals_of(stated)
    unit = Decimal(1).scaleb(-places)
    low = quantized(bounds[0], places, ROUND_HALF_UP)
    high = quantized(bounds[1], places, ROUND_HALF_UP)
    return low - unit <= stated <= high + unit


def fmt(value: Decimal) -> str:
    """A Decimal as a plain number (no exponent)."""
    return f"{value:f}"


def fmt_money(m: Money) -> str:
    return f"{fmt(m.value)}{m.unit.value}"


def yuan_to(unit: MoneyUnit, yuan: Decimal, places: int = 2) -> str:
    """A 元 amount written in ``unit`` at ``places`` decimals, for messages."""
    return fmt(quantized(yuan / unit.yuan, places))
