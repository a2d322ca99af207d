"""One render, checked before it is written.

1. Compose the document and read it back in the plain-text layout (fast): a reason the
   preparer wrote that ``check`` finds contradicting the numbers (its own arithmetic, or a
   direction against the change) is left out and reported — never printed as fact.
2. Inputs the document needs and the data lacks (``gaps``) stop the render with a list of
   what to fill, unless the documented fallback wordings are chosen (``fallback``).
3. Write the requested format to a temporary file beside the output, parse it, compare its
   facts and claims with what was meant (``selfcheck``) and run ``check`` on it. Any
   difference or error/warning finding stops the render — nothing is written — unless forced.
4. Move the file into place. A forced render, or one with fallback wordings, writes a render
   report beside it listing everything left out, filled in or found.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from yusuan.model import Disclosure, Finding, Severity
from yusuan.render.compose import Composed, compose
from yusuan.render.gaps import Gap
from yusuan.render.inputs import RenderInput, Subject
from yusuan.render.selfcheck import SelfCheck, self_check
from yusuan.render.styles import Style
from yusuan.render.writers import format_of, write
from yusuan.text import normalize, parse_amount, squash

# Rules about the wording of the narrative: a finding of theirs on a sentence that carries a
# preparer's reason may be about the reason.
_TEXT_RULES = ("NAR", "TXT", "TPL", "UNT")


@dataclass(frozen=True)
class Contradiction:
    """A reason from the input that the numbers contradict; left out of the document."""

    reason: str
    subjects: tuple[Subject, ...]
    finding: Finding


@dataclass(frozen=True)
class RenderResult:
    composed: Composed | None
    findings: tuple[Finding, ...]  # error and warning findings on what was (to be) written
    blocked: bool  # nothing was written
    audit_available: bool = True
    stop: str = ""  # why it was blocked: gaps | contradictions | findings | selfcheck
    gaps: tuple[Gap, ...] = ()
    contradictions: tuple[Contradiction, ...] = ()
    check: SelfCheck | None = None
    report: str | None = None  # path of the render report, when one was written
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)


def _title(d: Disclosure) -> str:
    from yusuan.render.compose import kind_word, scope_word

    return f"{d.meta.unit_name or ''}{d.meta.year or ''}年{scope_word(d)}{kind_word(d)}"


def _key(text: str) -> str:
    return squash(normalize(text)).rstrip("。.")


def _numbers(text: str) -> set[Decimal]:
    return {Decimal(m) for m in re.findall(r"\d+(?:\.\d+)?", squash(normalize(text)).replace(",", ""))}


def _contradictions(data: RenderInput, findings: tuple[Finding, ...], parsed: Disclosure) -> list[Contradiction]:
    """Reasons the findings on the read-back text point at: a text-rule finding on the line
    of a statement that carries a reason, or one whose figures are all printed in a reason
    of the section it is about (the arithmetic of "2024年拨付3.5万元，2025年拨付3万元，较上年少拨付5万元")."""
    stated = [(f.source.line, s.source.line, f.reason, f.refers_to) for s in parsed.narrative for f in s.figures
              if f.reason and f.source.line]
    reasons: dict[str, list[Subject]] = {}
    for subject, prior in data.prior.items():
        if prior.reason:
            reasons.setdefault(_key(prior.reason), []).append(subject)
    out: dict[tuple[str, Subject | None], Contradiction] = {}
    for f in findings:
        line = f.location.source.line
        if not f.rule.startswith(_TEXT_RULES) or line is None:
            continue
        # A reason against its statement's change is wrong there; a reason whose own numbers
        # do not add up is wrong wherever it is used.
        hits: list[tuple[str, Subject | None]] = [(r, ref) for at, _, r, ref in stated if at == line]
        named = {n for v in f.values.values() if (n := parse_amount(v)) is not None}
        if not hits and named:
            hits = [(r, None) for _, section, r, _ in stated if section == line and named <= _numbers(r)]
        for reason, subject in hits:
            used = reasons.get(_key(reason), [])
            subjects = tuple(used) if subject is None else tuple(x for x in used if x == subject)
            if subjects and (_key(reason), subject) not in out:
                out[(_key(reason), subject)] = Contradiction(reason, subjects, f)
    return list(out.values())


def _screen(composed: Composed, folder: Path) -> tuple[SelfCheck, Disclosure | None]:
    """The composed document read back from its plain-text layout."""
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "screen.txt"
        write(composed.blocks, path, "txt")
        check = self_check(path, composed.disclosure, composed.disclosure.meta.doc)
    return check, check.parsed


def render(data: RenderInput, output: str | Path, style: Style, force: bool = False, fmt: str | None = None,
           fallback: bool = False, today: date | None = None, report: str | Path | None = None) -> RenderResult:
    """Compose, check, write; see the module docstring. Never writes a file that failed its
    checks unless ``force``."""
    started = time.perf_counter()
    out = Path(output)
    fmt = fmt or format_of(out) or "html"
    folder = out.parent if str(out.parent) else Path(".")
    composed = compose(data, style, today=today)
    try:
        screen, parsed = _screen(composed, folder)
    except ImportError:  # the audit package is not there: nothing to screen with
        screen, parsed = None, None
    contradictions: list[Contradiction] = []
    if screen is not None and parsed is not None:
        contradictions = _contradictions(data, screen.findings, parsed)
        if contradictions:
            dropped = frozenset(s for c in contradictions for s in c.subjects)
            composed = compose(data, style, dropped=dropped, today=today)
            screen, _ = _screen(composed, folder)

    def result(stop: str, check: SelfCheck | None, findings: tuple[Finding, ...], written: bool) -> RenderResult:
        path = _write_report(out, report, composed, contradictions, check, findings) \
            if written and (force or fallback) else None
        return RenderResult(composed, findings, not written, screen is not None, stop, composed.gaps,
                            tuple(contradictions), check, path, time.perf_counter() - started)

    if composed.gaps and not fallback:
        return result("gaps", None, screen.findings if screen else (), False)
    if contradictions and not force:
        return result("contradictions", None, screen.findings if screen else (), False)
    if screen is not None and _errors(screen.findings) and not force:
        return result("findings", screen, screen.findings, False)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=out.suffix or f".{fmt}", dir=folder)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(composed.blocks, tmp, fmt, title=_title(composed.disclosure))
        check = self_check(tmp, composed.disclosure, composed.disclosure.meta.doc) if screen is not None else None
        if check is not None and not check.clean and not force:
            return result("selfcheck", check, check.findings, False)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return result("", check, check.findings if check else (), True)


def _errors(findings: tuple[Finding, ...]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)


def _write_report(out: Path, report: str | Path | None, composed: Composed, contradictions: list[Contradiction],
                  check: SelfCheck | None, findings: tuple[Finding, ...]) -> str | None:
    lines = report_lines(composed, contradictions, check, findings)
    if not lines:
        return None
    path = Path(report) if report else out.with_name(f"{out.stem}.生成报告.txt")
    head = [f"生成报告：{out.name}", ""]
    path.write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    return str(path)


def report_lines(composed: Composed, contradictions: list[Contradiction] | tuple[Contradiction, ...],
                 check: SelfCheck | None, findings: tuple[Finding, ...]) -> list[str]:
    """The render report: what was left out, filled in with a fallback wording, or found."""
    out: list[str] = []
    if contradictions:
        out.append("一、与表格数字矛盾、未写入文件的原因说明")
        for i, c in enumerate(contradictions, start=1):
            where = "、".join("/".join(x for x in s if x) for s in c.subjects)
            out.append(f"{i}. “{c.reason}”（用于 {where}）：{c.finding.rule} {c.finding.message}")
        out.append("")
    if composed.gaps:
        out.append("二、缺少的输入及所用的替代表述")
        for i, g in enumerate(composed.gaps, start=1):
            printed = f"印为“{g.printed}”" if g.printed else "相应表述未印出"
            out.append(f"{i}. {g.item}：{printed}（应在{g.where}填写）")
        out.append("")
    if check is not None and check.differences():
        out.append("三、读回文件与输入不一致之处")
        out += [f"{i}. {d}" for i, d in enumerate(check.differences(), start=1)]
        out.append("")
    if findings:
        out.append("四、对生成文件的审核发现（错误和警告）")
        out += [f"{i}. [{f.severity.value}] {f.rule} {f.message}" for i, f in enumerate(findings, start=1)]
        out.append("")
    return out
