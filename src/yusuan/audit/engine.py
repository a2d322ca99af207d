"""Run the registry over a disclosure: findings plus one ledger entry per rule."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from yusuan.audit.config import Config
from yusuan.audit.context import RuleContext
from yusuan.audit.registry import Rule, all_rules
from yusuan.audit.report import CoverageEntry, DocumentReport, Status
from yusuan.model import Diagnostic, Disclosure, Source

if TYPE_CHECKING:
    from yusuan.ingest.document import SourceDocument


def run_rule(
    rule: Rule,
    disclosure: Disclosure,
    config: Config,
    lines: tuple[tuple[int, str], ...] = (),
    pages: Mapping[int, int] | None = None,
    *,
    texts: Mapping[str, tuple[tuple[int, str], ...]] | None = None,
    locate_doc: Callable[[Source, str | None], str] | None = None,
) -> tuple[list, CoverageEntry]:
    ctx = RuleContext(
        disclosure=disclosure,
        code=rule.code,
        severity=config.severity_of(rule.code, rule.severity),
        tolerance=config.tolerance,
        lines=lines,
        pages=pages or {},
        texts=texts or {},
        locate_doc=locate_doc,
    )
    doc = disclosure.meta.doc
    try:
        rule.fn(ctx)
    except Exception as exc:  # one broken rule must not hide the others' results
        return [], CoverageEntry(rule.code, doc, Status.ERROR, ctx.checks, 0, f"{type(exc).__name__}: {exc}")
    # What a rule could not check is kept even when it checked something else.
    partial = "部分未核对：" + "；".join(dict.fromkeys(ctx.missing_reasons)) if ctx.missing_reasons else ""
    if ctx.findings:
        status, reason = Status.FAILED, partial
    elif ctx.checks:
        status, reason = Status.PASSED, partial
    elif ctx.missing_reasons:
        status, reason = Status.INSUFFICIENT_DATA, "；".join(dict.fromkeys(ctx.missing_reasons))
    else:
        status, reason = Status.NOT_APPLICABLE, "；".join(dict.fromkeys(ctx.skip_reasons))
    return ctx.findings, CoverageEntry(rule.code, doc, status, ctx.checks, len(ctx.findings), reason)


def source_text(source: SourceDocument | None) -> tuple[tuple[tuple[int, str], ...], dict[int, int]]:
    """A source document's text line by line and each line's page, for the text rules."""
    if source is None:
        return (), {}
    lines = tuple((ln.source.line or ln.no, ln.text) for ln in source.lines)
    pages = {ln.source.line or ln.no: ln.source.page for ln in source.lines if ln.source.page is not None}
    return lines, pages


def check_disclosure(
    disclosure: Disclosure,
    config: Config | None = None,
    path: str | None = None,
    diagnostics: tuple[Diagnostic, ...] = (),
    lines: tuple[tuple[int, str], ...] = (),
    pages: Mapping[int, int] | None = None,
) -> DocumentReport:
    """Run every enabled rule. ``lines`` (line number, text) lets text rules see what the
    parser did not keep (e.g. a template table it could not recognise); ``pages`` (line
    number -> page) puts a page on every finding that has a line."""
    config = config or Config()
    findings: list = []
    coverage: list[CoverageEntry] = []
    for code, rule in all_rules().items():
        if not config.enabled(code):
            continue
        found, entry = run_rule(rule, disclosure, config, lines, pages)
        findings += found
        coverage.append(entry)
    return DocumentReport(
        doc=disclosure.meta.doc,
        path=path or disclosure.meta.path,
        disclosure=disclosure,
        findings=tuple(findings),
        coverage=tuple(coverage),
        diagnostics=diagnostics,
    )
