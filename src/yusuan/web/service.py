"""What the pages ask of the server, behind the routes: accept uploads, ingest them into the
corpus in the background, and say where each document stands.

An upload is stored (``library.Uploads``) and queued; a background job passes it to the
store's own ``ingest`` (the same code path, checks and limits as ``yusuan ingest``) through
the server's database connection. A document page needs the parsed model, which is
computed once by another background job when the page is first asked for, and only for
documents that ingest accepted (a file refused by ingest's limits is never parsed again
here). Until then pages say 排队中/处理中 and refresh themselves.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from yusuan.store.ingest import IngestAborted, ingest
from yusuan.web.checks import Checker
from yusuan.web.corpus import Corpus, StoredDoc
from yusuan.web.corpusdb import CorpusDb, CorpusUnavailable
from yusuan.web.jobs import NORMAL, URGENT, Jobs
from yusuan.web.library import Analyses, Analysis, Parser, StoredFile, Uploads

_RETRY_MAX_S = 30.0
_BUSY = "数据库正被另一个进程使用（可能有 ingest 正在运行），稍后自动刷新。"


class Busy(Exception):
    """Too much work is queued; the message is Chinese."""


@dataclass(frozen=True)
class DocState:
    """Where one document stands: ``ready`` (analysis), ``pending`` (message says what it waits
    for), ``failed`` (message says why it is not in the corpus), or ``missing``."""

    kind: str
    analysis: Analysis | None = None
    message: str = ""
    upload: StoredFile | None = None
    stored: StoredDoc | None = None


@dataclass(frozen=True)
class UploadState:
    file: StoredFile
    label: str  # 已入库 | 排队中 | 处理中 | 等待数据库 | 未入库
    detail: str = ""
    sha_in_corpus: bool = False


class Service:
    def __init__(
        self,
        data_dir: Path,
        db: Path,
        *,
        parse_workers: int = 1,
        max_queued: int = 200,
        parser: Parser | None = None,
        checker: Checker | None = None,
        idle_close_s: float = 5.0,
    ) -> None:
        self.uploads = Uploads(data_dir)
        self.analyses = Analyses(data_dir, parser=parser, checker=checker)
        self.db = CorpusDb(db, idle_close_s=idle_close_s)
        self.corpus = Corpus(self.db, self._upload_name)
        self.jobs = Jobs(workers=parse_workers, max_queued=max_queued)
        self._lock = threading.Lock()
        self._waiting: dict[str, str] = {}  # sha -> why its ingest waits (database busy)
        self._failed: dict[str, str] = {}  # sha -> why ingest refused it (this run)
        self._stopped = False

    # ------------------------------------------------------------------ uploads

    def _upload_name(self, path: str) -> str | None:
        sha = self.uploads.owns(path)
        found = self.uploads.get(sha) if sha else None
        return found.filename if found else None

    def queue_ingest(self, files: list[StoredFile]) -> None:
        """Queue each file for ingest; ``Busy`` when the queue has no room for all of them."""
        if self.jobs.room() < len(files):
            raise Busy(f"服务器正在处理的文件过多（{self.jobs.busy()} 个），请稍后再上传。")
        for f in files:
            if not self.jobs.submit(f"ingest:{f.sha}", lambda sha=f.sha: self._ingest(sha), NORMAL):
                raise Busy(f"服务器正在处理的文件过多（{self.jobs.busy()} 个），请稍后再上传。")

    def resume(self) -> int:
        """Queue the uploads that are neither in the corpus nor recorded as failed (the server
        stopped before it finished them); returns how many."""
        states = self.upload_states(self.uploads.all(), queue_unknown=False)
        todo = [s.file for s in states if s.label == "待入库"]
        for f in todo[: self.jobs.room()]:
            self.jobs.submit(f"ingest:{f.sha}", lambda sha=f.sha: self._ingest(sha), NORMAL)
        return len(todo)

    def _ingest(self, sha: str) -> None:
        path = self.uploads.path(sha)
        for attempt in itertools.count():
            if self._stopped:
                return
            try:
                with self.db.writing() as con:
                    summary = ingest(con, [str(path)], workers=1)
            except CorpusUnavailable as exc:
                if not exc.retry:
                    self._set(self._failed, sha, str(exc))
                    self._set(self._waiting, sha, None)
                    return
                self._set(self._waiting, sha, str(exc))
                time.sleep(min(_RETRY_MAX_S, 0.5 * 2**attempt))
                continue
            except IngestAborted as exc:
                self._set(self._failed, sha, str(exc))
                break
            self._set(self._failed, sha, self._clean(summary.failures[0][1], sha) if summary.failures else None)
            break
        self._set(self._waiting, sha, None)

    def _set(self, table: dict[str, str], sha: str, value: str | None) -> None:
        with self._lock:
            if value is None:
                table.pop(sha, None)
            else:
                table[sha] = value

    def _clean(self, message: str, sha: str) -> str:
        """A store message names the storage path; show the client's file name instead."""
        found = self.uploads.get(sha)
        return message.replace(str(self.uploads.path(sha)), found.filename if found else "该文件")

    def upload_states(self, files: list[StoredFile], queue_unknown: bool = True) -> list[UploadState]:
        """Where each upload stands. One not yet known to the corpus (the server was stopped, or
        the database was busy) is queued again when ``queue_unknown``."""
        docs, _ = self.corpus.documents()
        stored_paths = {d.path for d in docs}
        in_corpus = {d.sha for d in docs}
        rest = [f for f in files if str(self.uploads.path(f.sha)) not in stored_paths]
        failures = self.corpus.failures([str(self.uploads.path(f.sha)) for f in rest])
        out = []
        for f in files:
            path = str(self.uploads.path(f.sha))
            job = self.jobs.state(f"ingest:{f.sha}")
            with self._lock:
                waiting, failed = self._waiting.get(f.sha), self._failed.get(f.sha)
            if path in stored_paths:
                out.append(UploadState(f, "已入库", sha_in_corpus=True))
            elif waiting:
                out.append(UploadState(f, "等待数据库", waiting))
            elif job == "running":
                out.append(UploadState(f, "处理中", "正在解析和审核。"))
            elif job == "queued":
                ahead = self.jobs.position(f"ingest:{f.sha}")
                out.append(UploadState(f, "排队中", f"前面还有 {ahead} 个文件。" if ahead else ""))
            elif failed or (path in failures and failures[path][0] == f.sha):
                out.append(UploadState(f, "未入库", failed or self._clean(failures[path][1], f.sha),
                                       sha_in_corpus=f.sha in in_corpus))
            else:
                if queue_unknown:
                    self.jobs.submit(f"ingest:{f.sha}", lambda sha=f.sha: self._ingest(sha), NORMAL)
                out.append(UploadState(f, "待入库", "等待处理。"))
        return out

    # ------------------------------------------------------------------ documents

    def document(self, sha: str) -> DocState:
        """The document's analysis when it is ready; otherwise queue what it needs."""
        stored = self.corpus.by_sha(sha)
        upload = self.uploads.get(sha)
        if stored is None:
            if upload is None:
                if self.corpus.busy:  # it may well be there: say so rather than "not found"
                    return DocState("pending", message=_BUSY)
                return DocState("missing")
            state = self.upload_states([upload])[0]
            if state.label == "未入库":
                return DocState("failed", message=state.detail, upload=upload)
            return DocState("pending", message=f"{state.label}：{state.detail}".rstrip("："), upload=upload)
        found = self.analyses.get(sha)
        if found is not None:
            return DocState("ready", found, upload=upload, stored=stored)
        name = upload.filename if upload else Path(stored.path).name
        path = Path(stored.path)
        try:
            size, mtime = path.stat().st_size, path.stat().st_mtime
        except OSError:
            size, mtime = 0, 0.0
        info = StoredFile(sha, name, upload.size if upload else size, upload.uploaded if upload else mtime)
        if not self.jobs.submit(f"show:{sha}", lambda: self.analyses.compute(info, path, stored.doc), URGENT):
            raise Busy("服务器正在处理的文件过多，请稍后刷新本页。")
        return DocState("pending", message="正在准备文件页面（解析与审核结果）。", upload=upload, stored=stored)

    def stop(self, wait_s: float = 10.0) -> None:
        """No new work; queued uploads stay on disk (the next start resumes them); running work
        may finish for ``wait_s`` seconds."""
        self._stopped = True
        self.jobs.stop()
        self.jobs.wait_idle(wait_s)
        self.db.close()
