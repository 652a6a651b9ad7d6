"""The client authentication benchmark script runs end to end (``--quick``).

Only that it works and prints one row per method and its ratio lines is checked; speed
is never asserted. The script brings up its own gunicorn, database and cache key prefix.
"""

from __future__ import annotations

import re

NUMBER = r"\d+\.\d+"
ROW = r"^{variant}\s+\S.*\s\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+0$"
VARIANTS = ("pkjwt", "attest", "combined", "pkdpop")
RATIOS = ("attest/pkjwt", "combined/pkjwt", "combined/pkdpop", "combined/attest")


def test_client_auth_benchmark_quick_run_prints_the_table(run_quick):
    output = run_quick("client_auth_methods.py")

    tail = output[-4000:]
    assert re.search(r"^variant\s+method\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+errors$", output,
                     re.MULTILINE), tail
    for variant in VARIANTS:
        assert re.search(ROW.format(variant=variant), output, re.MULTILINE), f"no table row for {variant}:\n{tail}"
    for name in RATIOS:
        assert re.search(rf"^ratio {re.escape(name)} = {NUMBER}\s", output, re.MULTILINE), f"no line {name!r}:\n{tail}"
