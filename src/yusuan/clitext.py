"""Click's own words (Usage, Options, "Show this message and exit.", its error messages) in Chinese.

Click marks every text it prints with ``gettext`` (``from gettext import gettext as _`` in each
of its modules) but ships no translations. Installing a process-wide gettext domain would change
every other library's translations too, so the CLI instead points the ``_``/``ngettext`` names
of click's own modules at this table (``install``, called when ``yusuan.cli`` is imported). A
text not in the table is shown as click wrote it.
"""

from __future__ import annotations

import importlib
import re
import unicodedata

import click

ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必需",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Aborted!": "已中止。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用 “{command} {option}” 查看帮助。",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项开头的字符无效（{option}）",
    "Value must be an iterable.": "值必须是可迭代的。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的布尔值，可用：{states}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
}

ZH_PLURAL: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，只给了 {len_value} 个。",
}
ZH_MANY: dict[str, str] = {
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "(Did you mean one of: {possibilities}?)": "（是否想用以下之一：{possibilities}？）",
    "{value!r} is not one of {choices}.": "{value!r} 不是以下之一：{choices}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合以下任一格式：{formats}。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，给了 {len_value} 个。",
}

_ANSI = re.compile(r"\033\[[;?0-9]*[a-zA-Z]")
_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
            "click.types", "click.termui", "click.utils", "click._termui_impl")


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return ZH_PLURAL.get(singular, singular) if n == 1 else ZH_MANY.get(plural, plural)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: CJK characters take two (click counts one)."""
    plain = _ANSI.sub("", text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in plain)


def install() -> None:
    """Point click's modules at the Chinese texts, and make the help's columns line up with
    Chinese option names (idempotent)."""
    import click.formatting

    click.formatting.term_len = display_width  # type: ignore[assignment]
    for name in _MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


# Metavars click writes from a parameter's type ("--unit TEXT", "--year INTEGER").
_METAVARS = {"text": "文字", "integer": "整数", "integer range": "整数", "float": "数值", "float range": "数值",
             "path": "路径", "filename": "文件", "boolean": "是/否"}


class ChineseHelpFormatter(click.HelpFormatter):
    """Section headings end with a full-width colon, as Chinese text does."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


def localise(command: click.Command) -> None:
    """Chinese usage pieces for ``command`` and its subcommands: ``[选项]``, ``命令 [参数]...``,
    the metavars of typed options where the command did not set its own, and headings."""
    command.context_class = ChineseContext
    command.options_metavar = "[选项]"
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            name = _METAVARS.get(param.type.name)
            if name:
                param.metavar = name
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            localise(sub)
