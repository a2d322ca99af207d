"""``yusuan ingest --engine ray``: a local Ray instance (2 CPUs) stores exactly what a local
ingest stores, survives a worker killed in the middle of a document (the task is retried and
nothing partial is read), and fails a file over its time limit alone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.generated_corpus import scale_corpus
from tests.hostile_files import scanned_pdf
from tests.test_store_dataset import _dataset_state
from tests.test_store_kill import _state
from yusuan.isolation import Limits
from yusuan.store import ingest, open_store
from yusuan.store.dataset import CRASH_ENV, open_dataset
from yusuan.store.dataset_ingest import ingest_dataset

ray = pytest.importorskip("ray", reason="Ray not installed (pip install 'yusuan[ray]')")

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parent / "fixtures"




@pytest.fixture(scope="module")
def ray_session(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Ray with 2 CPUs; its workers die once, in the middle of writing a document."""
    marker = tmp_path_factory.mktemp("crash") / "crashed"
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {CRASH_ENV: str(marker)}})
    yield marker
    ray.shutdown()


def test_ray_ingest_equals_local_ingest_after_a_worker_dies_mid_document(
    ray_session: Path, tmp_path: Path
) -> None:
    corpus = scale_corpus(tmp_path / "corpus")
    con = open_store(tmp_path / "local.duckdb")
    local = ingest(con, [str(corpus)], workers=2)
    reference = _state(con)
    con.close()

    root = tmp_path / "data"
    summary = ingest_dataset(root, [str(corpus)], engine="ray", workers=2)
    assert ray_session.exists()  # a Ray worker died between a document's parts...
    assert int(ray_session.read_text()) != os.getpid()  # ...a worker, not this process
    assert (summary.new, summary.failed, summary.publications) == (local.new, local.failed, local.publications)
    assert summary.new >= 28
    state = _dataset_state(root)  # no partial document, none twice
    assert state == reference  # facts, claims, findings, … compared as sorted rows
    again = ingest_dataset(root, [str(corpus)], engine="ray", workers=2)
    assert (again.new, again.versions, again.unchanged) == (0, 0, local.new)


def test_a_file_over_its_time_limit_fails_alone_on_ray(ray_session: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    slow = folder / "scanned.pdf"
    slow.write_bytes(scanned_pdf(6))  # six pages to OCR: far more than 2 s however fast the machine
    for seed in ("000", "002"):
        shutil.copy(next((FIXTURES / "seeds").glob(f"{seed}_*.txt")), folder)
    root = tmp_path / "data"
    summary = ingest_dataset(root, [str(folder)], engine="ray", workers=2, limits=Limits(wall_seconds=2))
    assert (summary.new, summary.failed) == (2, 1)
    con = open_dataset(root)
    assert con.execute("SELECT path, reason FROM failures").fetchall() == [(str(slow), "timeout")]
    assert con.execute("SELECT count(DISTINCT doc_pk) FROM facts").fetchone()[0] == 2
    con.close()
