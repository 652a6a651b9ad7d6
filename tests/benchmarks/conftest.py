"""Running a benchmark script with ``--quick`` in its own process group, the way CI does."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


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
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    return left


@pytest.fixture
def run_quick():
    """``run_quick("dpop.py")`` -> its output, after checking it exited 0 and left no
    process behind (the script, gunicorn and the load generator share one group)."""

    def run(script: str, timeout: int = 180) -> str:
        proc = subprocess.Popen(
            [sys.executable, str(BENCHMARKS / script), "--quick"], cwd=BENCHMARKS.parent, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # the scripts clean up on SIGTERM
            try:
                output, _ = proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                output, _ = proc.communicate()
            _end_group(proc.pid)
            raise AssertionError(f"{script} --quick did not finish in {timeout} s:\n{output[-4000:]}") from None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        leftovers = _end_group(proc.pid)
        assert proc.returncode == 0, output[-5000:]
        assert not leftovers, f"processes left behind: {leftovers}"
        return output

    return run
