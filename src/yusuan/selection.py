"""Which files a command takes: ``--include``/``--exclude`` globs (ingest, the web upload) and
the globs of ``per-file-ignores`` (check).

The rule, one for every caller:

- a pattern without ``/`` is matched against the file name (``*.pdf``, ``*说明*``);
- a pattern with ``/`` is matched against the path relative to ``root`` (the folder given on the
  command line, or the config file's folder), written with ``/``: ``*`` and ``?`` stay inside one
  folder, ``**`` crosses folders (``2024/**/*.pdf``, ``**/附件/*``);
- matching ignores case (``*.pdf`` takes ``A.PDF``);
- a file is selected when it matches some ``include`` pattern (or none is given) and no
  ``exclude`` pattern.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePath


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1:end]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.IGNORECASE | re.DOTALL)


def _relative(path: str | PurePath, root: str | PurePath | None) -> str:
    p = PurePath(path)
    if root is not None:
        with contextlib.suppress(ValueError):  # outside root: the path as given
            p = Path(os.path.abspath(p)).relative_to(os.path.abspath(root))
    return p.as_posix()


def matches(path: str | PurePath, pattern: str, root: str | PurePath | None = None) -> bool:
    """Whether ``pattern`` matches ``path`` (see the module doc)."""
    pattern = pattern.strip().replace("\\", "/")
    if not pattern:
        return False
    if "/" not in pattern:
        return bool(_regex(pattern).fullmatch(PurePath(path).name))
    return bool(_regex(pattern[2:] if pattern.startswith("./") else pattern).fullmatch(_relative(path, root)))


def selected(path: str | PurePath, include: Sequence[str] = (), exclude: Sequence[str] = (),
             root: str | PurePath | None = None) -> bool:
    """Whether a file passes ``include`` (any; all when empty) and ``exclude`` (none)."""
    if include and not any(matches(path, p, root) for p in include):
        return False
    return not any(matches(path, p, root) for p in exclude)
