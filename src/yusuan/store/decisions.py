"""Reviewers' decisions on findings: confirmed or dismissed, with a reason, who and when.

A decision is keyed by the file's content (``documents.sha256``) and the finding's
fingerprint (``yusuan.audit.fingerprint``), never by ``documents.id``: it holds for every
version and path with that content, so re-ingesting the same document keeps it. A dismissed
finding stays in ``findings`` (the audit said it) but is left out of ``open_findings``, of
counts and of exports.

    >>> decide(con, sha, fp, "dismissed", reason="表中数字为上年数", reviewer="王审")
    >>> dismissed(con)            # {(sha256, fingerprint), ...}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from yusuan.model import Finding, Location, Severity, Source

if TYPE_CHECKING:
    import duckdb

DECISIONS = {"confirmed": "已确认", "dismissed": "已排除"}
MAX_REASON = 500
MAX_REVIEWER = 60


class DecisionError(ValueError):
    """A decision that cannot be stored; the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Decision:
    sha256: str
    fingerprint: str
    decision: str  # confirmed | dismissed
    reason: str
    reviewer: str
    decided_at: datetime  # UTC
    rule: str = ""
    message: str = ""

    @property
    def label(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


def decide(
    con: duckdb.DuckDBPyConnection,
    sha256: str,
    fingerprint: str,
    decision: str | None,
    reason: str = "",
    reviewer: str = "",
    finding: Finding | None = None,
) -> Decision | None:
    """Record (or replace) the decision on one finding; ``decision`` None or "open" withdraws
    it. A dismissal needs a reason. Returns what is now stored."""
    reason, reviewer = (reason or "").strip(), (reviewer or "").strip()
    if decision in (None, "", "open"):
        con.execute("DELETE FROM decisions WHERE sha256 = ? AND fingerprint = ?", [sha256, fingerprint])
        return None
    if decision not in DECISIONS:
        raise DecisionError(f"不认识的审核结论“{decision}”。请用 confirmed（确认）或 dismissed（排除）。")
    if decision == "dismissed" and not reason:
        raise DecisionError("排除一条审核发现时须写明理由（例如“表中数字为上年数，规则误报”）。")
    if len(reason) > MAX_REASON or len(reviewer) > MAX_REVIEWER:
        raise DecisionError(f"理由最多 {MAX_REASON} 字，审核人最多 {MAX_REVIEWER} 字。请缩短后重试。")
    stored = Decision(sha256, fingerprint, decision, reason, reviewer, datetime.now(UTC).replace(tzinfo=None),
                      finding.rule if finding else "", finding.message if finding else "")
    con.execute(
        """INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256, fingerprint) DO UPDATE SET
           decision = excluded.decision, reason = excluded.reason, reviewer = excluded.reviewer,
           decided_at = excluded.decided_at, rule = excluded.rule, message = excluded.message""",
        [stored.sha256, stored.fingerprint, stored.decision, stored.reason, stored.reviewer, stored.decided_at,
         stored.rule, stored.message],
    )  # fmt: skip
    return stored


def decisions_for(con: duckdb.DuckDBPyConnection, sha256: str) -> dict[str, Decision]:
    """fingerprint -> decision, for one file's content ({} for a database without decisions)."""
    if not has_decisions(con):
        return {}
    rows = con.execute(
        "SELECT sha256, fingerprint, decision, reason, reviewer, decided_at, rule, message FROM decisions "
        "WHERE sha256 = ?", [sha256]
    ).fetchall()
    return {r[1]: Decision(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5], r[6] or "", r[7] or "") for r in rows}


def dismissed(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """Every dismissed (sha256, fingerprint): what counts and exports leave out."""
    if not has_decisions(con):
        return set()
    return {(s, f) for s, f in con.execute("SELECT sha256, fingerprint FROM decisions WHERE decision = 'dismissed'")
            .fetchall()}  # fmt: skip


def open_only(findings: Iterable[Finding], sha256: str, dropped: set[tuple[str, str]]) -> list[Finding]:
    """The findings of one file that are not dismissed."""
    from yusuan.audit.fingerprint import fingerprint

    return [f for f in findings if (sha256, fingerprint(f)) not in dropped]


def fill_fingerprints(con: duckdb.DuckDBPyConnection) -> int:
    """Give stored findings written before fingerprints were stored their fingerprint (from
    the stored columns, exactly as ``fingerprint`` computes it from the finding)."""
    from yusuan.audit.fingerprint import fingerprint

    rows = con.execute(
        'SELECT rowid, rule, table_id, row_code, "column", page, line, message FROM findings '
        "WHERE fingerprint IS NULL"
    ).fetchall()
    if not rows:
        return 0
    fps = [fingerprint(Finding(rule, Severity.INFO, message, Location("", table, code, None, column,
                                                                        Source(line=line, page=page))))
           for _, rule, table, code, column, page, line, message in rows]  # fmt: skip
    con.execute(
        "UPDATE findings SET fingerprint = m.fp FROM (SELECT unnest(?::BIGINT[]) AS rid, unnest(?::VARCHAR[]) AS fp) m "
        "WHERE findings.rowid = m.rid",
        [[r[0] for r in rows], fps],
    )
    return len(rows)


def has_decisions(con: duckdb.DuckDBPyConnection) -> bool:
    """False for a database of schema version 4 or older opened read-only (nothing decided)."""
    row = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'decisions'").fetchone()
    return bool(row and row[0])
