"""The corpus database: one DuckDB file (or one PostgreSQL database) holding every ingested
document.

One schema for every back end: ``TABLES``, ``VIEWS`` and ``MIGRATIONS`` are written in a
neutral SQL (the subset DuckDB and PostgreSQL share) with the neutral types BIGINT, INTEGER,
DOUBLE, BOOLEAN, TIMESTAMP, VARCHAR and DECIMAL(p,s); ``ddl(statement, dialect)`` turns a
statement into a back end's dialect (``DIALECT_TYPES``). Adding a table is one entry in
``TABLES`` (and a ``MIGRATIONS`` entry with a new ``SCHEMA_VERSION`` when databases of the
earlier version must gain it). ``yusuan.store.dataset`` derives the Parquet dataset's columns
from the same entries.

Identity and history: a document is a *file path*; each distinct content (sha256) seen at
that path is a *version* (1, 2, ...). Exactly one version per path is ``is_latest``; the
``latest_*`` views read only those. Every row of every other table hangs off
``documents.id`` (``doc_pk``), and a document with all its rows is written in one
transaction, so the database never holds half a document.

Money: ``value`` is the decimal exactly as printed (``value_text``, as in DESIGN §4) and as a
number in the printed unit; ``value_wan`` is the same amount in 万元 so units printed in 元
and 万元 compare (a table without a printed unit is taken to be in 万元, the common case).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the workers use the column types below without loading DuckDB
    import duckdb

SCHEMA_VERSION = 5

# Amounts: 18 integer digits, 6 decimals (a value printed in 元 to the fen is exact in 万元).
# A printed amount beyond that keeps its text (value_text) with the number left NULL.
MONEY = "DECIMAL(24,6)"
PERCENT = "DECIMAL(12,4)"

# Typed columns by name, wherever they occur (every other column is VARCHAR). The writer
# inserts through these types and ``yusuan.store.extract.fit_to_store`` keeps each value
# within them.
COLUMN_TYPES: dict[str, str] = {
    "doc_pk": "BIGINT", "table_no": "INTEGER", "row_no": "INTEGER", "row_level": "INTEGER", "n_rows": "INTEGER",
    "section_no": "INTEGER", "line": "INTEGER", "page": "INTEGER", "empty": "BOOLEAN", "confidence": "DOUBLE",
    "x0": "DOUBLE", "top": "DOUBLE", "x1": "DOUBLE", "bottom": "DOUBLE", "value": MONEY, "value_wan": MONEY,
    "amount": MONEY, "amount_wan": MONEY, "change_amount": MONEY, "change_amount_wan": MONEY,
    "share": PERCENT, "change_percent": PERCENT, "claim_no": "INTEGER", "statement_no": "INTEGER",
    "year": "INTEGER", "staff_authorized": "INTEGER", "staff_actual": "INTEGER", "staff_in_service": "INTEGER",
    "staff_retired": "INTEGER", "n_tables": "INTEGER", "n_facts": "INTEGER", "n_findings": "INTEGER",
}  # fmt: skip

TABLES: dict[str, str] = {
    "store_meta": """
        CREATE TABLE IF NOT EXISTS store_meta (
            key VARCHAR PRIMARY KEY,
            value VARCHAR
        )""",
    "documents": """
        CREATE TABLE IF NOT EXISTS documents (
            id BIGINT PRIMARY KEY,
            path VARCHAR NOT NULL,          -- absolute path: the document's identity
            doc VARCHAR NOT NULL,           -- document id used in facts/findings (file stem)
            sha256 VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            is_latest BOOLEAN NOT NULL,
            ingested_at TIMESTAMP NOT NULL,
            bytes BIGINT,
            format VARCHAR,
            unit_name VARCHAR,
            unit_code VARCHAR,
            year INTEGER,
            kind VARCHAR,
            scope VARCHAR,
            narrative_unit VARCHAR,
            parts VARCHAR,                  -- what the file holds: "tables,narrative", "tables", "narrative"
            publication VARCHAR,            -- publication id (unit|year|kind|scope): halves of one share it
            staff_authorized INTEGER,       -- 编制数
            staff_actual INTEGER,           -- 实有人数
            staff_in_service INTEGER,       -- 在职
            staff_retired INTEGER,          -- 退休
            n_tables INTEGER NOT NULL,
            n_facts INTEGER NOT NULL,
            n_findings INTEGER,             -- NULL: not checked (audit unavailable or disabled)
            audit_error VARCHAR,            -- why findings are missing when the audit failed
            parse_ms DOUBLE,
            UNIQUE (path, version)
        )""",
    "failures": """
        CREATE TABLE IF NOT EXISTS failures (
            path VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            failed_at TIMESTAMP NOT NULL,
            message VARCHAR NOT NULL,
            reason VARCHAR                  -- input, not_disclosure, internal, store, memory, timeout, cpu, crash
        )""",
    # Documents written but not yet looked at for a publication partner (DESIGN §4c): filled
    # in each document's own transaction, emptied as the pairs are linked, so a run killed
    # before linking links on the next run.
    "pending_links": """
        CREATE TABLE IF NOT EXISTS pending_links (
            path VARCHAR PRIMARY KEY
        )""",
    "tables": """
        CREATE TABLE IF NOT EXISTS tables (
            doc_pk BIGINT NOT NULL,
            table_no INTEGER NOT NULL,      -- order in the document, from 1
            table_id VARCHAR NOT NULL,      -- DESIGN §3 id
            title VARCHAR,
            number VARCHAR,
            unit VARCHAR,
            empty BOOLEAN,
            empty_reason VARCHAR,
            n_rows INTEGER,
            line INTEGER,
            page INTEGER
        )""",
    "facts": f"""
        CREATE TABLE IF NOT EXISTS facts (
            doc_pk BIGINT NOT NULL,
            doc VARCHAR NOT NULL,
            table_no INTEGER NOT NULL,
            table_id VARCHAR NOT NULL,
            row_no INTEGER NOT NULL,        -- order in its table, from 1
            row_code VARCHAR NOT NULL,
            row_name VARCHAR NOT NULL,
            row_level INTEGER,
            row_side VARCHAR,
            row_key VARCHAR,
            "column" VARCHAR NOT NULL,
            value_text VARCHAR NOT NULL,    -- exactly as printed
            value {MONEY},
            unit VARCHAR NOT NULL,          -- 元 | 万元 | '' (not printed)
            value_wan {MONEY},
            confidence DOUBLE,              -- < 1 when the column was inferred
            line INTEGER,
            page INTEGER,
            x0 DOUBLE, top DOUBLE, x1 DOUBLE, bottom DOUBLE,
            ref VARCHAR
        )""",
    "findings": """
        CREATE TABLE IF NOT EXISTS findings (
            doc_pk BIGINT NOT NULL,
            doc VARCHAR NOT NULL,
            rule VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            message VARCHAR NOT NULL,
            table_id VARCHAR,
            row_code VARCHAR,
            row_name VARCHAR,
            "column" VARCHAR,
            "values" VARCHAR,               -- JSON object name -> printed value
            confidence DOUBLE,
            line INTEGER,
            page INTEGER,
            x0 DOUBLE, top DOUBLE, x1 DOUBLE, bottom DOUBLE,
            ref VARCHAR,
            fingerprint VARCHAR             -- yusuan.audit.fingerprint: what a reviewer's decision is keyed by
        )""",
    # A reviewer's decision on a finding (docs/store.md): keyed by the file's content and the
    # finding's fingerprint, not by documents.id, so it holds for every version and path that
    # has this content (a re-ingest keeps it).
    "decisions": """
        CREATE TABLE IF NOT EXISTS decisions (
            sha256 VARCHAR NOT NULL,
            fingerprint VARCHAR NOT NULL,
            decision VARCHAR NOT NULL,      -- confirmed | dismissed
            reason VARCHAR,
            reviewer VARCHAR,
            decided_at TIMESTAMP NOT NULL,
            rule VARCHAR,                   -- the finding as it read when decided, for a reader of this table
            message VARCHAR,
            PRIMARY KEY (sha256, fingerprint)
        )""",
    "diagnostics": """
        CREATE TABLE IF NOT EXISTS diagnostics (
            doc_pk BIGINT NOT NULL,
            code VARCHAR NOT NULL,
            severity VARCHAR NOT NULL,
            message VARCHAR NOT NULL,
            table_id VARCHAR,
            line INTEGER,
            page INTEGER
        )""",
    # Amounts the narrative states (情况说明), with the change it states (比上年增加/减少).
    "figures": f"""
        CREATE TABLE IF NOT EXISTS figures (
            doc_pk BIGINT NOT NULL,
            doc VARCHAR NOT NULL,
            section_no INTEGER,             -- NULL for the structured statements below
            topic VARCHAR NOT NULL,         -- narrative topic, or three_public / operating_cost
            heading VARCHAR,
            subject VARCHAR NOT NULL,       -- what the amount is; for three_public the row key
            amount {MONEY},
            unit VARCHAR,
            amount_wan {MONEY},
            share {PERCENT},
            change_direction VARCHAR,       -- increase | decrease | flat
            change_amount {MONEY},
            change_amount_wan {MONEY},
            change_percent {PERCENT},
            reason VARCHAR,
            refers_table VARCHAR,
            refers_row VARCHAR,
            refers_column VARCHAR,
            sentence VARCHAR,
            line INTEGER,
            page INTEGER
        )""",
    # Every stated quantity of the narrative (DESIGN §4b, docs/claims.md), one per row.
    "claims": f"""
        CREATE TABLE IF NOT EXISTS claims (
            doc_pk BIGINT NOT NULL,
            doc VARCHAR NOT NULL,
            claim_no INTEGER NOT NULL,      -- order in the document, from 1
            section VARCHAR,
            code VARCHAR,                   -- 功能/经济 classification code the statement is about
            subject VARCHAR,
            table_id VARCHAR,               -- the cell it restates
            row_code VARCHAR,
            "column" VARCHAR,
            quantity VARCHAR NOT NULL,      -- amount, prior_amount, change_amount, change_pct, share_pct …
            value_text VARCHAR NOT NULL,    -- exactly as printed, signed for changes
            value {MONEY},
            unit VARCHAR NOT NULL,          -- 万元 | 元 | % | 辆 …
            value_wan {MONEY},              -- money claims in 万元
            basis VARCHAR,                  -- 预算 | 执行数 | 决算 | ''
            year INTEGER,
            key VARCHAR,                    -- the total or item it is about where no code applies
            statement_no INTEGER,           -- its statement (NULL: inside a reason, stated alone, a count)
            note VARCHAR,
            line INTEGER,
            page INTEGER
        )""",
}

VIEWS: dict[str, str] = {
    "latest_documents": "CREATE OR REPLACE VIEW latest_documents AS SELECT * FROM documents WHERE is_latest",
    "latest_facts": """CREATE OR REPLACE VIEW latest_facts AS
        SELECT f.* FROM facts f JOIN documents d ON d.id = f.doc_pk WHERE d.is_latest""",
    "latest_findings": """CREATE OR REPLACE VIEW latest_findings AS
        SELECT f.* FROM findings f JOIN documents d ON d.id = f.doc_pk WHERE d.is_latest""",
    # Latest findings a reviewer has not dismissed: what counts and exports show.
    "open_findings": """CREATE OR REPLACE VIEW open_findings AS
        SELECT f.* FROM findings f JOIN documents d ON d.id = f.doc_pk WHERE d.is_latest AND NOT EXISTS (
            SELECT 1 FROM decisions x WHERE x.sha256 = d.sha256 AND x.fingerprint = f.fingerprint
            AND x.decision = 'dismissed')""",
    "latest_figures": """CREATE OR REPLACE VIEW latest_figures AS
        SELECT f.* FROM figures f JOIN documents d ON d.id = f.doc_pk WHERE d.is_latest""",
    "latest_claims": """CREATE OR REPLACE VIEW latest_claims AS
        SELECT c.* FROM claims c JOIN documents d ON d.id = c.doc_pk WHERE d.is_latest""",
    # DESIGN §4b long format, exactly its columns, latest versions only.
    "claims_long": """CREATE OR REPLACE VIEW claims_long AS
        SELECT doc, page, line, section, code, subject, table_id AS "table", row_code, "column", quantity,
               value_text AS value, unit, basis, year
        FROM latest_claims ORDER BY doc, claim_no""",
    # DESIGN §4 long format, exactly its seven columns, latest versions only.
    "facts_long": """CREATE OR REPLACE VIEW facts_long AS
        SELECT doc, table_id AS "table", row_code, row_name, "column", value_text AS value, unit
        FROM latest_facts""",
}


# Schema changes for databases written by an earlier version: version -> statements that bring
# a database of the version before it up to that version (each idempotent).
MIGRATIONS: dict[int, tuple[str, ...]] = {
    2: (
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS parts VARCHAR",
        "ALTER TABLE documents ADD COLUMN IF NOT EXISTS publication VARCHAR",
    ),
    3: (),  # the claims table (created with the others)
    4: ("ALTER TABLE failures ADD COLUMN IF NOT EXISTS reason VARCHAR",),  # and the pending_links table
    # and the decisions table; the fingerprints of stored findings are filled in by
    # ``yusuan.store.decisions.fill_fingerprints``
    5: ("ALTER TABLE findings ADD COLUMN IF NOT EXISTS fingerprint VARCHAR",),
}


# Neutral type -> the back end's name for it, where they differ.
DIALECT_TYPES: dict[str, dict[str, str]] = {
    "duckdb": {},
    "postgres": {"DOUBLE": "DOUBLE PRECISION"},
}


def dialect_of(con: Any) -> str:
    """"duckdb" or "postgres" (``yusuan.store.postgres.PgConnection`` says so)."""
    return getattr(con, "dialect", "duckdb")


def ddl(statement: str, dialect: str) -> str:
    """A neutral statement (or a neutral column type) in ``dialect``."""
    names = DIALECT_TYPES[dialect]
    if not names:
        return statement
    return re.sub(r"\b(" + "|".join(map(re.escape, names)) + r")\b", lambda m: names[m[1]], statement)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create whatever is missing, bring an older database up to date (idempotent) and record
    the schema version. On PostgreSQL in one transaction under an advisory lock, so that
    several processes starting at once do not race."""
    dialect = dialect_of(con)
    if dialect == "postgres":
        con.begin()
        con.execute("SELECT pg_advisory_xact_lock(7240001)")
    try:
        for statement in TABLES.values():
            con.execute(ddl(statement, dialect))
        row = con.execute("SELECT value FROM store_meta WHERE key = 'schema_version'").fetchone()
        stored = int(row[0]) if row else SCHEMA_VERSION
        for version in sorted(v for v in MIGRATIONS if v > stored):
            for statement in MIGRATIONS[version]:
                con.execute(ddl(statement, dialect))
        if stored < 5 and dialect != "postgres":  # PostgreSQL stores start at version 5
            from yusuan.store.decisions import fill_fingerprints

            fill_fingerprints(con)
        con.execute("CREATE SEQUENCE IF NOT EXISTS documents_id START 1")
        for statement in VIEWS.values():
            con.execute(ddl(statement, dialect))
        con.execute(
            "INSERT INTO store_meta VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
    except BaseException:
        if dialect == "postgres":
            con.rollback()
        raise
    if dialect == "postgres":
        con.commit()
