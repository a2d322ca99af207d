"""Sentence -> statement extraction on inline sentences in the phrasings real documents use."""

from __future__ import annotations

from decimal import Decimal

from yusuan.model import MoneyUnit
from yusuan.parsing.statements import Span, StatementContext, extract_statements
from yusuan.text import normalize


def figures(text: str, unit_name: str | None = None, year: int | None = None):
    found, _ = extract_statements([Span(normalize(text), ((0, 7),))], StatementContext(year=year, unit_name=unit_name))
    return found


def loose(text: str, unit_name: str | None = None, year: int | None = None):
    _, claims = extract_statements([Span(normalize(text), ((0, 7),))], StatementContext(year=year, unit_name=unit_name))
    return claims


def change(f) -> tuple[str, Decimal | None, Decimal | None] | None:
    return (f.change.direction, f.change.amount, f.change.percent) if f.change else None


def test_share_change_and_reason():
    (f,) = figures(
        "基本支出 224.19 万元，占 98.66%，比上年预算减少 40.68 万元，下降 15.36%，"
        "主要原因是 2025 年在职职工预算人数比上年少 2 人，导致基本支出较上年下降。"
    )
    assert f.subject == "基本支出"
    assert f.amount == Decimal("224.19") and str(f.amount) == "224.19"
    assert f.unit is MoneyUnit.WAN
    assert f.share == Decimal("98.66")
    assert change(f) == ("decrease", Decimal("40.68"), Decimal("15.36"))
    assert f.change.word == "减少" and f.change.basis == "预算"
    assert f.reason == "2025 年在职职工预算人数比上年少 2 人,导致基本支出较上年下降"
    assert f.source.line == 7


def test_amounts_inside_the_reason_are_not_figures():
    found = figures(
        "项目支出 3.05 万元，占 1.34%，比上年预算减少 0.45 万元，下降 12.86%，"
        "主要原因是专项资金 2024 年拨付 3.5 万元，2025 年拨付 3 万元，较上年少拨付 0.5 万元。"
    )
    assert [(f.subject, f.amount) for f in found] == [("项目支出", Decimal("3.05"))]


def test_function_chain_subject_before_the_year():
    (f,) = figures(
        "6、卫生健康支出（类）医疗保障管理事务（款）行政运行（项）：2025年预算数为165.33万元，"
        "比上年预算减少35.04万元，下降17.49%，主要原因是2025年在职工预算人数比上年少2人。"
    )
    assert f.subject == "卫生健康支出(类)医疗保障管理事务(款)行政运行(项)"
    assert f.amount == Decimal("165.33")
    assert change(f) == ("decrease", Decimal("35.04"), Decimal("17.49"))
    # Seed 004 prints the chain and the year with no colon between them.
    (g,) = figures(
        "1.一般公共服务支出（类）组织事务（款）其他组织事务支出（项）2025 年预算数为 7.17 万元，"
        "比上年预算减少 4.78 万元，下降 40%。"
    )
    assert g.subject == "一般公共服务支出(类)组织事务(款)其他组织事务支出(项)"
    assert change(g) == ("decrease", Decimal("4.78"), Decimal("40"))


def test_coded_subjects_flat_and_increase_without_percent():
    found = figures(
        "工资福利支出(301)207.34万元,较上年增加27.15万元,原因是本年度有新分配人员;"
        "商品和服务支出(302)5.20万元,与上年持平;"
        "对个人和家庭的补助支出(303)392万元,较上年增加93万元,原因是新增上解资金项目。"
    )
    assert [(f.subject, str(f.amount)) for f in found] == [
        ("工资福利支出(301)", "207.34"),
        ("商品和服务支出(302)", "5.20"),
        ("对个人和家庭的补助支出(303)", "392"),
    ]
    assert change(found[0]) == ("increase", Decimal("27.15"), None)
    assert found[0].reason == "本年度有新分配人员"
    assert change(found[1]) == ("flat", None, None)
    assert found[2].reason == "新增上解资金项目"


def test_several_figures_in_one_sentence():
    found = figures(
        "2025年支出预算3912.31万元,其中基本支出457.89万元,包括人员经费428.04万元和日常公用经费29.85万元;"
        "项目支出3454.42万元。",
        "兴隆县医疗保障局本级",
    )
    assert [(f.subject, str(f.amount)) for f in found] == [
        ("支出预算", "3912.31"),
        ("基本支出", "457.89"),
        ("人员经费", "428.04"),
        ("日常公用经费", "29.85"),
        ("项目支出", "3454.42"),
    ]


def test_unit_name_and_year_are_not_the_subject():
    (f,) = figures(
        "且末县医疗保障局 2025 年的机关运行经费财政拨款预算 7.60 万元，比上年预算减少 4.90 万元，下降 39.20%。",
        "且末县医疗保障局",
    )
    assert f.subject == "机关运行经费财政拨款预算"
    assert change(f) == ("decrease", Decimal("4.90"), Decimal("39.20"))


def test_reason_in_the_next_sentence_completes_the_figure():
    found = figures(
        "其中：基本支出307.49万元，比上年预算减少25.17万元，下降7.57%。"
        "主要原因是：2024 年和静县医疗保障局在职人员减少 1人，造成 2025 年预算减少 3.00 万元。"
    )
    assert len(found) == 1
    assert found[0].reason == "2024 年和静县医疗保障局在职人员减少 1人,造成 2025 年预算减少 3.00 万元"


def test_yuan_and_thresholds():
    (f,) = figures("本项目资金总额 464.81 元，全部用于电费支付。")
    assert f.unit is MoneyUnit.YUAN and f.amount == Decimal("464.81")
    # "50万元以上大型设备" is a threshold, not an amount.
    assert figures("单位价值50万元以上大型设备0台,单位价值100万元以上大型设备0台。") == []


def test_change_with_no_amount_stated_is_a_claim_of_its_own():
    # No amount before it: the change is a claim about its subject, not a statement.
    assert figures("公务接待费支出决算比上年减少 0.15 万元，下降 27.78%。") == []
    claims = loose("公务接待费支出决算比上年减少 0.15 万元，下降 27.78%。", year=2024)
    assert [(c.quantity, str(c.value), c.subject, c.year) for c in claims] == [
        ("change_amount", "-0.15", "公务接待费支出决算", 2023),
        ("change_pct", "-27.78", "公务接待费支出决算", 2023),
    ]


def test_comparative_change_is_not_a_figure():
    (f,) = figures(
        "某局 2017 年度会议费预算支出 1305.25 万元,本年数小于上年预算数 403.75 万元,原因是调减会议费。", "某局"
    )
    assert (f.subject, str(f.amount)) == ("会议费预算支出", "1305.25")
    assert change(f) == ("decrease", Decimal("403.75"), None)
