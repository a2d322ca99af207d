"""Model records <-> JSON-ready data, and the JSON Schema of the model.

One generic walk over the dataclasses, so the JSON output and the schema can never drift
from ``yusuan.model``. Decimals are written as strings, exactly as printed ("3.00"), because
a JSON number would lose the printed precision that the audit's tolerance depends on.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from decimal import Decimal
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints

from yusuan import model
from yusuan.model import SCHEMA_ID, Diagnostic, Disclosure


def to_data(value: Any) -> Any:
    """Dataclass / Decimal / Enum / tuple / dict -> JSON-ready structures."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    return value


def document_data(disclosure: Disclosure, diagnostics: tuple[Diagnostic, ...] = ()) -> dict[str, Any]:
    data = to_data(disclosure)
    return {"schema": SCHEMA_ID, **data, "diagnostics": [to_data(d) for d in diagnostics]}


def from_data(cls: type, data: Any) -> Any:
    """Inverse of ``to_data`` for a model class (used to read canonical JSON back)."""
    return _convert(cls, data)


@functools.cache
def _hints(tp: type) -> dict[str, Any]:
    """A model class's field types, resolved once (resolving them dominates reading JSON back)."""
    return get_type_hints(tp)


def _convert(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _convert(args[0], data) if len(args) == 1 else data
    if tp is Decimal:
        return Decimal(str(data))
    if isinstance(tp, type) and issubclass(tp, Enum):
        return tp(data)
    if dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {f.name: _convert(hints[f.name], data[f.name]) for f in dataclasses.fields(tp) if f.name in data}
        return tp(**kwargs)
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], v) for v in data)
        return tuple(_convert(a, v) for a, v in zip(args, data, strict=False))
    if origin is dict:
        _, vt = get_args(tp)
        return {k: _convert(vt, v) for k, v in data.items()}
    return data


# --------------------------------------------------------------------------- schema


def _schema_of(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        return {"anyOf": [_schema_of(a, defs) for a in get_args(tp)]}
    if tp is type(None):
        return {"type": "null"}
    if tp is Decimal:
        return {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "decimal exactly as printed"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [m.value for m in tp]}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = get_type_hints(tp)
            defs[name] = {
                "type": "object",
                "properties": {f.name: _schema_of(hints[f.name], defs) for f in dataclasses.fields(tp)},
                "required": [f.name for f in dataclasses.fields(tp)],
                "additionalProperties": False,
            }
            if tp.__doc__:
                defs[name]["description"] = " ".join(tp.__doc__.split())
        return {"$ref": f"#/$defs/{name}"}
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema_of(args[0], defs)}
        return {"type": "array", "prefixItems": [_schema_of(a, defs) for a in args], "minItems": len(args),
                "maxItems": len(args)}
    if origin is dict:
        _, vt = get_args(tp)
        return {"type": "object", "additionalProperties": _schema_of(vt, defs)}
    if tp is typing.Any:
        return {}
    raise TypeError(f"no schema for {tp!r}")


def json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of one document as written by ``yusuan parse --format json``."""
    defs: dict[str, Any] = {}
    root = _schema_of(model.Disclosure, defs)
    disclosure = defs[root["$ref"].rsplit("/", 1)[1]]
    diag = _schema_of(model.Diagnostic, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "yusuan canonical budget disclosure",
        "type": "object",
        "properties": {
            "schema": {"const": SCHEMA_ID},
            **disclosure["properties"],
            "diagnostics": {"type": "array", "items": diag},
        },
        "required": ["schema", *disclosure["required"], "diagnostics"],
        "additionalProperties": False,
        "$defs": defs,
    }
