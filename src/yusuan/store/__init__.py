"""The corpus store: many disclosures in one embedded DuckDB file, queryable across units
and years (documents, tables, facts with provenance, findings, narrative figures).

    >>> from yusuan.store import open_store, ingest, compare
    >>> con = open_store("yusuan.duckdb")
    >>> summary = ingest(con, ["disclosures/"])
    >>> compare(con, "three-public").rows
"""

from yusuan.store.ingest import IngestSummary, ingest
from yusuan.store.queries import QUESTIONS, Result, compare, run_sql
from yusuan.store.writer import DEFAULT_DB, StoreError, open_store

__all__ = [
    "DEFAULT_DB",
    "QUESTIONS",
    "IngestSummary",
    "Result",
    "StoreError",
    "compare",
    "ingest",
    "open_store",
    "run_sql",
]
