"""The DPoP benchmark script runs end to end (``--quick``).

Only that it works and prints its tables and ratio lines is checked; speed is never
asserted. The script brings up its own gunicorn, database and cache key prefix, so no
DB fixture is used.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from .test_token_endpoint_benchmark import _end_group

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "dpop.py"
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


def test_dpop_benchmark_quick_run_prints_the_tables():
    # Its own session and process group: the script, gunicorn and the load generator.
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--quick"], cwd=SCRIPT.parents[1], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        output, _ = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # the script cleans up on SIGTERM
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
        _end_group(proc.pid)
        raise AssertionError(f"dpop benchmark --quick did not finish in 180 s:\n{output[-4000:]}") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    leftovers = _end_group(proc.pid)

    tail = output[-5000:]
    assert proc.returncode == 0, tail
    assert not leftovers, f"processes left behind: {leftovers}"
    assert re.search(HEADER, output, re.MULTILINE), tail
    for variant in ("a", "a2", "b", "d", "mb", "md"):
        assert re.search(ROW.format(variant=variant), output, re.MULTILINE), f"no table row for {variant}:\n{tail}"
    assert re.search(RS_HEADER, output, re.MULTILINE), tail
    for label in RS_ROWS:
        assert re.search(rf"^\s*{re.escape(label)}.*\s{NUMBER}\s+{NUMBER}\s+\d+$", output, re.MULTILINE), f"no row {label!r}:\n{tail}"
    for name in RATIOS:
        assert re.search(rf"^{re.escape(name)}\s.*=\s+{NUMBER}", output, re.MULTILINE), f"no line {name!r}:\n{tail}"
