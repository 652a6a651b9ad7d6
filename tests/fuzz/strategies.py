"""Hypothesis strategies that break valid JWTs: in their bytes, or re-signed with
claims and headers no verifier may accept."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
from hypothesis import strategies as st

B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
ODD = "=+/ .!\x00é\n"

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def deeply_nested(draw) -> str:
    """JSON text nesting arrays and objects far below the parsers' depth limit (up to
    the interpreter's recursion limit and past it), as raw text: ``json.dumps``
    itself could not write it."""
    depth = draw(st.integers(33, 6000))
    opens = draw(st.lists(st.sampled_from(['[', '{"a":']), min_size=depth, max_size=depth))
    leaf = json.dumps(draw(st.none() | st.integers() | st.text(max_size=5)))
    return "".join(opens) + leaf + "".join("]" if o == "[" else "}" for o in reversed(opens))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws(header: dict[str, Any], payload: Any, key: Any = None) -> str:
    """A compact JWS over exactly ``header`` and ``payload`` (no library defaults added);
    ``alg: none`` or an unknown alg gets an empty or arbitrary signature."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    algorithm = jwt.algorithms.get_default_algorithms().get(header.get("alg")) if isinstance(header.get("alg"), str) else None
    if algorithm is None or header.get("alg") == "none" or key is None:
        return signing_input + "." + b64(b"\x01" * 64 if header.get("alg") != "none" else b"")
    return signing_input + "." + b64(algorithm.sign(signing_input.encode(), algorithm.prepare_key(key)))


def _decoded(token: str) -> list[bytes | None]:
    out = []
    for part in token.split("."):
        try:
            out.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except ValueError:
            out.append(None)
    return out


def same_token(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` written differently (base64's spare bits): not a mutation."""
    return a.split(".")[:2] == b.split(".")[:2] and _decoded(a) == _decoded(b)


@st.composite
def byte_mutations(draw, token: str) -> str:
    """``token`` with one of its segments damaged, its segments reshuffled, or any text."""
    parts = token.split(".")
    kind = draw(st.sampled_from(["flip", "delete", "insert", "truncate", "replace", "segments", "garbage"]))
    if kind == "garbage":
        return draw(st.text(max_size=400))
    if kind == "segments":
        how = draw(st.sampled_from(["drop", "duplicate", "swap", "append"]))
        i, j = draw(st.integers(0, 2)), draw(st.integers(0, 2))
        if how == "drop":
            parts.pop(i)
        elif how == "duplicate":
            parts.insert(i, parts[i])
        elif how == "swap" and parts[i] != parts[j]:
            parts[i], parts[j] = parts[j], parts[i]
        else:
            parts.append(draw(st.text(alphabet=B64URL, max_size=40)))
        return ".".join(parts)
    i = draw(st.integers(0, len(parts) - 1))
    segment = parts[i]
    pos = draw(st.integers(0, max(len(segment) - 1, 0)))
    char = draw(st.sampled_from(B64URL + ODD))
    if kind == "flip":
        segment = segment[:pos] + char + segment[pos + 1:]
    elif kind == "delete":
        segment = segment[:pos] + segment[pos + 1:]
    elif kind == "insert":
        segment = segment[:pos] + char + segment[pos:]
    elif kind == "truncate":
        segment = segment[:pos]
    else:
        segment = draw(st.one_of(st.text(alphabet=B64URL, max_size=120), JSON.map(lambda v: b64(json.dumps(v).encode()))))
    parts[i] = segment
    return ".".join(parts)


def not_in(*values: Any):
    """JSON values other than ``values`` (True == 1 in Python: compared by type too)."""
    return JSON.filter(lambda v: not any(type(v) is type(x) and v == x for x in values))


def non_numbers_or(numbers):
    """``numbers``, or JSON values that are not numbers (null, an absent optional claim, excluded)."""
    return st.one_of(numbers, JSON.filter(lambda v: v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool))))


#: Drawn for a claim: the claim is removed.
REMOVED = object()
removed = st.just(REMOVED)
