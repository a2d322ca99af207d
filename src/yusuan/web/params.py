"""Query parameters: each route declares what it reads, and nothing else reaches a view.

A declaration is a mapping name -> ``Param``; ``read(spec)`` turns ``request.args`` into a
dict of clean values or stops the request with 400 and a Chinese message naming the
parameter and what it must look like. The declarations are kept on the view functions
(``accepts``) so a test can walk every route and send junk to every parameter.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import request
from werkzeug.exceptions import HTTPException, default_exceptions

SHA = re.compile(r"[0-9a-f]{64}")
_YEAR = re.compile(r"(19|20)[0-9]{2}")  # ASCII digits only: "²".isdigit() is True in Python
_PAGE = re.compile(r"[1-9][0-9]{0,5}")
# control characters, and format characters such as bidi overrides
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def refuse(code: int, message: str) -> NoReturn:
    """Stop the request with this HTTP status and a Chinese message for the error page."""
    exc: HTTPException = default_exceptions[code](description=message)
    exc.message_zh = message  # type: ignore[attr-defined]
    raise exc


class BadParam(Exception):
    """A parameter's value is not acceptable; the message is Chinese."""


@dataclass(frozen=True)
class Param:
    kind: str  # text | year | page | choice | sha | shas
    label: str  # Chinese name for messages
    max_len: int = 100
    choices: Callable[[], Mapping[str, Any]] | None = None  # for "choice"
    max_items: int = 100  # for "shas"

    def clean(self, name: str, values: list[str]) -> Any:
        if self.kind == "shas":
            if len(values) > self.max_items:
                raise BadParam(f"参数 {name}（{self.label}）最多 {self.max_items} 个。")
            for v in values:
                if not SHA.fullmatch(v):
                    raise BadParam(f"参数 {name}（{self.label}）应为 64 位小写十六进制的文件摘要。")
            return list(dict.fromkeys(values))
        if len(values) > 1:
            raise BadParam(f"参数 {name}（{self.label}）只能出现一次。")
        value = values[0].strip() if values else ""
        if not value:
            return "" if self.kind in ("text", "choice") else None
        if self.kind == "text":
            if len(value) > self.max_len or _UNPRINTABLE.search(value):
                raise BadParam(f"参数 {name}（{self.label}）应为不超过 {self.max_len} 个字的普通文字。")
            return value
        if self.kind == "year":
            if not _YEAR.fullmatch(value):
                raise BadParam(f"参数 {name}（{self.label}）应为四位数字的年份，如 2024。")
            return int(value)
        if self.kind == "page":
            if not _PAGE.fullmatch(value):
                raise BadParam(f"参数 {name}（{self.label}）应为正整数页码，如 2。")
            return int(value)
        if self.kind == "choice":
            allowed = self.choices() if self.choices else {}
            if value not in allowed:
                raise BadParam(f"参数 {name}（{self.label}）的值不在可选范围内。")
            return value
        if self.kind == "sha":
            if not SHA.fullmatch(value):
                raise BadParam(f"参数 {name}（{self.label}）应为 64 位小写十六进制的文件摘要。")
            return value
        raise AssertionError(self.kind)


def text(label: str, max_len: int = 100) -> Param:
    return Param("text", label, max_len=max_len)


def year(label: str = "年度") -> Param:
    return Param("year", label)


def page(label: str = "页码") -> Param:
    return Param("page", label)


def choice(label: str, choices: Callable[[], Mapping[str, Any]]) -> Param:
    return Param("choice", label, choices=choices)


def shas(label: str, max_items: int = 100) -> Param:
    return Param("shas", label, max_items=max_items)


def read(spec: Mapping[str, Param]) -> dict[str, Any]:
    """The request's query parameters named in ``spec``, cleaned; 400 on a bad value.
    Parameters the route does not declare are ignored (they never reach the view)."""
    out: dict[str, Any] = {}
    for name, param in spec.items():
        try:
            out[name] = param.clean(name, request.args.getlist(name))
        except BadParam as exc:
            refuse(400, str(exc))
    return out


def query(**spec: Param) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a view's query parameters; the view receives them cleaned as ``q``. The
    declaration stays on the view (``accepts``) for the route walker test."""

    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def inner(*args: Any, **kwargs: Any) -> Any:
            return view(*args, q=read(spec), **kwargs)

        inner.accepts = spec  # type: ignore[attr-defined]
        return inner

    return wrap
