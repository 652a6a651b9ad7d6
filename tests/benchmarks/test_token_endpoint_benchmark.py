"""The token endpoint benchmark script runs end to end (``--quick``).

Only that it works and prints its table is checked; speed is never asserted. The script
brings up its own gunicorn, database and cache key prefix, so no DB fixture is used.
"""

from __future__ import annotations

import re

# variant, label, then requests/s, p50 ms, p99 ms, CPU ms/req, queries/req and 0 errors
ROW = r"^{variant}\s+\S.*\s\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+0$"
HEADER = r"^variant\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+errors$"


def test_benchmark_script_quick_run_prints_the_table(run_quick):
    output = run_quick("token_endpoint.py")

    assert re.search(HEADER, output, re.M), output[-4000:]
    for variant in ("a", "a2", "b", "x"):
        assert re.search(ROW.format(variant=variant), output, re.M), f"no table row for {variant}:\n{output[-4000:]}"
    assert re.search(r"^ratio b/a\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
    assert re.search(r"^ratio b/a2\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
    assert re.search(r"^ratio x/b\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
