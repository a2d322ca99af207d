"""What ``check`` leaves out of a report: a baseline file and the config's per-file ignores.

A baseline (``check --write-baseline FILE``) lists the fingerprints (``audit.fingerprint``) of the
findings a reviewer has already seen; ``check --baseline FILE`` then reports only the others, so
a re-run shows what is new. The file is JSON, sorted, one entry per finding with its document,
rule and message beside the fingerprint so that a diff of the file reads::

    {"schema": "yusuan/baseline@1",
     "findings": [{"fingerprint": "3f0c…", "doc": "000", "rule": "SUM001", "message": "…"}]}
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from yusuan.audit.config import Config, ConfigError
from yusuan.audit.fingerprint import fingerprint
from yusuan.audit.report import CheckReport, DocumentReport
from yusuan.model import Finding
from yusuan.report.outputs import os_reason

SCHEMA = "yusuan/baseline@1"


def write_baseline(report: CheckReport, path: str | Path) -> int:
    """Write the fingerprints of ``report``'s findings to ``path``; returns how many."""
    entries = {fingerprint(f): {"fingerprint": fingerprint(f), "doc": f.location.doc, "rule": f.rule,
                                "message": f.message} for f in report.findings}
    payload = {"schema": SCHEMA, "findings": [entries[k] for k in sorted(entries)]}
    try:
        Path(path).write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"无法写入基线文件 {path}：{os_reason(exc)}。请检查路径和权限。") from None
    return len(entries)


def read_baseline(path: str | Path) -> frozenset[str]:
    """The fingerprints in a baseline file; a missing or malformed file is a ``ConfigError``."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"找不到基线文件 {path}。可先用 --write-baseline {path} 生成。") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"基线文件 {path} 无法读取（{exc}）。请用 --write-baseline 重新生成。") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ConfigError(f"基线文件 {path} 不是 yusuan 基线（缺少 \"schema\": \"{SCHEMA}\"）。"
                          "请用 --write-baseline 重新生成。")
    entries = data.get("findings")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("fingerprint"), str)
                                                for e in entries):
        raise ConfigError(f"基线文件 {path} 格式不对：findings 应为含 fingerprint 的记录列表。"
                          "请用 --write-baseline 重新生成。")
    return frozenset(e["fingerprint"] for e in entries)


def _path_of(report: DocumentReport, finding: Finding) -> str | None:
    for member in report.members:
        if member.doc == finding.location.doc:
            return member.path
    return report.path


def filter_report(report: CheckReport, config: Config, baseline: frozenset[str] = frozenset()
                  ) -> tuple[CheckReport, int, int]:
    """``report`` without the findings that ``config.per_file_ignores`` or ``baseline`` hide;
    also how many each hid."""
    by_file = by_baseline = 0
    documents = []
    for d in report.documents:
        kept = []
        for f in d.findings:
            path = _path_of(d, f)
            if path is not None and config.per_file_ignores and config.ignored_in(path, f.rule):
                by_file += 1
            elif baseline and fingerprint(f) in baseline:
                by_baseline += 1
            else:
                kept.append(f)
        documents.append(d if len(kept) == len(d.findings) else replace(d, findings=tuple(kept)))
    return CheckReport(tuple(documents)), by_file, by_baseline
