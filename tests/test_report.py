"""JSON round trip and the public API."""

from __future__ import annotations

from decimal import Decimal

import yusuan
from yusuan.model import Disclosure
from yusuan.report.serialize import document_data, from_data, to_data

from .conftest import seed


def test_public_api_returns_model_and_diagnostics() -> None:
    disclosure, diagnostics = yusuan.parse(seed("000"))
    assert isinstance(disclosure, Disclosure)
    assert isinstance(diagnostics, tuple)
    total = disclosure.table("summary")
    assert total is not None


def test_json_round_trip_is_lossless() -> None:
    disclosure, _ = yusuan.parse(seed("002"))
    assert disclosure is not None
    data = document_data(disclosure)
    again = from_data(Disclosure, data)
    assert again == disclosure
    # decimals keep their printed precision in JSON
    assert to_data(Decimal("3.00")) == "3.00"


def test_api_never_raises_on_missing_file(tmp_path) -> None:
    disclosure, diagnostics = yusuan.parse(tmp_path / "nope.pdf")
    assert disclosure is None
    assert diagnostics[0].code == "I003"
