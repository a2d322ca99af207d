"""Findings for a parsed document, from the audit package when it is installed.

The audit package (``yusuan.audit``) owns the rules; this adapter only finds its entry
point and normalises the result to a tuple of ``Finding``. Without it the web app still
works and says that no audit was run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from yusuan.model import Disclosure, Finding

Checker = Callable[[Disclosure], Any]

_ENTRY_POINTS = ("check_disclosure", "check")


def default_checker() -> Checker | None:
    try:
        module = importlib.import_module("yusuan.audit")
    except ImportError:
        return None
    for name in _ENTRY_POINTS:
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


def _as_findings(result: Any) -> tuple[Finding, ...]:
    """Accept a report with ``.findings`` (``yusuan.audit.DocumentReport``), ``findings`` or
    ``(findings, ...)``."""
    if hasattr(result, "findings"):
        result = result.findings
    if isinstance(result, tuple) and result and not isinstance(result[0], Finding) and isinstance(
        result[0], Iterable
    ):
        result = result[0]
    if not isinstance(result, Iterable):
        return ()
    return tuple(f for f in result if isinstance(f, Finding))


def run_checks(disclosure: Disclosure | None, checker: Checker | None = None) -> tuple[tuple[Finding, ...], bool]:
    """``(findings, audited)``; ``audited`` is False when no checker is available."""
    fn = checker or default_checker()
    if fn is None or disclosure is None:
        return (), fn is not None
    return _as_findings(fn(disclosure)), True


def rule_docs() -> list[Any]:
    """The audit's rule registry (code, summary, what, why, examples), or [] without it."""
    try:
        from yusuan.audit import all_rules
    except ImportError:
        return []
    return list(all_rules().values())


def html_report(
    disclosure: Disclosure, diagnostics: tuple[Any, ...], name: str, dismissed: frozenset[str] = frozenset()
) -> str | None:
    """The audit's own self-contained HTML check report for one document (findings, coverage,
    highlighted tables and narrative), less the findings whose fingerprints a reviewer
    dismissed; None when the audit package does not provide it."""
    try:
        from yusuan.audit import CheckReport, check_disclosure
        from yusuan.audit.fingerprint import fingerprint
        from yusuan.report.html import render_html
    except ImportError:
        return None
    report = check_disclosure(disclosure, None, name, tuple(diagnostics))
    if dismissed:
        report = replace(report, findings=tuple(f for f in report.findings if fingerprint(f) not in dismissed))
    return render_html(CheckReport(documents=(report,)))
