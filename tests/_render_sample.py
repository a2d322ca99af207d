"""A small, arithmetically consistent disclosure (figures of seed 000, 且末县医疗保障局 2025)
built inline for the render tests."""

from __future__ import annotations

from decimal import Decimal

from yusuan.model import (
    Assets,
    Column,
    Disclosure,
    Figure,
    Indicator,
    Meta,
    MoneyUnit,
    PerformanceTarget,
    Procurement,
    Profile,
    Row,
    Staffing,
    Table,
    Vehicles,
)
from yusuan.render.inputs import OPERATING, Prior, RenderInput

D = Decimal


def _rows(spec: list[tuple[str, str, dict[str, str]]]) -> tuple[Row, ...]:
    out = []
    for code, name, vals in spec:
        level = {3: 1, 5: 2, 7: 3}.get(len(code)) if code.isdigit() else None
        out.append(Row(code=code, name=name, values={k: D(v) for k, v in vals.items()}, level=level))
    return tuple(out)


def _t(id: str, title: str, cols: list[tuple[str, str]], rows: list, unit: MoneyUnit = MoneyUnit.WAN) -> Table:
    return Table(id=id, title=title, number=None, unit=unit, columns=tuple(Column(k, h) for k, h in cols),
                 rows=_rows(rows))


SPLIT = [("total", "合计"), ("basic", "基本支出"), ("project", "项目支出")]


def sample_disclosure() -> Disclosure:
    income = _t("income", "单位收入总体情况表",
                [("total", "总计"), ("fiscal", "财政拨款（补助）小计"), ("general_budget", "一般公共预算"),
                 ("unit_funds", "单位资金")],
                [("TOTAL", "总计", {"total": "227.24", "fiscal": "227.19", "general_budget": "227.19",
                                    "unit_funds": "0.05"}),
                 ("205", "教育支出", {"total": "0.98", "fiscal": "0.98", "general_budget": "0.98"}),
                 ("20508", "进修及培训", {"total": "0.98", "fiscal": "0.98", "general_budget": "0.98"}),
                 ("2050803", "培训支出", {"total": "0.98", "fiscal": "0.98", "general_budget": "0.98"}),
                 ("210", "卫生健康支出", {"total": "226.26", "fiscal": "226.21", "general_budget": "226.21",
                                       "unit_funds": "0.05"}),
                 ("21015", "医疗保障管理事务", {"total": "226.26", "fiscal": "226.21", "general_budget": "226.21",
                                           "unit_funds": "0.05"}),
                 ("2101501", "行政运行", {"total": "223.26", "fiscal": "223.21", "general_budget": "223.21",
                                       "unit_funds": "0.05"}),
                 ("2101599", "其他医疗保障管理事务支出",
                  {"total": "3.00", "fiscal": "3.00", "general_budget": "3.00"})])
    expenditure = _t("expenditure", "单位支出总体情况表", SPLIT,
                     [("TOTAL", "总计", {"total": "227.24", "basic": "224.19", "project": "3.05"}),
                      ("205", "教育支出", {"total": "0.98", "basic": "0.98"}),
                      ("20508", "进修及培训", {"total": "0.98", "basic": "0.98"}),
                      ("2050803", "培训支出", {"total": "0.98", "basic": "0.98"}),
                      ("210", "卫生健康支出", {"total": "226.26", "basic": "223.21", "project": "3.05"}),
                      ("21015", "医疗保障管理事务", {"total": "226.26", "basic": "223.21", "project": "3.05"}),
                      ("2101501", "行政运行", {"total": "223.26", "basic": "223.21", "project": "0.05"}),
                      ("2101599", "其他医疗保障管理事务支出", {"total": "3.00", "project": "3.00"})])
    gpb = _t("gpb_expenditure", "一般公共预算支出情况表", SPLIT,
             [("TOTAL", "总计", {"total": "227.19", "basic": "224.19", "project": "3.00"}),
              ("205", "教育支出", {"total": "0.98", "basic": "0.98"}),
              ("20508", "进修及培训", {"total": "0.98", "basic": "0.98"}),
              ("2050803", "培训支出", {"total": "0.98", "basic": "0.98"}),
              ("210", "卫生健康支出", {"total": "226.21", "basic": "223.21", "project": "3.00"}),
              ("21015", "医疗保障管理事务", {"total": "226.21", "basic": "223.21", "project": "3.00"}),
              ("2101501", "行政运行", {"total": "223.21", "basic": "223.21"}),
              ("2101599", "其他医疗保障管理事务支出", {"total": "3.00", "project": "3.00"})])
    basic = _t("gpb_basic_econ", "一般公共预算基本支出情况表",
               [("total", "合计"), ("personnel", "人员经费"), ("public", "公用经费")],
               [("TOTAL", "总计", {"total": "224.19", "personnel": "216.59", "public": "7.60"}),
                ("301", "工资福利支出", {"total": "216.59", "personnel": "216.59"}),
                ("30101", "基本工资", {"total": "216.59", "personnel": "216.59"}),
                ("302", "商品和服务支出", {"total": "7.60", "public": "7.60"}),
                ("30201", "办公费", {"total": "5.10", "public": "5.10"}),
                ("30231", "公务用车运行维护费", {"total": "2.50", "public": "2.50"})])
    project = Table(id="gpb_project", title="一般公共预算项目支出情况表", number=None, unit=MoneyUnit.WAN,
                    columns=(Column("total", "项目支出合计"),),
                    rows=(Row(code="TOTAL", name="总计", values={"total": D("3.00")}),
                          Row(code="2101599", name="其他医疗保障管理事务支出", values={"total": D("3.00")}, level=3,
                              text={"project_name": "全民参保及医疗保障服务项目补助资金"})))
    three = Table(id="three_public", title="财政拨款“三公”经费支出情况表", number=None, unit=MoneyUnit.WAN,
                  columns=(Column("total", "合计"), Column("general_budget", "一般公共预算")),
                  rows=(Row(code="TOTAL", name="合计", values={"total": D("2.50"), "general_budget": D("2.50")}),
                        Row(code="abroad", name="因公出国(境)费", values={}),
                        Row(code="reception", name="公务接待费", values={}),
                        Row(code="vehicle", name="公务用车购置及运行费(小计)",
                            values={"total": D("2.50"), "general_budget": D("2.50")}),
                        Row(code="vehicle_purchase", name="公务用车购置费", values={}),
                        Row(code="vehicle_operation", name="公务用车运行费",
                            values={"total": D("2.50"), "general_budget": D("2.50")})))
    meta = Meta(doc="sample", path=None, unit_name="且末县医疗保障局", unit_code=None, year=2025,
                narrative_unit=MoneyUnit.WAN)
    return Disclosure(
        meta=meta,
        tables=(income, expenditure, gpb, basic, project, three),
        profile=Profile(functions=("贯彻执行医疗保障制度、政策法规和标准。",), departments=("行政办公室", "待遇科"),
                        subordinates=("无",),
                        staffing=Staffing(authorized=15, actual=14, in_service=12, retired=2, retired_early=0)),
        operating_cost=Figure(subject="机关运行经费", amount=D("7.60"), unit=MoneyUnit.WAN),
        procurement=Procurement(total=D("4.90"), goods=D("1.77"), works=D("0.00"), services=D("3.13"),
                                sme_reserved=D("4.10"), small_micro_reserved=D("4.10")),
        assets=Assets(as_of="2024年12月31日", buildings_area=D("0.00"), buildings_value=D("0.00"),
                      vehicles=Vehicles(total=1, value=D("16.47")), furniture_value=D("7.31"), other_value=D("63.27"),
                      large_equipment_50=0, large_equipment_100=0),
        performance=(PerformanceTarget(scope="project", name="全民参保及医疗保障服务项目", amount=D("3.00"),
                                       goal="参保率95%以上",
                                       indicators=(Indicator("产出指标", "质量指标", "当年财政补助资金到位率", "=100%",
                                                             D("20")),)),),
    )


def sample_input() -> RenderInput:
    """Complete data: every prior-year figure and reason the narrative compares, and the date."""
    same = "与上年预算一致"
    prior = {
        ("income", "TOTAL", "general_budget"): Prior(D("264.87"), "在职职工预算人数比上年少2人"),
        ("income", "TOTAL", "fiscal"): Prior(D("264.87"), "在职职工预算人数比上年少2人"),
        ("income", "TOTAL", "unit_funds"): Prior(D("0.00"), "将征收个税返还手续费纳入单位预算"),
        ("expenditure", "TOTAL", "basic"): Prior(D("264.87"), "在职人员减少"),
        ("expenditure", "TOTAL", "project"): Prior(D("3.50"), "专项资金减少"),
        ("gpb_expenditure", "TOTAL", "total"): Prior(D("268.37"), "在职人员减少"),
        ("gpb_expenditure", "TOTAL", "basic"): Prior(D("264.87"), "在职人员减少"),
        ("gpb_expenditure", "TOTAL", "project"): Prior(D("3.50"), "专项资金减少"),
        ("gpb_expenditure", "2050803", "total"): Prior(D("0.98"), same),
        ("gpb_expenditure", "2101501", "total"): Prior(D("223.21"), None),
        ("gpb_expenditure", "2101599", "total"): Prior(D("3.50"), "专项资金减少"),
        ("gov_fund", "TOTAL", "total"): Prior(D("0.00"), None),
        ("state_capital", "TOTAL", "total"): Prior(D("0.00"), None),
        ("three_public", "TOTAL", "total"): Prior(D("2.50"), "公务用车运行费同上年预算一致"),
        ("three_public", "abroad", "total"): Prior(D("0.00"), None),
        ("three_public", "reception", "total"): Prior(D("0.00"), None),
        ("three_public", "vehicle_purchase", "total"): Prior(D("0.00"), None),
        ("three_public", "vehicle_operation", "total"): Prior(D("2.50"), None),
        OPERATING: Prior(D("12.50"), "厉行节约"),
    }
    return RenderInput(sample_disclosure(), prior=prior, notes={"date": "2025年1月20日"})
