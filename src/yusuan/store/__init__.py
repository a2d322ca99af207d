"""The corpus store: many disclosures in one embedded DuckDB file, queryable across units
and years (documents, tables, facts with provenance, findings, narrative figures).

    >>> from yusuan.store import open_store, ingest, compare
    >>> con = open_store("yusuan.duckdb")
    >>> summary = ingest(con, ["disclosures/"])
    >>> compare(con, "three-public").rows
"""

from typing import TYPE_CHECKING

from yusuan import lazy

if TYPE_CHECKING:
    from yusuan.store.ingest import IngestSummary, ingest
    from yusuan.store.queries import QUESTIONS, Result, compare, run_sql
    from yusuan.store.writer import DEFAULT_DB, StoreError, open_store

# Imported on first use: ``yusuan.store.extract`` (what a check worker runs) needs no DuckDB.
_MODULES = {"ingest": ("IngestSummary", "ingest"), "queries": ("QUESTIONS", "Result", "compare", "run_sql"),
            "writer": ("DEFAULT_DB", "StoreError", "open_store")}
__getattr__ = lazy.exports(__name__, {name: f"yusuan.store.{module}" for module, names in _MODULES.items()
                                      for name in names})

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
