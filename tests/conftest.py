from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return SEEDS


def seed(prefix: str) -> Path:
    """A seed document by its number prefix ("000")."""
    return next(p for p in SEEDS if p.name.startswith(prefix))
