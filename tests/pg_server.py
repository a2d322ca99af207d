"""A throwaway PostgreSQL server for the tests: ``initdb`` + ``pg_ctl`` from the Debian
``postgresql`` package (``scripts/setup.sh`` installs it), listening only on a unix socket in a
temporary folder, trust authentication, no fsync. PostgreSQL refuses to run as root: as root
the server runs as the ``postgres`` user (``runuser``)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def bin_dir() -> Path | None:
    """The server's programs: pg_config's, else the newest /usr/lib/postgresql/N/bin."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if versions and (Path(versions[-1]) / "initdb").exists():
        return Path(versions[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yields a ``postgresql://`` URL of an empty database; stops and removes it."""
    binaries = bin_dir()
    if binaries is None:
        raise RuntimeError("PostgreSQL is not installed (scripts/setup.sh installs the Debian package)")
    folder = Path(tempfile.mkdtemp(prefix="yusuan-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run(_as_server_user([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "yusuan",
                                        "-E", "UTF8", "--no-sync", "--locale=C.UTF-8"]),
                       check=True, capture_output=True, env=env, timeout=120)  # fmt: skip
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=60"
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "60",
                                        "-l", str(folder / "log"), "start"]),
                       check=True, capture_output=True, env=env, timeout=120)  # fmt: skip
        yield f"postgresql://yusuan@/postgres?host={folder}"
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, env=env, timeout=60)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)
