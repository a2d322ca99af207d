"""Per real PDF: tables recognised, the share of arithmetic identity checks that hold, the
tables the parser marked uncertain (left to the coverage ledger) and the count of
"…不是金额" (P131: a word read where an amount belongs) diagnostics.

    .venv/bin/python benchmarks/identities_real_pdfs.py [DIR]   (default tests/fixtures/real)

An identity check is one comparison made by the arithmetic and hierarchy rules (SUM*, HIE001:
合计 = 基本 + 项目, 基本 = 人员 + 公用, 合计 = 资金来源之和, 合计行 = Σ 类, parent = Σ children,
"三公" items, 收支总表 sides, 政府采购 items and categories, group 小计s and income listings).
Each failed check is listed so it can be judged: a real defect in the document, or a parse miss.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from yusuan.api import parse
from yusuan.audit import Config, check_disclosure

RULES = ("SUM001", "SUM002", "SUM003", "SUM004", "SUM005", "SUM006", "SUM007", "SUM008", "SUM009", "HIE001")


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "tests/fixtures/real"
    pdfs = sorted(folder.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {folder}")
        return 2
    total_checks = total_failed = total_uncertain = total_p131 = 0
    print(f"{'document':<52}{'tables':>7}{'rows':>6}{'checks':>8}{'held':>7}{'share':>8}{'unc':>5}{'P131':>6}"
          f"{'s':>6}")
    for pdf in pdfs:
        t0 = time.perf_counter()
        disclosure, diagnostics = parse(pdf)
        if disclosure is None:
            print(f"{pdf.stem:<52} unreadable")
            continue
        report = check_disclosure(disclosure, Config(select=RULES))
        checks = sum(e.checks for e in report.coverage)
        failed = len(report.findings)
        rows = sum(len(t.rows) for t in disclosure.tables)
        uncertain = [t for t in disclosure.tables if t.uncertain]
        p131 = sum(1 for d in diagnostics if d.code == "P131")
        total_checks += checks
        total_failed += failed
        total_uncertain += len(uncertain)
        total_p131 += p131
        share = f"{(checks - failed) / checks:.1%}" if checks else "-"
        print(f"{pdf.stem[:51]:<52}{len(disclosure.tables):>7}{rows:>6}{checks:>8}{checks - failed:>7}{share:>8}"
              f"{len(uncertain):>5}{p131:>6}{time.perf_counter() - t0:>6.1f}")
        for f in report.findings:
            print(f"    {f.rule} {f.message[:150]}")
        for t in uncertain:
            print(f"    uncertain {t.id}: {'；'.join(t.uncertain)[:150]}")
    if total_checks:
        print(f"\nall: {total_checks - total_failed}/{total_checks} identity checks hold "
              f"({(total_checks - total_failed) / total_checks:.2%}); {total_uncertain} tables uncertain; "
              f"{total_p131} P131 diagnostics")
    return 0


if __name__ == "__main__":
    sys.exit(main())
