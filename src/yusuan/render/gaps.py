"""Inputs a disclosure needs that the data does not hold, and the documented wording printed
in their place when the preparer chooses it (``yusuan render --fallback``).

Nothing is invented silently: a render with gaps stops and lists what to fill, unless the
fallback wordings are chosen; then each one used is listed in the render report. The table
below is the one place the wordings live (docs/render.md prints it, a test keeps the two
in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fallback:
    item: str  # what is missing, in Chinese
    where: str  # where a preparer fills it in the fill-in workbook
    wording: str  # printed instead; "" means the clause is left out. {name} {year} {subject} {today} filled in


FALLBACKS: dict[str, Fallback] = {
    "functions": Fallback("主要职能", "工作表“单位概况”，类别“主要职能”",
                          "{name}的主要职能以机构编制部门核定的职能为准。"),
    "organisation": Fallback("机构设置（内设机构、下属单位）",
                             "工作表“单位概况”，类别“内设机构”“下属单位”（没有的填“无”）",
                             "{name}的机构设置以机构编制部门核定的机构设置为准。"),
    "prior": Fallback("上年预算数", "工作表“上年数及原因”，列“上年预算数”",
                      ""),  # the comparison with last year is left out of the sentence
    "reason": Fallback("增减主要原因", "工作表“上年数及原因”，列“增减主要原因”",
                       ""),  # the sentence ends after the change, without "主要原因是…"
    "operating": Fallback("机关运行经费预算数", "工作表“其他事项”，“机关运行经费预算数”（没有的填 0）",
                          "本公开文件未包含机关运行经费数据。"),
    "procurement": Fallback("政府采购预算", "工作表“政府采购”（没有的合计填 0）", "本公开文件未包含政府采购预算数据。"),
    "assets": Fallback("国有资产占用情况", "工作表“国有资产”", "本公开文件未包含国有资产占用情况数据。"),
    "performance": Fallback("绩效目标", "工作表“绩效目标”", "本公开文件未包含预算绩效目标数据。"),
    "table": Fallback("预算公开表", "对应的表格工作表（没有数据的表在第3行填写空表说明）",
                      "本公开文件未包含{subject}数据。"),
    "date": Fallback("编制日期", "工作表“单位信息”，“编制日期”，或 yusuan render --date", "{today}"),
}


@dataclass(frozen=True)
class Gap:
    key: str  # a key of FALLBACKS
    subject: str  # what exactly ("一般公共预算拨款", a table title), "" when the key says it all
    printed: str  # the fallback wording as printed ("" when a clause was left out)
    ref: tuple[str, str, str] | None = None  # (table, row, column) of a prior-year figure or reason

    @property
    def item(self) -> str:
        base = FALLBACKS[self.key].item
        return f"{base}：{self.subject}" if self.subject else base

    @property
    def where(self) -> str:
        where = FALLBACKS[self.key].where
        if self.ref is not None:
            table, row, column = self.ref
            where += f"（表 {table}，行编码 {row or '（空）'}，列 {column}；没有这一行的在下方加一行）"
        return where


@dataclass
class Gaps:
    """Collects the gaps met while composing; ``missing`` returns the wording to print."""

    fields: dict[str, str] = field(default_factory=dict)  # name, year, today
    found: list[Gap] = field(default_factory=list)

    def missing(self, key: str, subject: str = "", ref: tuple[str, str, str] | None = None, **extra: str) -> str:
        wording = FALLBACKS[key].wording.format(subject=subject, **{**self.fields, **extra})
        gap = Gap(key, subject, wording, ref)
        if gap not in self.found:
            self.found.append(gap)
        return wording
