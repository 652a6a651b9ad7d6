"""The PAR benchmark script runs end to end (``--quick``).

Only that it works and prints its tables, round trips, write counts and ratio lines is
checked; speed is never asserted. The script brings up its own gunicorn, database, cache
key prefix and Celery queue, so no DB fixture is used.
"""

from __future__ import annotations

import re

NUMBER = r"\d+\.\d+"
# variant, label, then round trips, requests/s, p50 ms, p99 ms, CPU ms/req, queries/req, writes/req and 0 errors
ROW = r"^{variant}\s+\S.*\s{trips}\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+\d+\s+0$"
HEADER = r"^variant\s+trips\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+writes/req\s+errors$"
TRIPS = {"par": 1, "cc": 1, "classic": 2, "classic-reg": 1, "classic-par": 1, "pushed": 1}
RATIOS = ("ratio PAR/client_credentials", "ratio flows pushed/classic")


def test_par_benchmark_quick_run_prints_the_tables(run_quick):
    output = run_quick("par.py")

    tail = output[-5000:]
    assert len(re.findall(HEADER, output, re.MULTILINE)) == 2, tail  # PAR vs token, and the flows
    for variant, trips in TRIPS.items():
        row = ROW.format(variant=re.escape(variant), trips=trips)
        assert re.search(row, output, re.MULTILINE), f"no table row for {variant}:\n{tail}"
    for name in RATIOS:
        assert re.search(rf"^{re.escape(name)}\s+=\s+{NUMBER}\s", output, re.MULTILINE), f"no line {name!r}:\n{tail}"
    assert re.search(r"^round trips per flow: classic 2, pushed 1$", output, re.MULTILINE), tail
    assert re.search(r"^DB writes per flow: classic \d+ \(registration \d+ \+ PAR \d+\), pushed \d+$", output,
                     re.MULTILINE), tail
    assert re.search(rf"^ES256 verify alone \(cryptography\): {NUMBER} us$", output, re.MULTILINE), tail
