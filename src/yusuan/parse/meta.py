"""Document metadata. (Interim: minimal; replaced by the table parser's meta stage.)"""

from __future__ import annotations

from yusuan.ingest.document import SourceDocument
from yusuan.model import Diagnostic, Meta


def extract_meta(source: SourceDocument, doc_id: str) -> tuple[Meta, tuple[Diagnostic, ...]]:
    return Meta(doc=doc_id, path=source.path, unit_name=None, unit_code=None, year=None,
                format=source.format, sha256=source.sha256), ()
