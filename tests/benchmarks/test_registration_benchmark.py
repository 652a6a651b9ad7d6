"""The registration benchmark script runs end to end (``--quick``).

Only that it works and prints its tables, write counts and ratio lines is checked; speed
is never asserted. The script brings up its own gunicorn, database and cache key prefix,
so no DB fixture is used.
"""

from __future__ import annotations

import re

NUMBER = r"\d+\.\d+"
# variant, label, then requests/s, p50 ms, p99 ms, CPU ms/req, queries/req, writes/req and 0 errors
ROW = r"^{variant}\s+\S.*\s\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+\d+\s+0$"
HEADER = r"^variant\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+writes/req\s+errors$"
VARIANTS = ("reg-stateful", "reg-stateless", "first-stateful", "first-stateless", "steady-stateful",
            "steady-stateless", "dot")
RATIOS = ("ratio registrations stateless/stateful", "ratio first token request stateless/stateful",
          "ratio steady token stateless/stateful", "ratio steady token stateless/DOT clear",
          "ratio steady token stateful/DOT clear")


def test_registration_benchmark_quick_run_prints_the_tables(run_quick):
    output = run_quick("registration.py")

    tail = output[-5000:]
    assert len(re.findall(HEADER, output, re.MULTILINE)) == 2, tail  # registration and token tables
    for variant in VARIANTS:
        assert re.search(ROW.format(variant=re.escape(variant)), output, re.MULTILINE), f"no table row for {variant}:\n{tail}"
    for name in RATIOS:
        assert re.search(rf"^{re.escape(name)}\s+=\s+{NUMBER}", output, re.MULTILINE), f"no line {name!r}:\n{tail}"
    for mode in ("stateful", "stateless"):
        line = rf"^DB writes per registration, {mode}\s*: first of its variant \d+ \(\d+ queries\), every next \d+ \(\d+ queries\)"
        assert re.search(line, output, re.MULTILINE), f"no write count for {mode}:\n{tail}"
    assert re.search(rf"^ES256 verify alone \(cryptography\): {NUMBER} us; PBKDF2 alone .*: {NUMBER} ms$", output,
                     re.MULTILINE), tail
