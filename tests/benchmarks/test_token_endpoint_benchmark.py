"""The token endpoint benchmark script runs end to end (``--quick``).

Only that it works and prints its table is checked; speed is never asserted. The script
brings up its own gunicorn, database and cache key prefix, so no DB fixture is used.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "token_endpoint.py"
# variant, label, then requests/s, p50 ms, p99 ms, CPU ms/req, queries/req and 0 errors
ROW = r"^{variant}\s+\S.*\s\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+\d+\s+0$"
HEADER = r"^variant\s+requests/s\s+p50 ms\s+p99 ms\s+CPU ms/req\s+queries/req\s+errors$"


def _group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of the process group ``pgid``."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _end_group(pgid: int) -> list[int]:
    """Wait briefly for the group to empty, then kill what is left; return the leftovers."""
    deadline = time.monotonic() + 15
    while (left := _group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    if left:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left


def test_benchmark_script_quick_run_prints_the_table():
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
        raise AssertionError(f"benchmark --quick did not finish in 180 s:\n{output[-4000:]}") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    leftovers = _end_group(proc.pid)

    assert proc.returncode == 0, output[-4000:]
    assert not leftovers, f"processes left behind: {leftovers}"
    assert re.search(HEADER, output, re.M), output[-4000:]
    for variant in ("a", "a2", "b"):
        assert re.search(ROW.format(variant=variant), output, re.M), f"no table row for {variant}:\n{output[-4000:]}"
    assert re.search(r"^ratio b/a\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
    assert re.search(r"^ratio b/a2\s+=\s+\d+\.\d+", output, re.M), output[-4000:]
