"""The consent benchmark script runs end to end (``--quick``): its tables and ratio
lines are printed; speed is never asserted."""

from __future__ import annotations

import re

NUMBER = r"\d+\.\d+"


def test_consent_benchmark_quick_run_prints_the_tables(run_quick):
    output = run_quick("consent.py")
    tail = output[-5000:]
    for name in ("grant", "prompt", "allow"):
        assert re.search(rf"^{name}\s+\S.*\s{NUMBER}\s+\d+$", output, re.MULTILINE), f"no row {name}:\n{tail}"
    assert re.search(rf"^ratio first authorization \(prompt\+allow\) / covered \(grant\) = {NUMBER}\s+queries \d+ vs \d+$",
                     output, re.MULTILINE), tail
    for variant in ("resource", "cc"):
        row = rf"^{variant}\s+\S.*\s{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+{NUMBER}\s+0$"
        assert re.search(row, output, re.MULTILINE), f"no row {variant}:\n{tail}"
    assert re.search(rf"^ratio refresh-for-resource / client_credentials = {NUMBER}$", output, re.MULTILINE), tail
