"""The token endpoint benchmark script runs end to end (``--quick``).

Only that it works and prints its table is checked here; speed is never asserted. The
script brings up its own gunicorn, database and cache prefix, so no DB fixture is used.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "token_endpoint.py"
ROW = r"^{variant}\s+\S.*?\s(\d+\.\d)\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+0$"  # req/s p50 p99 CPU queries errors


def test_benchmark_script_quick_run_prints_the_table():
    # Own session: on a timeout the whole group (script, gunicorn, load generator) is ended.
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--quick"], cwd=SCRIPT.parents[1], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        output, _ = proc.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        raise AssertionError(f"benchmark --quick did not finish in 180 s:\n{output[-4000:]}") from None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    assert proc.returncode == 0, output[-4000:]
    assert re.search(r"^variant\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+errors$", output, re.M), output[-4000:]
    for variant in ("a", "a2", "b"):
        row = re.search(ROW.format(variant=variant), output, re.M)
        assert row, f"no table row for {variant}:\n{output[-4000:]}"
    assert re.search(r"^ratio b/a\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
    assert re.search(r"^ratio b/a2\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
