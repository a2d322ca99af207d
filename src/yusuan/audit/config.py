"""Check settings: which rules run, at what severity, with what tolerance.

Read from ``yusuan.toml`` or ``[tool.yusuan]`` in ``pyproject.toml`` (the first found walking
up from the working directory), then overridden by command-line options, like ruff:

    [tool.yusuan]
    select = ["SUM", "XTB001"]       # codes or family prefixes; default: all
    ignore = ["COD"]
    fail-on = "warning"
    [tool.yusuan.severity]
    NAR002 = "error"
    [tool.yusuan.tolerance]
    factor = 1.5                     # scales the printed-precision rounding allowance
    absolute = 0                     # extra allowance in 元
    [tool.yusuan.check.per-file-ignores]
    "*说明*.pdf" = ["TBL"]           # these rules' findings are not reported for matching files
    "2023/**" = ["NAR002"]           # (globs as in yusuan.selection, relative to the config's folder)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from yusuan.audit.tolerance import Tolerance
from yusuan.model import Severity


class ConfigError(ValueError):
    """A bad setting (user error): message is Chinese and says what to fix."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()  # empty: all
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    tolerance: Tolerance = Tolerance()
    source: str | None = None  # the file it was read from
    # (glob, rule codes or prefixes): findings of these rules are not reported for matching files
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def __hash__(self) -> int:
        return id(self)

    def enabled(self, code: str) -> bool:
        def hit(patterns: tuple[str, ...]) -> bool:
            return any(code.startswith(p.upper()) for p in patterns)

        return (not self.select or hit(self.select)) and not hit(self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        # the most specific pattern wins: "NAR002" over "NAR"
        best: tuple[int, Severity] | None = None
        for pattern, sev in self.severity.items():
            if code.startswith(pattern.upper()) and (best is None or len(pattern) > best[0]):
                best = (len(pattern), sev)
        return best[1] if best else default

    def ignored_in(self, path: str, code: str) -> bool:
        """Whether ``per-file-ignores`` hides ``code``'s findings in the file at ``path``."""
        from yusuan.selection import matches

        root = Path(self.source).parent if self.source else None
        return any(code.startswith(p) for glob, codes in self.per_file_ignores if matches(path, glob, root)
                   for p in codes)


def parse_severity(value: str, where: str) -> Severity:
    try:
        return Severity(str(value).strip().lower())
    except ValueError:
        raise ConfigError(f"{where}：严重程度“{value}”无效，应为 error、warning 或 info。") from None


def _decimal(value: Any, where: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{where}：“{value}”不是数字。") from None
    if d < 0:
        raise ConfigError(f"{where}：容差不能为负数（{value}）。")
    return d


def _codes(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}：应为规则代码列表，例如 [\"SUM\", \"NAR002\"]。")
    return tuple(v.strip().upper() for v in value if v.strip())


def from_mapping(data: dict[str, Any], source: str) -> Config:
    sev: dict[str, Severity] = {}
    for code, level in (data.get("severity") or {}).items():
        sev[code.upper()] = parse_severity(level, f"{source} severity.{code}")
    tol = data.get("tolerance") or {}
    if not isinstance(tol, dict):
        raise ConfigError(f"{source}：tolerance 应为表，例如 [tool.yusuan.tolerance] factor = 1.5。")
    return Config(
        select=_codes(data.get("select", []), f"{source} select"),
        ignore=_codes(data.get("ignore", []), f"{source} ignore"),
        severity=sev,
        fail_on=parse_severity(data.get("fail-on", data.get("fail_on", "error")), f"{source} fail-on"),
        tolerance=Tolerance(
            factor=_decimal(tol.get("factor", 1), f"{source} tolerance.factor"),
            absolute=_decimal(tol.get("absolute", 0), f"{source} tolerance.absolute"),
        ),
        source=source,
        per_file_ignores=_per_file_ignores(data, source),
    )


def _per_file_ignores(data: dict[str, Any], source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``[check] per-file-ignores = {"glob" = ["RULE", …]}`` (also accepted at the top level)."""
    check = data.get("check") or {}
    if not isinstance(check, dict):
        raise ConfigError(f"{source}：check 应为表，例如 [check] per-file-ignores = {{\"*.pdf\" = [\"NAR\"]}}。")
    table = check.get("per-file-ignores", data.get("per-file-ignores")) or {}
    if not isinstance(table, dict):
        raise ConfigError(f"{source}：per-file-ignores 应为“文件模式 = 规则列表”的表，"
                          "例如 per-file-ignores = {\"*说明*.pdf\" = [\"TBL\"]}。")
    return tuple((glob, _codes(codes, f"{source} per-file-ignores.{glob}")) for glob, codes in table.items())


def find_config_file(start: Path | None = None) -> Path | None:
    """``yusuan.toml``, or a ``pyproject.toml`` with ``[tool.yusuan]``, nearest upward."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        own = folder / "yusuan.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                if "yusuan" in tomllib.loads(py.read_text(encoding="utf-8")).get("tool", {}):
                    return py
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                continue
    return None


def read_settings(path: Path | None = None, start: Path | None = None) -> tuple[dict[str, Any], str] | None:
    """The yusuan settings in ``path`` (or the nearest config file) and where they came from:
    the whole of ``yusuan.toml``, or ``[tool.yusuan]`` of ``pyproject.toml``; None when none."""
    path = path or find_config_file(start)
    if path is None:
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"配置文件 {path} 无法读取：{exc}。请检查 TOML 格式。") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("yusuan", {})
    return data, str(path)


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """The settings from ``path`` (or the nearest config file); defaults when none."""
    found = read_settings(path, start)
    return from_mapping(*found) if found else Config()


def with_overrides(
    config: Config,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    severity: tuple[str, ...] = (),
    fail_on: str | None = None,
    tolerance_factor: str | None = None,
    tolerance_absolute: str | None = None,
) -> Config:
    """Command-line options over file settings: --select replaces, --ignore extends."""
    sev = dict(config.severity)
    for item in severity:
        code, sep, level = item.partition("=")
        if not sep or not code.strip():
            raise ConfigError(f"--severity “{item}” 格式应为 代码=级别，例如 NAR002=error。")
        sev[code.strip().upper()] = parse_severity(level, f"--severity {item}")
    tol = config.tolerance
    if tolerance_factor is not None:
        tol = replace(tol, factor=_decimal(tolerance_factor, "--tolerance-factor"))
    if tolerance_absolute is not None:
        tol = replace(tol, absolute=_decimal(tolerance_absolute, "--tolerance-absolute"))
    return replace(
        config,
        select=_codes(list(select), "--select") if select else config.select,
        ignore=config.ignore + _codes(list(ignore), "--ignore"),
        severity=sev,
        fail_on=parse_severity(fail_on, "--fail-on") if fail_on else config.fail_on,
        tolerance=tol,
    )
