"""三公, 机关运行经费, 政府采购, 国有资产 from the narrative of the seeds and inline texts."""

from __future__ import annotations

from decimal import Decimal

from yusuan.model import MoneyUnit

from .test_narrative import _ch, inline, narrative


def test_three_public_seed000():
    t = narrative("000").three_public
    assert t is not None
    assert (t.total, t.abroad, t.reception, t.vehicle_purchase, t.vehicle_operation) == (
        Decimal("2.50"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("2.50"))
    assert t.vehicle is None and t.unit is MoneyUnit.WAN
    assert _ch(t.change) == ("increase", Decimal("0.00"), Decimal("0.00"))
    assert t.source.line == 474


def test_three_public_seed001_vehicle_subtotal():
    t = narrative("001").three_public
    assert t is not None
    assert (t.total, t.vehicle, t.vehicle_purchase, t.vehicle_operation) == (
        Decimal("3.00"), Decimal("3.00"), Decimal("0.00"), Decimal("3.00"))


def test_three_public_seed004_change_of_total_not_of_items():
    t = narrative("004").three_public
    assert t is not None and t.total == Decimal("2.13")
    assert _ch(t.change) == ("decrease", Decimal("0.15"), Decimal("6.58"))


def test_three_public_none_when_nothing_stated():
    assert narrative("002").three_public is None


def test_operating_cost():
    op = narrative("000").operating_cost
    assert op is not None and op.amount == Decimal("7.60")
    assert _ch(op.change) == ("decrease", Decimal("4.90"), Decimal("39.20"))
    assert narrative("001").operating_cost.amount == Decimal("29.85")
    op2 = narrative("002").operating_cost  # 公用经费情况说明
    assert op2.amount == Decimal("5.2") and _ch(op2.change) == ("flat", None, None)
    assert narrative("004").operating_cost.amount == Decimal("12.10")


def test_procurement():
    p = narrative("000").procurement
    assert (p.total, p.goods, p.works, p.services, p.sme_reserved, p.small_micro_reserved) == (
        Decimal("4.90"), Decimal("1.77"), Decimal("0.00"), Decimal("3.13"), Decimal("4.10"), Decimal("4.10"))
    p4 = narrative("004").procurement
    assert (str(p4.total), str(p4.goods), str(p4.works), str(p4.services)) == ("11.3", "3", "0", "8.3")
    assert narrative("002").procurement is None  # "本单位当年无政府采购预算"


def test_assets_seed000():
    a = narrative("000").assets
    assert a.as_of == "2024年底"
    assert (a.buildings_area, a.buildings_value) == (Decimal("0.00"), Decimal("0.00"))
    assert (a.vehicles.total, a.vehicles.value) == (1, Decimal("16.47"))
    assert a.vehicles.by_kind == {
        "一般公务用车": (1, Decimal("16.47")),
        "执法执勤用车": (0, Decimal("0.00")),
        "其他车辆": (0, Decimal("0.00")),
    }
    assert (a.furniture_value, a.other_value) == (Decimal("7.31"), Decimal("63.27"))
    assert (a.large_equipment_50, a.large_equipment_100) == (0, 0)
    # The figures of the section name what each 价值 is the value of.
    subjects = [f.subject for s in narrative("000").sections if s.topic == "assets" for f in s.figures]
    assert subjects[:3] == ["房屋价值", "车辆价值", "一般公务用车价值"]


def test_assets_seed004_wrapped_and_seed002_vehicles_only():
    a = narrative("004").assets
    assert (a.furniture_value, a.other_value, a.vehicles.total) == (Decimal("1.89"), Decimal("27.08"), 0)
    a2 = narrative("002").assets
    assert a2.as_of == "2023年底" and a2.vehicles.total == 0 and a2.vehicles.value is None
    assert a2.buildings_area is None


def test_inline_yuan_units():
    r = inline(
        "(二) 政府采购情况\n2025 年，某局政府采购预算 12000.00 元，其中：政府采购货物预算 2000.00 元，"
        "政府采购服务预算 10000.00 元。\n"
    )
    assert r.procurement.unit is MoneyUnit.YUAN
    assert (r.procurement.total, r.procurement.services) == (Decimal("12000.00"), Decimal("10000.00"))
