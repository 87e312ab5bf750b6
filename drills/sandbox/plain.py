"""Plain data across the sandbox boundary: tagged JSON that keeps tuple, set and big ints.

`encode` runs inside the sandbox on whatever the answer returned and reads subclasses only
through their base type's own methods, so an overridden `__eq__`, `__iter__` or `__class__`
changes nothing. `decode` runs outside on untrusted bytes and accepts only the exact shapes
`encode` produces.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

MAX_DEPTH = 100
_BIG_INT_BITS = 8000  # decimal conversion of larger ints is refused by Python's digit limit


class NotPlain(Exception):
    """The value holds something other than None, bool, int, float, str, list, tuple, dict, set."""


def type_name(value: object) -> str:
    t = type(value)
    try:
        module = type.__dict__["__module__"].__get__(t)
        name = type.__dict__["__qualname__"].__get__(t)
        text = name if module in ("builtins", None) else f"{module}.{name}"
    except Exception:
        text = "an unknown type"
    return str.__str__(text)[:80] if isinstance(text, str) else "an unknown type"


def encode(value: object, depth: int = 0) -> object:
    """Turn a returned value into JSON-ready data, or raise NotPlain naming what was found."""
    if depth > MAX_DEPTH:
        raise NotPlain(f"a value nested more than {MAX_DEPTH} levels deep")
    t = type(value)
    if value is None:
        return None
    if t is bool:
        return value
    if issubclass(t, int):
        n = int.__int__(value)  # type: ignore[arg-type]
        if n.bit_length() > _BIG_INT_BITS:
            return {"int": format(n, "x")}
        return n
    if issubclass(t, float):
        x = float.__float__(value)  # type: ignore[arg-type]
        if math.isfinite(x):
            return x
        return {"float": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}
    if issubclass(t, str):
        return str.__str__(value)
    if issubclass(t, list):
        return _items(list.__iter__(value), depth)  # type: ignore[arg-type]
    if issubclass(t, tuple):
        return {"tuple": _items(tuple.__iter__(value), depth)}  # type: ignore[arg-type]
    if issubclass(t, dict):
        items: Iterable[tuple[object, object]] = dict.items(value)  # type: ignore[arg-type]
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in items]}
    if issubclass(t, frozenset):
        return {"set": _items(frozenset.__iter__(value), depth)}  # type: ignore[arg-type]
    if issubclass(t, set):
        return {"set": _items(set.__iter__(value), depth)}  # type: ignore[arg-type]
    raise NotPlain(f"a value of type {type_name(value)}")


_BIG = 1 << _BIG_INT_BITS
_SIMPLE = (str, bool, type(None))


def _items(iterator: object, depth: int) -> list:
    """Encode container members; flat containers of one scalar type take a fast path."""
    values = list(iterator)  # type: ignore[call-overload]
    types = set(map(type, values)) if len(values) > 32 else ()
    if len(types) == 1:
        (t,) = types
        if t in _SIMPLE:
            return values
        if t is int and -_BIG < min(values) and max(values) < _BIG:
            return values
        if t is float and all(map(math.isfinite, values)):
            return values
    out: list = []
    append = out.append
    for v in values:
        t = type(v)
        if t in _SIMPLE or (t is int and -_BIG < v < _BIG) or (t is float and v - v == 0):
            append(v)
        else:
            append(encode(v, depth + 1))
    return out


_SCALARS = (int, str, float, bool, type(None))


class Malformed(ValueError):
    """Bytes from the sandbox that `encode` could not have produced."""


def _reject_constant(name: str) -> object:
    raise Malformed(f"unexpected {name}")


_decoder = json.JSONDecoder(parse_constant=_reject_constant)


def loads(text: bytes | str) -> object:
    """Strict JSON: no NaN or Infinity tokens, bounded nesting."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return _decoder.decode(text)
    except (ValueError, RecursionError, UnicodeDecodeError) as e:
        raise Malformed(str(e)[:200]) from None


def decode(data: object, depth: int = 0) -> object:
    """Rebuild a value from tagged data; sets become frozensets so they can nest."""
    if depth > MAX_DEPTH + 2:
        raise Malformed("nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        return [v if type(v) in _SCALARS else decode(v, depth + 1) for v in data]
    if type(data) is dict and len(data) == 1:
        ((tag, body),) = data.items()
        try:
            if tag == "tuple" and type(body) is list:
                return tuple(decode(v, depth + 1) for v in body)
            if tag == "set" and type(body) is list:
                return frozenset(decode(v, depth + 1) for v in body)
            if tag == "dict" and type(body) is list:
                out = {}
                for pair in body:
                    if type(pair) is not list or len(pair) != 2:
                        raise Malformed("bad dict entry")
                    out[decode(pair[0], depth + 1)] = decode(pair[1], depth + 1)
                return out
        except TypeError as e:  # an unhashable set member or key
            raise Malformed(str(e)) from None
        if tag == "int" and type(body) is str and 0 < len(body) < 100_000:
            try:
                return int(body, 16)
            except ValueError:
                raise Malformed("bad big int") from None
        if tag == "float" and body in ("nan", "inf", "-inf"):
            return float(body)
    raise Malformed(f"unexpected {type(data).__name__} in value")
