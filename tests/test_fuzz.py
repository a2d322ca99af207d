"""Fuzzing, quick profile: structured mutations of the real seeds (``tests/fuzzing.py``)
through every reader, the parser, the rules and the renderers, with hypothesis driving the
random choices. No input may crash a stage, make a rule fail, or be refused without a
Chinese error message. The long run is ``benchmarks/fuzz.py`` (≥ 100,000 cases); inputs
that once crashed are kept in tests/fixtures/fuzz and replayed here."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import fuzzing

# Deterministic (derandomize) so that CI runs the same cases; the benchmark explores.
_QUICK = {"text": 100, "html": 50, "xlsx": 40, "docx": 30, "pdf": 40}


def _settings(n: int):  # type: ignore[no-untyped-def]
    return settings(max_examples=n, deadline=None, database=None, derandomize=True, print_blob=True,
                    suppress_health_check=list(HealthCheck))


def _check(fmt: str, rnd) -> None:  # type: ignore[no-untyped-def]
    fmt, data = fuzzing.make_case(rnd, fmt)
    crashes = fuzzing.run_case(data, f"fuzz.{fuzzing.EXTENSIONS[fmt]}")
    assert not crashes, [c.signature + " " + c.message for c in crashes]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(_QUICK))
def test_mutated_seeds_never_crash(fmt: str) -> None:
    given(st.randoms(use_true_random=False))(_settings(_QUICK[fmt])(lambda rnd: _check(fmt, rnd)))()


REGRESSIONS = sorted(p for p in fuzzing.REGRESSIONS.glob("*") if p.is_file()) if fuzzing.REGRESSIONS.exists() else []


@pytest.mark.parametrize("path", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_inputs_that_once_crashed(path: Path) -> None:
    crashes = fuzzing.run_case(path.read_bytes(), path.name)
    assert not crashes, [c.signature + " " + c.message for c in crashes]
