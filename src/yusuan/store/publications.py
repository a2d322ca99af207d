"""Linking stored documents that are halves of one publication (DESIGN §4c).

Each stored document carries a publication id (``unit|year|kind|scope`` from its own
metadata). After an ingest run, the 文本 and 表格 halves of one publication — whether both
came in this run or one was stored before — are found among the latest documents, given one
id, and checked as one publication: their findings are replaced by the publication's, each
finding kept on the file it is about.
"""

from __future__ import annotations

import contextlib

import duckdb

from yusuan.isolation import Failed, Limits, WorkerPool
from yusuan.model import DocKind
from yusuan.publication import FileFacts, Key, group_halves, unit_key
from yusuan.store.extract import FINDING_COLUMNS, finding_rows, read
from yusuan.store.postgres import lock_for_write
from yusuan.store.writer import insert_rows


def _facts(rows: list[tuple]) -> list[FileFacts]:
    out = []
    for _pk, _path, _doc, unit, year, kind, scope, parts, _pub in rows:
        key = Key(unit_key(unit), year, DocKind(kind) if kind else DocKind.BUDGET, scope)
        out.append(FileFacts(key, frozenset(p for p in (parts or "").split(",") if p)))
    return out


def link_publications(con: duckdb.DuckDBPyConnection, check: bool = True, pool: WorkerPool | None = None) -> int:
    """Link the halves among the latest documents where one of them is waiting to be linked
    (``pending_links``: written since the last completed link step, in this run or in one
    that was killed); returns how many publications were linked. A candidate pair is re-read
    to confirm it (the 文本 file must name the unit where its cover does not) in a worker of
    ``pool``, under the same limits as any file."""
    touched = {p for (p,) in con.execute("SELECT path FROM pending_links").fetchall()}
    if not touched:
        return 0
    pairs = [members for members in candidate_pairs(con) if any(m[1] in touched for m in members)]
    linked = 0
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = stack.enter_context(WorkerPool(Limits(), 1))
        work = [(tuple(m[1] for m in members), check) for members in pairs]
        for index, result in pool.map_unordered(check_pair, work):
            members = pairs[index]
            if _store_link(con, members, None if isinstance(result, Failed) else result):
                linked += 1
    # what is left had no partner, or its pair was not confirmed: nothing to wait for
    con.execute("DELETE FROM pending_links")
    return linked


def candidate_pairs(con: duckdb.DuckDBPyConnection) -> list[list[tuple]]:
    """The pairs of halves among the latest documents, by their metadata (to be confirmed
    by ``check_pair``): each member is (id, path, doc, unit_name, year, kind, scope, parts,
    publication)."""
    rows = con.execute(
        "SELECT id, path, doc, unit_name, year, kind, scope, parts, publication FROM documents "
        "WHERE is_latest AND parts IN ('tables', 'narrative') ORDER BY path"
    ).fetchall()
    return [[rows[i] for i in pair] for pair in group_halves(_facts(rows))]


PairResult = tuple[str | None, dict[str, str], list[tuple] | None]


def check_pair(paths: tuple[str, ...], check: bool) -> PairResult | None:
    """Worker side: read both files, confirm they are one publication and check them as one.
    Returns (publication id, doc -> path, finding rows or None when not checked), or None
    when a file cannot be read or the texts do not confirm the pair."""
    from yusuan.audit.publication import FileToCheck, check_publication

    files = []
    for path in paths:
        disclosure, diagnostics, lines, pages = read(path)
        if disclosure is None:
            return None
        files.append(FileToCheck(disclosure, path, diagnostics, lines, pages))
    if group_halves([f.disclosure for f in files]) != [(0, 1)]:
        return None  # the file texts do not confirm the pair
    report = check_publication(files) if check else None
    pub_id = None
    if report is not None:
        meta = report.disclosure.meta
        pub_id = Key(unit_key(meta.unit_name), meta.year, meta.kind, meta.scope).id
    docs = {f.disclosure.meta.doc: f.path or "" for f in files}
    return pub_id, docs, finding_rows(report.findings) if report else None


def _store_link(con: duckdb.DuckDBPyConnection, members: list[tuple], result: PairResult | None) -> bool:
    """Write one checked pair in one transaction, taking its paths off the waiting list."""
    if result is None:
        return False
    pub_id, pks, by_pk = link_rows(members, result)
    con.begin()
    try:
        lock_for_write(con)
        for pk in pks:
            con.execute("UPDATE documents SET publication = ? WHERE id = ?", [pub_id, pk])
        if by_pk is not None:
            con.execute(f"DELETE FROM findings WHERE doc_pk IN ({', '.join('?' * len(pks))})", pks)
            insert_rows(con, "findings", ("doc_pk", *FINDING_COLUMNS),
                        [(pk, *r) for pk, rows in by_pk.items() for r in rows])
            for pk, rows in by_pk.items():
                con.execute("UPDATE documents SET n_findings = ?, audit_error = NULL WHERE id = ?", [len(rows), pk])
        con.execute(f"DELETE FROM pending_links WHERE path IN ({', '.join('?' * len(members))})",
                    [m[1] for m in members])
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return True


def link_rows(members: list[tuple], result: PairResult) -> tuple[str, list[int], dict[int, list[tuple]] | None]:
    """(publication id, the members' keys, finding rows by key or None when not checked) for
    a confirmed pair: each finding goes on the file it is about, those about the merged view
    on the first file."""
    pub_id, docs, rows = result
    pk_of_path = {m[1]: m[0] for m in members}
    pks = {doc: pk_of_path[path] for doc, path in docs.items()}
    if rows is None:
        return pub_id or _publication_id(members), list(pks.values()), None
    by_pk: dict[int, list[tuple]] = {pk: [] for pk in pks.values()}
    narrative_pk = members[0][0]
    for r in rows:
        by_pk.setdefault(pks.get(r[0], narrative_pk), []).append(r)
    return pub_id or _publication_id(members), list(pks.values()), by_pk


def _publication_id(members: list[tuple]) -> str:
    a, b = (Key(unit_key(m[3]), m[4], DocKind(m[5]), m[6]) for m in members)
    return a.merged(b).id
