"""Audit: a registry of rules that find defects in a parsed disclosure.

    >>> from yusuan.audit import check_disclosure
    >>> report = check_disclosure(disclosure)          # DocumentReport: findings + coverage
    >>> reports = check_files(files)                    # halves of one publication checked as one
"""

from typing import TYPE_CHECKING

from yusuan import lazy

if TYPE_CHECKING:
    from yusuan.audit.config import Config, ConfigError, load_config
    from yusuan.audit.engine import check_disclosure
    from yusuan.audit.publication import FileToCheck, check_files, check_publication
    from yusuan.audit.registry import RULES, Rule, all_rules
    from yusuan.audit.report import CheckReport, CoverageEntry, DocumentReport, Status

_MODULES = {"config": ("Config", "ConfigError", "load_config"), "engine": ("check_disclosure",),
            "publication": ("FileToCheck", "check_files", "check_publication"),
            "registry": ("RULES", "Rule", "all_rules"),
            "report": ("CheckReport", "CoverageEntry", "DocumentReport", "Status")}
__getattr__ = lazy.exports(__name__, {name: f"yusuan.audit.{module}" for module, names in _MODULES.items()
                                      for name in names})

__all__ = [
    "RULES",
    "CheckReport",
    "Config",
    "ConfigError",
    "CoverageEntry",
    "DocumentReport",
    "FileToCheck",
    "Rule",
    "Status",
    "all_rules",
    "check_disclosure",
    "check_files",
    "check_publication",
    "load_config",
]
