"""The compare questions, as SQL over the latest version of each document.

Amounts are in 万元 (documents printed in 元 are converted exactly, then shown to 0.01).
Each query starts from ``d``: the latest documents, filtered by ``--unit`` (substring of
the unit name, or of the document id when the name was not found), ``--year`` and
``--kind`` (budget 预算 / final_accounts 决算; ``yoy`` keeps the two apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb

from yusuan.store.sandbox import QueryLimits, run_sandboxed

_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Question:
    key: str
    title: str  # Chinese, for --help and headings
    sql: str


_D = """d AS (
    SELECT *, coalesce(unit_name, doc) AS unit_label FROM latest_documents
    WHERE ($unit::VARCHAR IS NULL OR coalesce(unit_name, doc) LIKE '%' || $unit::VARCHAR || '%')
      AND ($year::INTEGER IS NULL OR year = $year::INTEGER)
      AND ($kind::VARCHAR IS NULL OR kind = $kind::VARCHAR)
)"""

# Per-document totals from the spending tables: 支出总表 first, 一般公共预算支出表 otherwise.
_SPLIT = """split AS (
    SELECT * FROM (
        SELECT f.doc_pk, f.table_id,
            max(f.value_wan) FILTER (WHERE f."column" = 'total') AS total,
            max(f.value_wan) FILTER (WHERE f."column" = 'basic') AS basic,
            max(f.value_wan) FILTER (WHERE f."column" = 'project') AS project,
            row_number() OVER (PARTITION BY f.doc_pk ORDER BY f.table_id = 'expenditure' DESC) AS rn
        FROM facts f JOIN d ON d.id = f.doc_pk
        WHERE f.row_code = 'TOTAL' AND f.table_id IN ('expenditure', 'gpb_expenditure')
        GROUP BY f.doc_pk, f.table_id
    ) AS ranked WHERE rn = 1
)"""

_THREE = """three_rows AS (
    SELECT f.doc_pk,
        max(f.value_wan) FILTER (WHERE f.row_code = 'TOTAL') AS grand,
        max(f.value_wan) FILTER (WHERE f.row_code = 'three_public_subtotal') AS subtotal,
        max(f.value_wan) FILTER (WHERE f.row_code = 'abroad') AS abroad,
        max(f.value_wan) FILTER (WHERE f.row_code = 'reception') AS reception,
        max(f.value_wan) FILTER (WHERE f.row_code = 'vehicle') AS vehicle,
        max(f.value_wan) FILTER (WHERE f.row_code = 'vehicle_purchase') AS vehicle_purchase,
        max(f.value_wan) FILTER (WHERE f.row_code = 'vehicle_operation') AS vehicle_operation,
        max(f.value_wan) FILTER (WHERE f.row_code = 'meeting') AS meeting,
        max(f.value_wan) FILTER (WHERE f.row_code = 'training') AS training,
        bool_or(f.row_code IN ('meeting', 'training')) AS with_meetings
    FROM facts f JOIN d ON d.id = f.doc_pk
    WHERE f.table_id = 'three_public' AND f."column" = 'total'
    GROUP BY f.doc_pk
), three AS (
    -- A table that also lists 会议费 and 培训费 has a 合计 over all five: the "三公" total is
    -- its 小计, or the 合计 less those two.
    SELECT *, coalesce(subtotal, CASE WHEN with_meetings
                                      THEN grand - coalesce(meeting, 0) - coalesce(training, 0)
                                      ELSE grand END) AS total
    FROM three_rows
), three_said AS (
    SELECT g.doc_pk,
        max(g.amount_wan) FILTER (WHERE g.subject = 'total') AS total,
        max(g.amount_wan) FILTER (WHERE g.subject = 'abroad') AS abroad,
        max(g.amount_wan) FILTER (WHERE g.subject = 'reception') AS reception,
        max(g.amount_wan) FILTER (WHERE g.subject = 'vehicle_purchase') AS vehicle_purchase,
        max(g.amount_wan) FILTER (WHERE g.subject = 'vehicle_operation') AS vehicle_operation
    FROM figures g JOIN d ON d.id = g.doc_pk
    WHERE g.topic = 'three_public'
    GROUP BY g.doc_pk
), operating AS (
    SELECT g.doc_pk, max(g.amount_wan) AS amount
    FROM figures g JOIN d ON d.id = g.doc_pk WHERE g.topic = 'operating_cost' GROUP BY g.doc_pk
)"""

THREE_PUBLIC = f"""WITH {_D}, {_THREE}
SELECT d.unit_label AS 单位, d.year AS 年度,
    round(coalesce(t.total, s.total), 2) AS 三公合计,
    round(coalesce(t.abroad, s.abroad), 2) AS 因公出国境费,
    round(coalesce(t.reception, s.reception), 2) AS 公务接待费,
    round(coalesce(t.vehicle, t.vehicle_purchase + t.vehicle_operation), 2) AS 公务用车购置及运行费,
    round(coalesce(t.vehicle_purchase, s.vehicle_purchase), 2) AS 公务用车购置费,
    round(coalesce(t.vehicle_operation, s.vehicle_operation), 2) AS 公务用车运行费,
    round(t.meeting, 2) AS 会议费,
    round(t.training, 2) AS 培训费,
    round(o.amount, 2) AS 机关运行经费,
    CASE WHEN t.doc_pk IS NOT NULL THEN '表' WHEN s.doc_pk IS NOT NULL THEN '说明' ELSE '未找到' END AS 三公来源,
    d.doc AS 文件
FROM d LEFT JOIN three t ON t.doc_pk = d.id LEFT JOIN three_said s ON s.doc_pk = d.id
    LEFT JOIN operating o ON o.doc_pk = d.id
ORDER BY 单位, 年度, 文件"""

BASIC_PROJECT = f"""WITH {_D}, {_SPLIT}
SELECT d.unit_label AS 单位, d.year AS 年度,
    round(coalesce(s.total, s.basic + s.project), 2) AS 支出合计,
    round(s.basic, 2) AS 基本支出, round(s.project, 2) AS 项目支出,
    round(100 * s.basic / nullif(coalesce(s.total, s.basic + s.project), 0), 2) AS 基本支出占比,
    s.table_id AS 来源表, d.doc AS 文件
FROM d LEFT JOIN split s ON s.doc_pk = d.id
ORDER BY 单位, 年度, 文件"""

PER_STAFF = f"""WITH {_D}, personnel AS (
    SELECT f.doc_pk,
        max(f.value_wan) FILTER (WHERE f.table_id = 'gpb_basic_econ' AND f.row_code = 'TOTAL'
                                 AND f."column" = 'personnel') AS from_total,
        sum(f.value_wan) FILTER (WHERE f.table_id = 'gpb_basic_econ' AND f.row_code IN ('301', '303')
                                 AND f."column" = 'total') AS from_classes
    FROM facts f JOIN d ON d.id = f.doc_pk
    GROUP BY f.doc_pk
), p AS (
    SELECT d.*, coalesce(pe.from_total, pe.from_classes) AS personnel,
        coalesce(d.staff_actual, d.staff_in_service, d.staff_authorized) AS staff
    FROM d LEFT JOIN personnel pe ON pe.doc_pk = d.id
)
SELECT unit_label AS 单位, year AS 年度, round(personnel, 2) AS 人员经费,
    staff AS 人数,
    CASE WHEN staff_actual IS NOT NULL THEN '实有人数' WHEN staff_in_service IS NOT NULL THEN '在职人数'
         WHEN staff_authorized IS NOT NULL THEN '编制数' END AS 人数口径,
    round(personnel / nullif(staff, 0), 2) AS 人均人员经费, doc AS 文件
FROM p ORDER BY 单位, 年度, 文件"""


def _structure(tables: tuple[str, ...], title_col: str) -> str:
    preference = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(tables))
    listed = ", ".join(f"'{t}'" for t in tables)
    return f"""WITH {_D}, src AS (
    SELECT * FROM (
        SELECT f.doc_pk, f.table_id,
            row_number() OVER (PARTITION BY f.doc_pk ORDER BY CASE f.table_id {preference} END) AS rn
        FROM facts f JOIN d ON d.id = f.doc_pk
        WHERE f.table_id IN ({listed}) AND f.row_code SIMILAR TO '[0-9]{{3}}'
        GROUP BY f.doc_pk, f.table_id
    ) AS ranked WHERE rn = 1
), cls AS (
    SELECT f.doc_pk, f.table_id, f.row_code, min(f.row_name) AS row_name, max(f.value_wan) AS amount
    FROM facts f JOIN src ON src.doc_pk = f.doc_pk AND src.table_id = f.table_id
    WHERE f.row_code SIMILAR TO '[0-9]{{3}}' AND f."column" = 'total'
    GROUP BY f.doc_pk, f.table_id, f.row_code
)
SELECT d.unit_label AS 单位, d.year AS 年度, c.row_code AS {title_col}, c.row_name AS 名称,
    round(c.amount, 2) AS 金额,
    round(100 * c.amount / nullif(sum(c.amount) OVER (PARTITION BY c.doc_pk), 0), 2) AS 占比,
    c.table_id AS 来源表, d.doc AS 文件
FROM cls c JOIN d ON d.id = c.doc_pk
ORDER BY 单位, 年度, 文件, {title_col}"""


STRUCTURE_FUNCTION = _structure(("expenditure", "gpb_expenditure", "summary"), "功能分类类级")
STRUCTURE_ECONOMIC = _structure(("gpb_econ", "gpb_basic_econ"), "经济分类类级")

# One value per unit, measure and year (the newest document of that unit-year), compared
# with the unit's previous year present in the corpus.
YOY = f"""WITH {_D}, {_SPLIT}, {_THREE}, m AS (
    SELECT d.id, d.unit_label, d.kind, d.year, '支出合计' AS measure, coalesce(s.total, s.basic + s.project) AS v
        FROM d JOIN split s ON s.doc_pk = d.id
    UNION ALL SELECT d.id, d.unit_label, d.kind, d.year, '基本支出', s.basic
        FROM d JOIN split s ON s.doc_pk = d.id
    UNION ALL SELECT d.id, d.unit_label, d.kind, d.year, '项目支出', s.project
        FROM d JOIN split s ON s.doc_pk = d.id
    UNION ALL SELECT d.id, d.unit_label, d.kind, d.year, '三公合计', coalesce(t.total, a.total)
        FROM d LEFT JOIN three t ON t.doc_pk = d.id LEFT JOIN three_said a ON a.doc_pk = d.id
    UNION ALL SELECT d.id, d.unit_label, d.kind, d.year, '机关运行经费', o.amount
        FROM d JOIN operating o ON o.doc_pk = d.id
), one AS (
    SELECT unit_label, kind, year, measure, (array_agg(v ORDER BY id DESC))[1] AS v FROM m
    WHERE year IS NOT NULL AND v IS NOT NULL GROUP BY unit_label, kind, year, measure
), lagged AS (
    SELECT *, lag(v) OVER w AS prev, lag(year) OVER w AS prev_year FROM one
    WINDOW w AS (PARTITION BY unit_label, kind, measure ORDER BY year)
)
SELECT unit_label AS 单位, CASE kind WHEN 'final_accounts' THEN '决算' ELSE '预算' END AS 类型, measure AS 指标,
    year AS 年度, round(v, 2) AS 金额, prev_year AS 对比年度,
    round(prev, 2) AS 对比金额, round(v - prev, 2) AS 增减额,
    round(100 * (v - prev) / nullif(prev, 0), 2) AS 增减百分比
FROM lagged ORDER BY 单位, 类型, 指标, 年度"""

STATED_CHANGES = f"""WITH {_D}
SELECT d.unit_label AS 单位, d.year AS 年度, g.topic AS 部分, g.subject AS 事项,
    round(g.amount_wan, 2) AS 金额,
    CASE g.change_direction WHEN 'increase' THEN '增加' WHEN 'decrease' THEN '减少' ELSE '持平' END AS 方向,
    round(g.change_amount_wan, 2) AS 增减额, g.change_percent AS 增减百分比,
    round(g.amount_wan - CASE g.change_direction WHEN 'increase' THEN g.change_amount_wan
                              WHEN 'decrease' THEN -g.change_amount_wan ELSE 0 END, 2) AS 推算上年金额,
    g.reason AS 原因, g.line AS 行, g.page AS 页, d.doc AS 文件
FROM figures g JOIN d ON d.id = g.doc_pk
WHERE g.change_direction IS NOT NULL
ORDER BY 单位, 年度, 文件, g.line, g.section_no, g.topic, g.subject, g.amount_wan"""

FINDINGS_RANK = f"""WITH {_D}, c AS (
    SELECT f.doc_pk,
        count(*) FILTER (WHERE f.severity = 'error') AS errors,
        count(*) FILTER (WHERE f.severity = 'warning') AS warnings,
        count(*) FILTER (WHERE f.severity = 'info') AS infos
    FROM findings f JOIN d ON d.id = f.doc_pk GROUP BY f.doc_pk
)
SELECT rank() OVER (ORDER BY coalesce(c.errors, 0) DESC, coalesce(c.warnings, 0) DESC) AS 名次,
    d.unit_label AS 单位, d.year AS 年度,
    CASE WHEN d.n_findings IS NULL THEN NULL ELSE coalesce(c.errors, 0) END AS 错误,
    CASE WHEN d.n_findings IS NULL THEN NULL ELSE coalesce(c.warnings, 0) END AS 警告,
    CASE WHEN d.n_findings IS NULL THEN NULL ELSE coalesce(c.infos, 0) END AS 提示,
    CASE WHEN d.n_findings IS NULL THEN '未审核' ELSE '已审核' END AS 状态, d.doc AS 文件
FROM d LEFT JOIN c ON c.doc_pk = d.id
ORDER BY 名次, 单位, 年度, 文件"""

QUESTIONS: dict[str, Question] = {
    q.key: q
    for q in (
        Question("three-public", "“三公”经费与机关运行经费（按单位、年度）", THREE_PUBLIC),
        Question("basic-project", "基本支出与项目支出构成", BASIC_PROJECT),
        Question("per-staff", "人均人员经费（人员经费 ÷ 实有人数/在职人数/编制数）", PER_STAFF),
        Question("function", "支出结构：按支出功能分类（类级）", STRUCTURE_FUNCTION),
        Question("economic", "支出结构：按支出经济分类（类级）", STRUCTURE_ECONOMIC),
        Question("yoy", "年度变化：语料库中同一单位相邻年度的比较", YOY),
        Question("stated-changes", "年度变化：文件说明中所述的比上年增减", STATED_CHANGES),
        Question("findings", "按审核发现问题数量排列的单位", FINDINGS_RANK),
    )
}


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def compare(
    con: duckdb.DuckDBPyConnection,
    what: str,
    unit: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> Result:
    """``kind``: "budget" (预算) or "final_accounts" (决算); None for both."""
    cur = con.execute(QUESTIONS[what].sql, {"unit": unit, "year": year, "kind": kind})
    # ratios come back as doubles: show them, like amounts, to exactly two places
    rows = [tuple(_two(v) for v in row) for row in cur.fetchall()]
    return Result([c[0] for c in cur.description], rows)


def _two(value: Any) -> Any:
    return Decimal(repr(value)).quantize(_CENT) if isinstance(value, float) else value


def run_sql(con: duckdb.DuckDBPyConnection, sql: str, limits: QueryLimits | None = None) -> Result:
    """User SQL: only reading statements, under ``limits`` (time, rows); open ``con`` with
    ``yusuan.store.sandbox.open_sandbox`` so DuckDB itself refuses files and extensions.
    Raises ``QueryRefused`` (Chinese message) for anything refused or stopped."""
    out = run_sandboxed(con, sql, limits)
    return Result(out.columns, out.rows)
