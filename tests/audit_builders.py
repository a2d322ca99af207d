"""Small inline model builders for the audit tests (beancount style)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yusuan.codes import level_of
from yusuan.model import (
    Change,
    Column,
    Disclosure,
    DocKind,
    Figure,
    Meta,
    MoneyUnit,
    NarrativeSection,
    Prior,
    Row,
    Source,
    Table,
)

WAN = MoneyUnit.WAN
_line = iter(range(1, 100000))


def R(code: str, name: str = "", side: str | None = None, **values: str) -> Row:
    return Row(code=code, name=name or code, values={k: Decimal(v) for k, v in values.items()},
               source=Source(line=next(_line)), level=level_of(code) if code.isdigit() else None, side=side)


def T(table_id: str, *rows: Row, unit: MoneyUnit = WAN, empty: bool = False, reason: str | None = None,
      title: str | None = None) -> Table:
    cols = tuple(Column(k, k) for k in dict.fromkeys(k for r in rows for k in r.values))
    return Table(id=table_id, title=title or f"2025年{table_id}表", number=None, unit=unit, columns=cols, rows=rows,
                 empty=empty, empty_reason=reason, source=Source(line=next(_line)))


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def F(subject: str, amount: str, *, share: str | None = None, refers_to: tuple[str, str, str] | None = None,
      change: tuple[str, str | None, str | None] | None = None, unit: MoneyUnit = WAN, reason: str | None = None,
      prior: str | None = None, stated: str | None = None, budget: str | None = None,
      completion: str | None = None, word: str = "", year: int | None = None, change_year: int | None = None,
      share_of: str = "", key: str = "", confidence: float | None = None, code: str | None = None) -> Figure:
    """A statement; ``change`` is (direction, amount, percent) as printed (unsigned)."""
    ch = Change(change[0], _dec(change[1]), _dec(change[2]), word=word, year=change_year) if change else None
    return Figure(subject=subject, amount=Decimal(amount), unit=unit, share=_dec(share),
                  change=ch, refers_to=refers_to, sentence=f"{subject}{amount}万元", reason=reason,
                  source=Source(line=next(_line)), prior=Prior(Decimal(prior), unit) if prior is not None else None,
                  stated=_dec(stated), budget=_dec(budget), completion=_dec(completion), year=year,
                  share_of=share_of, key=key, confidence=confidence, code=code)


def S(topic: str, *figures: Figure, text: str = "", heading: str = "说明") -> NarrativeSection:
    return NarrativeSection(heading=heading, topic=topic, text=text or "；".join(f.sentence for f in figures),
                            figures=figures, source=Source(line=next(_line)))


def D(*tables: Table, **kw: Any) -> Disclosure:
    meta = Meta(doc=kw.pop("doc", "t"), path=None, unit_name=kw.pop("unit_name", "测试单位"), unit_code=None,
                year=kw.pop("year", 2025), format=kw.pop("format", "text"), kind=kw.pop("kind", DocKind.BUDGET),
                scope=kw.pop("scope", None), parts=kw.pop("parts", ()))
    return Disclosure(meta=meta, tables=tables, **kw)
