"""绩效目标表 -> PerformanceTarget: grid tables (000, 001 in the narrative, 002) and loose (004)."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from yusuan.ingest.text import lines_from_text
from yusuan.model import Indicator, PerformanceTarget
from yusuan.parsing.blocks import Layout, TableBlock
from yusuan.parsing.performance import parse_performance
from yusuan.parsing.segment import segment

from .conftest import seed
from .test_narrative import meta


@cache
def targets(prefix: str) -> tuple[PerformanceTarget, ...]:
    layout, _ = segment(lines_from_text(seed(prefix).read_text(encoding="utf-8")))
    found, _ = parse_performance(layout, meta())
    return found


def levels(indicator: Indicator) -> tuple[str, str, str, str]:
    return indicator.level1, indicator.level2, indicator.level3, indicator.value


def test_seed000_unit_target():
    unit = targets("000")[0]
    assert (unit.scope, unit.name, unit.amount) == ("unit", "且末县医疗保障局", None)
    assert unit.funding == {"上级安排": Decimal("227.18"), "本级安排": Decimal("0.00"), "其他": Decimal("0.05")}
    assert unit.goal.startswith("2025 年医保局年度预算总额 227.23 万元")
    assert [(*levels(i), i.weight) for i in unit.indicators] == [
        ("履职效能", "质量指标", "城乡居民医疗参保覆盖率", ">=95%", Decimal("30")),
        ("履职效能", "质量指标", "医保基金监管违规资金追回率", ">=100%", Decimal("25")),
        ("履职效能", "数量指标", "城乡居民医疗保险参保人数", ">=49466 人", Decimal("25")),
        ("服务对象满意度", "满意度指标", "参保群众满意度", ">=90%", Decimal("10")),
    ]


def test_seed000_project_merged_cells_carried():
    project = targets("000")[1]
    assert (project.scope, project.name) == ("project", "全民参保及医疗服务经费项目")
    assert project.funding == {"中央补助": Decimal("0.00"), "本级配套": Decimal("0.00"), "其他资金": Decimal("3.00")}
    assert levels(project.indicators[3]) == ("产出目标", "时效指标", "及时报送各项社会基金决算数据及分析",
                                             "每年度结束后的 20 日内")
    assert levels(project.indicators[-1]) == ("满意度指标", "满意度指标", "医疗保险参保人员满意度", "≥95%")
    assert len(targets("000")) == 3


def test_seed001_tables_in_the_narrative_with_ocr_labels():
    found = targets("001")
    assert len(found) == 9 and all(t.scope == "project" for t in found)
    first = found[0]
    assert (first.name, first.amount, first.funding) == ("2025 年劳务派遣人员经费", Decimal("27.00"),
                                                         {"财政资金": Decimal("27.00")})
    # 一级 printed in the middle of its merged rows ("产出指标" on the third row): carried up.
    assert levels(first.indicators[0]) == ("产出指标", "数量指标", "劳务派遣人数", "≥6人")
    # OCR lost the 一级 label of the 产出 rows in table 3: named from the 二级 family.
    third = found[2]
    assert [i.level1 for i in third.indicators[:4]] == ["产出指标"] * 4
    assert third.indicators[4].level1 == "效益指标"
    # Table 9 continues on a new page whose header places 指标值 one column left.
    assert levels(found[8].indicators[-1]) == ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥95%")


def test_seed002_projects_unit_and_template():
    found = targets("002")
    projects = [t for t in found if t.scope == "project"]
    assert len(projects) == 6  # the unfilled 专项资金 template is not a target
    assert (projects[0].name, projects[0].amount, projects[0].funding) == (
        "2024年城乡居民大病保险政策倾斜县级配套资金", Decimal("37"), {"财政拨款": Decimal("37")})
    unit = next(t for t in found if t.scope == "unit")
    assert unit.amount == Decimal("604.54") and unit.funding == {}
    assert len(unit.indicators) == 18
    # Rows printed out of their columns keep their 指标 and 指标值.
    assert levels(unit.indicators[10]) == ("产出指标", "成本指标", "指标2:严格控制成本,不超过财政拨款", "≤5.2万元")


def test_seed004_loose_tables():
    unit, first, second = targets("004")
    assert unit.scope == "unit" and unit.name == "和静县医疗保障局"
    assert unit.funding == {"上级资金": Decimal("96.36"), "本级资金": Decimal("307.49"), "其他": Decimal("0.00")}
    assert (*levels(unit.indicators[0]), unit.indicators[0].weight) == (
        "履职效能", "数量指标", "城乡居民基本医疗保险预计参保人数", "≥102961人", Decimal("18"))
    assert len(unit.indicators) == 5
    assert (first.name, first.amount) == ("2025年自治区财政全民参保及医疗保障服务项目补助资金巴财社[2024]99号",
                                          Decimal("4.00"))
    assert first.funding == {"财政拨款": Decimal("4.00"), "其他资金": Decimal("0.00")}
    assert first.goal.startswith("目标1:印制全民参保宣传手册")
    assert levels(first.indicators[0]) == ("产出指标", "数量指标", "印制宣传册数量", ">=20000份")
    assert levels(first.indicators[5]) == ("成本指标", "经济成本指标", "印刷经费", "≤2万元")
    assert (*levels(second.indicators[4]), second.indicators[4].weight) == (
        "成本指标", "经济成本指标", "意外伤害保险县级配套补助标准", "<=7.03元/人/年", Decimal("20"))


def test_inline_grid_block():
    text = (
        "项目名称\t测试项目\t\t项目负责人\t张三\n"
        "项目资金(万元)\t年度资金总额:\t10.00\t其中: 财政拨款\t8.00\t其他资金\t2.00\n"
        "项目总体目标\t完成测试\n"
        "一级指标\t二级指标\t三级指标\t指标值\t权重\n"
        "产出指标\t数量指标\t完成数量\t>=5 个\t20\n"
        "\t\t完成质量\t=100%\t20\n"
        "\t时效指标\t完成时间\t12月前\t10\n"
    )
    lines = lines_from_text(text)
    block = TableBlock("performance_project", "项目支出绩效目标表", None, lines[0], lines)
    (t,), diagnostics = parse_performance(Layout(blocks=(block,), narrative=()), meta())
    assert diagnostics == ()
    assert (t.name, t.amount, t.goal) == ("测试项目", Decimal("10.00"), "完成测试")
    assert t.funding == {"财政拨款": Decimal("8.00"), "其他资金": Decimal("2.00")}
    assert [levels(i) for i in t.indicators] == [
        ("产出指标", "数量指标", "完成数量", ">=5 个"),
        ("产出指标", "数量指标", "完成质量", "=100%"),
        ("产出指标", "时效指标", "完成时间", "12月前"),
    ]


def test_table_without_indicators_is_reported():
    lines = lines_from_text("项目名称\t空项目\t\n项目资金(万元)\t预算数\t5.00\n")
    block = TableBlock("performance_project", "项目支出绩效目标表", None, lines[0], lines)
    (t,), diagnostics = parse_performance(Layout(blocks=(block,), narrative=()), meta())
    assert t.name == "空项目" and t.indicators == ()
    assert [d.code for d in diagnostics] == ["P401"]


def test_inline_goal_under_sub_labels_and_yuan():
    # The layout of the Shanghai 财政项目支出绩效目标填报表 (amounts in 元, goal on the row below its labels).
    text = (
        "项目名称\t\t新建服务中心\t\t项目性质\t阶段性项目\t项目类别\t特定目标类\n"
        "项目资金 (元)\t\t项目资金总额\t\t4,100,000.00\t年度资金申请总额\t\t4,100,000.00\n"
        "\t\t其中:财政资金\t\t4,100,000.00\t其中:当年财政拨款\t\t4,100,000.00\n"
        "项目绩效目标\t项目总目标\t\t\t\t年度总体目标\t\n"
        "\t建成后作为受理场所。\t\t\t\t建成后作为受理场所。\t\n"
        "\t一级指标\t二级指标\t三级指标\t\t\t年度(/项目)指标值\t\n"
        "绩效指标\t产出指标\t数量指标\t规划建筑面积\t\t\t≥13459.00(平方米)\t\n"
    )
    lines = lines_from_text(text)
    block = TableBlock("performance_project", "财政项目支出绩效目标填报表", None, lines[0], lines)
    (t,), _ = parse_performance(Layout(blocks=(block,), narrative=()), meta())
    assert (t.name, t.amount, t.unit.value) == ("新建服务中心", Decimal("4100000.00"), "元")
    assert t.goal == "建成后作为受理场所。"
    assert t.funding == {"财政资金": Decimal("4100000.00"), "当年财政拨款": Decimal("4100000.00")}
    assert [levels(i) for i in t.indicators] == [("产出指标", "数量指标", "规划建筑面积", "≥13459.00(平方米)")]
