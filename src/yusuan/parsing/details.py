"""The structured explanations of the narrative: "三公"经费, 机关运行经费, 政府采购, 国有资产.

Each reads the figures (or, for 国有资产, the sentences) of the sections of its topic, so
the same code reads every layout's phrasing; a section that states nothing gives None.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from yusuan.model import (
    Assets,
    Figure,
    MoneyUnit,
    NarrativeSection,
    Procurement,
    Table,
    ThreePublic,
    Vehicles,
)
from yusuan.text import parse_amount, squash

__all__ = ["assets", "operating_cost", "procurement", "three_public"]


def _of(sections: Sequence[NarrativeSection], topic: str) -> list[NarrativeSection]:
    return [s for s in sections if s.topic == topic]


def _figures(sections: Sequence[NarrativeSection]) -> list[Figure]:
    return [f for s in sections for f in s.figures]


# --------------------------------------------------------------------------- 三公

# subject pattern -> ThreePublic field; first match wins ("购置及运行" before "购置").
_THREE_PUBLIC = (
    (r"三公", "total"),
    (r"因公出国", "abroad"),
    (r"公务接待", "reception"),
    (r"购置及运", "vehicle"),
    (r"车购置", "vehicle_purchase"),
    (r"车运行|车运维|车运营", "vehicle_operation"),
    (r"会议费", "meeting"),
    (r"培训费", "training"),
)



def _first_match_per_key(
    figures: Iterable[Figure], patterns: Sequence[tuple[str, str]]
) -> tuple[dict[str, Decimal], MoneyUnit | None, Figure | None]:
    """Each key's first stated amount: a figure counts for the first pattern its subject
    matches. Returns the values, the unit of the first match, and that figure."""
    values: dict[str, Decimal] = {}
    unit: MoneyUnit | None = None
    first: Figure | None = None
    for figure in figures:
        s = squash(figure.subject)
        for pattern, key in patterns:
            if re.search(pattern, s):
                if key not in values:
                    values[key] = figure.amount
                    unit = unit or figure.unit
                    first = first or figure
                break
    return values, unit, first

def three_public(sections: Sequence[NarrativeSection]) -> ThreePublic | None:
    scope = _of(sections, "three_public")
    values, unit, first = _first_match_per_key(_figures(scope), _THREE_PUBLIC)
    if not values or first is None:
        return None
    # The change of the total is the one stated with the "三公"经费 as a whole, not an item's.
    change = next((f.change for f in _figures(scope) if re.search(r"三公", squash(f.subject)) and f.change), None)
    return ThreePublic(unit=unit or MoneyUnit.WAN, change=change, source=first.source, **values)


# --------------------------------------------------------------------------- 机关运行经费


def operating_cost(sections: Sequence[NarrativeSection]) -> Figure | None:
    scoped = _figures(_of(sections, "operating"))
    named = [f for f in _figures(sections) if re.search(r"运行经费", f.subject)]
    for figure in scoped:
        if re.search(r"运行经费|公用经费", figure.subject):
            return figure
    return named[0] if named else (scoped[0] if scoped else None)


# --------------------------------------------------------------------------- 政府采购

_PROCUREMENT = (
    (r"小微企业", "small_micro_reserved"),
    (r"中小企业", "sme_reserved"),
    (r"货物", "goods"),
    (r"工程", "works"),
    (r"服务", "services"),
    (r"采购", "total"),
)


def procurement(sections: Sequence[NarrativeSection], tables: Sequence[Table] = ()) -> Procurement | None:
    """The 政府采购 statement of the narrative; when it states no figures, the total row of
    the 政府采购 table."""
    values, unit, first = _first_match_per_key(_figures(_of(sections, "procurement")), _PROCUREMENT)
    if values and first is not None:
        return Procurement(unit=unit or MoneyUnit.WAN, source=first.source, **values)
    table = next((t for t in tables if t.id == "procurement"), None)
    total = next((r for r in table.rows if r.code == "TOTAL"), None) if table else None
    if table is None or total is None or "total" not in total.values:
        return None
    return Procurement(total=total.values["total"], sme_reserved=total.values.get("sme_reserved"),
                       unit=table.unit or MoneyUnit.WAN, source=total.source)


# --------------------------------------------------------------------------- 国有资产

_N = r"\s*(\d+(?:\.\d+)?)\s*"
_AS_OF = re.compile(r"截[至止](?:到)?\s*(\d{4}\s*年\s*(?:底|末|年底|\d{1,2}\s*月\s*(?:\d{1,2}\s*日|底|末)?)?)")
_BUILDINGS = re.compile(r"房屋" + _N + r"平方米[,，]?\s*(?:价值" + _N + r"(万元|元))?")
_VEHICLES = re.compile(r"(?:共有)?车辆" + _N + r"(?:辆|台)[,，]?\s*(?:价值" + _N + r"(万元|元))?")
_VEHICLE_KIND = re.compile(
    r"([\u4e00-\u9fff]{2,10}?(?:用车|车辆))" + _N + r"(?:辆|台)[,，]?\s*价值" + _N + r"(?:万元|元)"
)
_FURNITURE = re.compile(r"家具(?:价值)?" + _N + r"(万元|元)")
_OTHER = re.compile(r"其他资产(?:价值)?" + _N + r"(万元|元)")
_LARGE = re.compile(r"价值\s*(50|100)\s*万元以上(?:的)?大型设备" + _N + r"台")


def assets(sections: Sequence[NarrativeSection]) -> Assets | None:
    scope = _of(sections, "assets")
    if not scope:
        return None
    text = "".join(s.text for s in scope).replace("\n", "")
    found: dict[str, object] = {}
    unit: MoneyUnit | None = None

    def money(value: str | None, printed_unit: str | None) -> Decimal | None:
        nonlocal unit
        if value is None:
            return None
        if printed_unit and unit is None:
            unit = MoneyUnit(printed_unit)
        return parse_amount(value)

    m = _AS_OF.search(text)
    if m:
        found["as_of"] = squash(m.group(1))
    m = _BUILDINGS.search(text)
    if m:
        found["buildings_area"] = parse_amount(m.group(1))
        found["buildings_value"] = money(m.group(2), m.group(3))
    vehicles = _vehicles(text, money)
    if vehicles is not None:
        found["vehicles"] = vehicles
    m = _FURNITURE.search(text)
    if m:
        found["furniture_value"] = money(m.group(1), m.group(2))
    m = _OTHER.search(text)
    if m:
        found["other_value"] = money(m.group(1), m.group(2))
    for m in _LARGE.finditer(text):
        key = "large_equipment_50" if m.group(1) == "50" else "large_equipment_100"
        found.setdefault(key, int(Decimal(m.group(2))))
    if not found:
        return None
    return Assets(unit=unit or MoneyUnit.WAN, source=scope[0].source, **found)  # type: ignore[arg-type]


def _vehicles(text: str, money: Callable[[str | None, str | None], Decimal | None]) -> Vehicles | None:
    m = _VEHICLES.search(text)
    if not m:
        return None
    by_kind: dict[str, tuple[int | None, Decimal | None]] = {}
    for k in _VEHICLE_KIND.finditer(text[m.end() :]):
        name = k.group(1).removeprefix("其中").lstrip(":：")
        by_kind.setdefault(name, (int(Decimal(k.group(2))), parse_amount(k.group(3))))
    return Vehicles(total=int(Decimal(m.group(1))), value=money(m.group(2), m.group(3)), by_kind=by_kind)
