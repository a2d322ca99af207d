"""Linking stored documents that are halves of one publication (DESIGN §4c).

Each stored document carries a publication id (``unit|year|kind|scope`` from its own
metadata). After an ingest run, the 文本 and 表格 halves of one publication — whether both
came in this run or one was stored before — are found among the latest documents, given one
id, and checked as one publication: their findings are replaced by the publication's, each
finding kept on the file it is about.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from yusuan.model import DocKind
from yusuan.publication import FileFacts, Key, group_halves, unit_key
from yusuan.store.extract import FINDING_COLUMNS, finding_rows, read
from yusuan.store.writer import insert_rows


def _facts(rows: list[tuple]) -> list[FileFacts]:
    out = []
    for _pk, _path, _doc, unit, year, kind, scope, parts, _pub in rows:
        key = Key(unit_key(unit), year, DocKind(kind) if kind else DocKind.BUDGET, scope)
        out.append(FileFacts(key, frozenset(p for p in (parts or "").split(",") if p)))
    return out


def link_publications(con: duckdb.DuckDBPyConnection, touched: Iterable[str] = (), check: bool = True) -> int:
    """Link the halves among the latest documents where one of them is in ``touched`` (paths
    written in this run); returns how many publications were linked. A candidate pair is
    re-read to confirm it (the 文本 file must name the unit where its cover does not)."""
    touched = set(touched)
    rows = con.execute(
        "SELECT id, path, doc, unit_name, year, kind, scope, parts, publication FROM documents "
        "WHERE is_latest AND parts IN ('tables', 'narrative') ORDER BY path"
    ).fetchall()
    linked = 0
    for pair in group_halves(_facts(rows)):
        members = [rows[i] for i in pair]
        if touched and not any(m[1] in touched for m in members):
            continue
        if _link(con, members, check):
            linked += 1
    return linked


def _link(con: duckdb.DuckDBPyConnection, members: list[tuple], check: bool) -> bool:
    from yusuan.audit.publication import FileToCheck, check_publication

    files = []
    for pk, path, *_ in members:
        disclosure, diagnostics, lines, pages = read(path)
        if disclosure is None:
            return False
        files.append((pk, FileToCheck(disclosure, path, diagnostics, lines, pages)))
    if group_halves([f.disclosure for _, f in files]) != [(0, 1)]:
        return False  # the file texts do not confirm the pair
    report = check_publication([f for _, f in files]) if check else None
    pub_id = _publication_id(report.disclosure.meta if report else None, members)
    pks = {f.disclosure.meta.doc: pk for pk, f in files}
    con.begin()
    try:
        for pk, _ in files:
            con.execute("UPDATE documents SET publication = ? WHERE id = ?", [pub_id, pk])
        if report is not None:
            con.execute(f"DELETE FROM findings WHERE doc_pk IN ({', '.join('?' * len(pks))})", list(pks.values()))
            rows = finding_rows(report.findings)
            narrative_pk = files[0][0]
            insert_rows(con, "findings", ("doc_pk", *FINDING_COLUMNS),
                        [(pks.get(r[0], narrative_pk), *r) for r in rows])
            for pk in pks.values():
                n = sum(1 for r in rows if pks.get(r[0], narrative_pk) == pk)
                con.execute("UPDATE documents SET n_findings = ?, audit_error = NULL WHERE id = ?", [n, pk])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return True


def _publication_id(meta, members: list[tuple]) -> str:  # type: ignore[no-untyped-def]
    if meta is not None:
        key = Key(unit_key(meta.unit_name), meta.year, meta.kind, meta.scope)
        return key.id
    a, b = (Key(unit_key(m[3]), m[4], DocKind(m[5]), m[6]) for m in members)
    return a.merged(b).id
