"""The status list benchmark script runs end to end (``--quick``).

Only that it works and prints its tables, ratio lines and targets is checked; speed is
never asserted. The script sets up its own database, AS key and cache key prefix, so no
DB fixture is used.
"""

from __future__ import annotations

import re

N = r"\d+\.\d+"
ENCODE_HEADER = (r"^bits\s+set bits ms\s+zlib 9 ms\s+sign ms\s+total ms\s+zlib 6 ms\s+raw B\s+zlib 9 B\s+zlib 6 B"
                 r"\s+lst chars$")
ENCODE_ROW = rf"^{{bits}}\s+{N}\s+{N}\s+{N}\s+{N}\s+{N}\s+\d+\s+\d+\s+\d+\s+\d+$"
ROWS = {  # label -> the header of its table
    "query alone (rebuild's SELECT, iterator)": "ms",
    "services.rebuild (query, encode, sign, swap)": "ms",
    "token_status, cached list": "us/call",
    "StatusArray[idx] alone": "us/call",
    "ES256 verify alone (cryptography)": "us/call",
    "token_status, cold (forget() first)": "us/call",
    "SELECT 1 round trip (same connection)": "us/call",
    "services.allocate": "us/call",
}
LINES = (
    rf"^ratio zlib9/zlib6 time 1-bit = {N}, size {N}; compressed/raw = {N}",
    rf"^ratio zlib9/zlib6 time 2-bit = {N}, size {N}; compressed/raw = {N}",
    rf"^peak memory: tracemalloc {N} MiB",
    r"^sizes: raw bit array 4096 B, zlib 9 \d+ B",  # --quick: 20,000 rows in a list of 32,768
    rf"^ratio rebuild / in-memory encode\+sign \(1-bit\) = {N}$",
    rf"^ratio cached check / StatusArray\[idx\] = {N}$",
    rf"^ratio allocate / SELECT 1 = {N}$",
    rf"^without a rebuild\s+{N}\s+{N}\s+{N}\s+{N}\s+0$",
    rf"^during rebuilds\s+{N}\s+{N}\s+{N}\s+{N}\s+0$",
    rf"^ratio p99 during/without = {N}   \(per round: ",
    r"^rebuild of that list: \d+ ms alone, \d+ rebuilds.*backends waiting on a lock: \d+ in \d+ samples",
    rf"^  token p99 during a rebuild <= 1.2 x without \.\.\. {N}  (met|MISSED)$",
    rf"^  encode \+ sign 1-bit <= 1 s \.\.\. {N} s  (met|MISSED)",
    rf"^  encode \+ sign 2-bit <= 1 s \.\.\. {N} s  (met|MISSED)",
)


def test_status_list_benchmark_quick_run_prints_the_tables(run_quick):
    output = run_quick("status_list.py")

    assert re.search(r"^machine: nproc=\d+, CPU: ", output, re.MULTILINE), output[-4000:]
    assert re.search(ENCODE_HEADER, output, re.MULTILINE), output[-4000:]
    for bits in (1, 2):
        assert re.search(ENCODE_ROW.format(bits=bits), output, re.MULTILINE), f"no encode row for {bits} bits:\n{output[-4000:]}"
    for label, unit in ROWS.items():
        assert re.search(rf"^step\s+{re.escape(unit)}\s", output, re.MULTILINE), output[-4000:]
        assert re.search(rf"^{re.escape(label)}\s+{N}\s+{N}$", output, re.MULTILINE), f"no row {label!r}:\n{output[-4000:]}"
    for line in LINES:
        assert re.search(line, output, re.MULTILINE), f"no line {line!r}:\n{output[-4000:]}"
