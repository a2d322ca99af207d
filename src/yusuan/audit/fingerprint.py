"""A finding's stable identity: what a reviewer's decision and a baseline entry are keyed by.

Two runs over the same document give the same fingerprint for the same finding, whatever the
file is called or where it lies: the rule, where in the document (table, row, column, page,
line) and the message (which carries the numbers). A changed number is a new finding.
"""

from __future__ import annotations

import hashlib

from yusuan.model import Finding


def fingerprint(finding: Finding) -> str:
    """16 hex digits, stable across runs, paths and re-ingests of the same document."""
    loc = finding.location
    parts = (finding.rule, loc.table or "", loc.row_code or "", loc.column or "",
             str(loc.source.page or ""), str(loc.source.line or ""), finding.message)
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
