"""A keyed permutation of ``range(size)``, so that consecutive tokens get unrelated
indices (draft §13 privacy: "the Status Issuer SHOULD ... choose the indices
randomly"). A four-round Feistel network over the next even power of two,
cycle-walked into range: a bijection, so no index is ever handed out twice.
"""

from __future__ import annotations

import hashlib
import hmac


def _round(key: bytes, number: int, value: int, bits: int) -> int:
    digest = hmac.new(key, number.to_bytes(1, "big") + value.to_bytes(8, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") & ((1 << bits) - 1)


def permute(position: int, size: int, key: bytes) -> int:
    """The index at ``position`` (0 <= position < size) of the permutation for ``key``."""
    if not 0 <= position < size:
        raise ValueError("position out of range")
    half = max(1, ((size - 1).bit_length() + 1) // 2)
    mask = (1 << half) - 1
    value = position
    while True:
        left, right = value >> half, value & mask
        for number in range(4):
            left, right = right, left ^ _round(key, number, right, half)
        value = (left << half) | right
        if value < size:
            return value
