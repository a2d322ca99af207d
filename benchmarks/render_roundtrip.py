"""parse -> render -> parse, per document and output format: what reads back, what check finds.

    .venv/bin/python benchmarks/render_roundtrip.py [--formats txt,docx,pdf] [FILES...]

Defaults: every seed and the real PDFs in tests/fixtures/real. Each document is parsed,
rendered with ``--force --fallback`` (so that every one is written) and read back by the
render's self-check. Printed per row: render seconds (compose, write, self-check), the
original's facts and how many the render lost or added, the generated claims and how many
did not read back, check findings (error/warning) on the original and on the render, and
the reasons left out as contradicting and the gaps filled with fallback wordings.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

from yusuan.api import parse
from yusuan.audit import check_disclosure
from yusuan.model import Severity
from yusuan.render import get_style, load_input, render
from yusuan.render.selfcheck import fact_keys

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = [*sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt")),
           *sorted((ROOT / "tests" / "fixtures" / "real").glob("*.pdf"))]


def _serious(findings) -> Counter[str]:
    return Counter(f.rule for f in findings if f.severity in (Severity.ERROR, Severity.WARNING))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--formats", default="txt,docx,pdf")
    parser.add_argument("--style", default="xinjiang")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args()
    print(f"{'document':<34}{'fmt':<5}{'s':>5}{'facts':>7}{'lost':>5}{'added':>6}{'claims':>7}{'unread':>7}"
          f"  findings before -> after; contradictions; gaps")
    with tempfile.TemporaryDirectory() as tmp:
        for path in args.files or DEFAULT:
            original, _ = parse(path)
            if original is None or not original.tables:
                print(f"{path.name[:33]:<34}(no tables read)")
                continue
            before = _serious(check_disclosure(original).findings)
            data, _ = load_input(path)
            for fmt in args.formats.split(","):
                out = Path(tmp) / f"{path.stem}.{fmt}"
                result = render(data, out, get_style(args.style), force=True, fallback=True)
                check = result.check
                want, got = fact_keys(original), fact_keys(check.parsed)
                lost, added = sum((want - got).values()), sum((got - want).values())
                unread = len(check.missing_claims) + len(check.extra_claims)  # generated claims not read back
                after = _serious(result.findings)
                print(f"{path.name[:33]:<34}{fmt:<5}{result.seconds:>5.1f}{sum(want.values()):>7}{lost:>5}{added:>6}"
                      f"{check.claims:>7}{unread:>7}  {dict(before) or '-'} -> {dict(after) or '-'}; "
                      f"{len(result.contradictions)}; {len(result.gaps)}")


if __name__ == "__main__":
    main()
