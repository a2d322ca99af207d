"""Checking a publication published as several files (DESIGN §4c) as one.

Rules that read one file's own printed content (arithmetic inside a table, code lists,
wording, template leftovers: ``FILE_FAMILIES``) run on each file with its own source text.
Every other rule (completeness, tables against each other, narrative against tables) runs
once on the merged view (``yusuan.publication.merge``), and each finding names the file the
record it points at came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from yusuan.audit.config import Config
from yusuan.audit.engine import check_disclosure, run_rule
from yusuan.audit.registry import all_rules
from yusuan.audit.report import CoverageEntry, DocumentReport, Member
from yusuan.model import Diagnostic, Disclosure
from yusuan.publication import describe_parts, group_halves, merge, origin_of, parts_of

# Families whose rules read one file's own content and need its source text line by line.
FILE_FAMILIES = frozenset({"SUM", "HIE", "TPL", "TXT", "COD", "STF"})


@dataclass(frozen=True)
class FileToCheck:
    disclosure: Disclosure
    path: str | None = None
    diagnostics: tuple[Diagnostic, ...] = ()
    lines: tuple[tuple[int, str], ...] = ()
    pages: Mapping[int, int] = field(default_factory=dict)


def check_publication(files: Sequence[FileToCheck], config: Config | None = None) -> DocumentReport:
    """Check several files as the one publication they are; one report, findings per file."""
    config = config or Config()
    members = [f.disclosure for f in files]
    view = merge(members)
    # each file learns from the publication what it does not print itself (a 表格 file its year)
    files = [replace(f, disclosure=_filled(f.disclosure, view)) for f in files]
    locate = origin_of(members)
    texts = {f.disclosure.meta.doc: f.lines for f in files if f.lines}
    findings: list = []
    coverage: list[CoverageEntry] = []
    for code, rule in all_rules().items():
        if not config.enabled(code):
            continue
        if rule.family in FILE_FAMILIES:
            for f in files:
                found, entry = run_rule(rule, f.disclosure, config, f.lines, f.pages)
                findings += found
                coverage.append(entry)
        else:
            found, entry = run_rule(rule, view, config, texts=texts, locate_doc=locate)
            findings += found
            coverage.append(entry)
    return DocumentReport(
        doc=view.meta.doc,
        path=" + ".join(f.path or f.disclosure.meta.doc for f in files),
        disclosure=view,
        findings=tuple(findings),
        coverage=tuple(coverage),
        diagnostics=tuple(d for f in files for d in f.diagnostics),
        members=tuple(Member(f.disclosure.meta.doc, f.path, describe_parts(parts_of(f.disclosure))) for f in files),
    )


def _filled(d: Disclosure, view: Disclosure) -> Disclosure:
    m = d.meta
    return replace(d, meta=replace(m, unit_name=m.unit_name or view.meta.unit_name, year=m.year or view.meta.year,
                                   scope=m.scope or view.meta.scope))


def check_files(files: Sequence[FileToCheck], config: Config | None = None) -> list[DocumentReport]:
    """Check files given together: the halves of one publication as one, every other file on
    its own; reports in the order the files were given (a publication where its first file was)."""
    config = config or Config()
    groups = group_halves([f.disclosure for f in files])
    first_of: dict[int, tuple[int, ...]] = {}
    grouped: set[int] = set()
    for g in groups:
        ordered = tuple(sorted(g))
        first_of[ordered[0]] = g
        grouped.update(g)
    out: list[DocumentReport] = []
    for i, f in enumerate(files):
        if i in first_of:
            out.append(check_publication([files[j] for j in first_of[i]], config))
        elif i not in grouped:
            out.append(check_disclosure(f.disclosure, config, path=f.path, diagnostics=f.diagnostics,
                                        lines=f.lines, pages=f.pages))
    return out
