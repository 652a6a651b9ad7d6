"""The Status List byte array and its encoding (draft §4.1, §4.2)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from ..core import jose

VALID, INVALID, SUSPENDED = 0x00, 0x01, 0x02
BITS = (1, 2, 4, 8)


class StatusArray:
    """``size`` statuses of ``bits`` each, packed least significant bit first."""

    def __init__(self, size: int, bits: int, data: bytes | bytearray | None = None):
        if bits not in BITS:
            raise ValueError("bits must be 1, 2, 4 or 8")
        self.size, self.bits = size, bits
        self.per_byte = 8 // bits
        length = -(-size // self.per_byte)
        self.data = bytearray(data) if data is not None else bytearray(length)
        if len(self.data) < length:
            raise ValueError("byte array shorter than the list")

    def __getitem__(self, idx: int) -> int:
        if not 0 <= idx < self.size:
            raise IndexError(idx)
        shift = (idx % self.per_byte) * self.bits
        return (self.data[idx // self.per_byte] >> shift) & ((1 << self.bits) - 1)

    def __setitem__(self, idx: int, value: int) -> None:
        if not 0 <= idx < self.size:
            raise IndexError(idx)
        if not 0 <= value < (1 << self.bits):
            raise ValueError(f"status {value} does not fit in {self.bits} bits")
        shift = (idx % self.per_byte) * self.bits
        mask = ((1 << self.bits) - 1) << shift
        byte = idx // self.per_byte
        self.data[byte] = (self.data[byte] & ~mask & 0xFF) | (value << shift)

    def update(self, statuses: Iterable[tuple[int, int]]) -> None:
        for idx, value in statuses:
            self[idx] = value

    def compressed(self) -> bytes:
        return zlib.compress(bytes(self.data), 9)  # §4.1 (4): the highest level

    def lst(self) -> str:
        return jose.b64url_encode(self.compressed())

    @classmethod
    def from_lst(cls, lst: str, bits: int, *, max_bytes: int = 16 * 1024 * 1024) -> StatusArray:
        """Decode ``lst``; the list holds as many entries as its bytes can."""
        decompressor = zlib.decompressobj()
        data = decompressor.decompress(jose.b64url_decode(lst), max_bytes)
        if decompressor.unconsumed_tail:
            raise ValueError("status list larger than allowed")
        return cls(len(data) * (8 // bits), bits, data)
