"""yusuan: Chinese public-sector budget disclosures as one canonical, validated dataset."""

from yusuan.api import parse
from yusuan.model import SCHEMA_ID, Disclosure, Finding

__all__ = ["SCHEMA_ID", "Disclosure", "Finding", "parse"]
__version__ = "0.1.0"
