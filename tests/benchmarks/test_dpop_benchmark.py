"""The DPoP benchmark script runs end to end (``--quick``).

Only that it works and prints its tables and ratio lines is checked; speed is never
asserted. The script brings up its own gunicorn, database and cache key prefix, so no
DB fixture is used.
"""

from __future__ import annotations

import re

NUMBER = r"\d+\.\d+"
# variant, label, then requests/s, p50 ms, p99 ms, CPU ms/req, queries/req and 0 errors
ROW = r"^{variant}\s+\S.*\s\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+0$"
HEADER = r"^variant\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+errors$"
RS_HEADER = r"^step\s+us/call\s+x ES256\s+queries$"
RS_ROWS = (
    "authenticate, TOKEN_VALIDATION=database", "authenticate, TOKEN_VALIDATION=jwt", "dpop.proofs.verify",
    "validate_access_token, database", "validate_access_token, jwt", "core.replay.claim_once",
    "ES256 verify alone (cryptography)",
)
RATIOS = ("ratio B/A", "ratio A/a", "ratio B/a", "ratio B/a2", "ratio md/mb", "RS ratio database", "RS ratio jwt")


def test_dpop_benchmark_quick_run_prints_the_tables(run_quick):
    output = run_quick("dpop.py")

    tail = output[-5000:]
    assert re.search(HEADER, output, re.MULTILINE), tail
    for variant in ("a", "a2", "b", "d", "mb", "md"):
        assert re.search(ROW.format(variant=variant), output, re.MULTILINE), f"no table row for {variant}:\n{tail}"
    assert re.search(RS_HEADER, output, re.MULTILINE), tail
    for label in RS_ROWS:
        assert re.search(rf"^\s*{re.escape(label)}.*\s{NUMBER}\s+{NUMBER}\s+\d+$", output, re.MULTILINE), f"no row {label!r}:\n{tail}"
    for name in RATIOS:
        assert re.search(rf"^{re.escape(name)}\s.*=\s+{NUMBER}", output, re.MULTILINE), f"no line {name!r}:\n{tail}"
