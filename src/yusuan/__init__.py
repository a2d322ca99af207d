"""yusuan: Chinese public-sector budget disclosures as one canonical, validated dataset."""

from __future__ import annotations

from typing import TYPE_CHECKING

from yusuan import lazy

if TYPE_CHECKING:
    from yusuan.api import parse
    from yusuan.model import SCHEMA_ID, Disclosure, Finding

__all__ = ["SCHEMA_ID", "Disclosure", "Finding", "parse"]
__version__ = "0.1.0"

__getattr__ = lazy.exports(__name__, {"parse": "yusuan.api", "SCHEMA_ID": "yusuan.model",
                                      "Disclosure": "yusuan.model", "Finding": "yusuan.model"})
