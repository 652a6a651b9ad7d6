"""The comparison with node-oidc-provider runs end to end (``--quick``).

Only that it works and prints its table is checked; speed is never asserted. It needs
node and npm (and the npm registry): under ``CI=true`` their absence fails the test.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

# variant, then requests/s, p50 ms, p99 ms, CPU ms/req, DB trips, writes, 0 errors, last/first
ROW = r"^{variant}\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+{trips}\s+{writes}\s+0\s+\d+\.\d\d$"


def test_vs_peer_quick_run_prints_the_table(run_quick):
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI") == "true":
            pytest.fail("node and npm are required for benchmarks/vs_peer.py (apt-get install -y nodejs npm)")
        pytest.skip("node and npm are not installed")
    output = run_quick("vs_peer.py", timeout=420)

    for variant in ("ours:bearer", "ours:dpop", "ours\\+t:bearer", "ours\\+t:dpop"):
        row = ROW.format(variant=variant, trips=r"[0-3]", writes=r"\d")
        assert re.search(row, output, re.M), f"no table row for {variant}:\n{output[-4000:]}"
    for variant in ("ours\\+s:bearer", "ours\\+s:dpop", "ours\\+ts:bearer", "ours\\+ts:dpop"):  # stateless
        row = ROW.format(variant=variant, trips=r"[0-2]", writes=r"\d")
        assert re.search(row, output, re.M), f"no table row for {variant}:\n{output[-4000:]}"
    for variant in ("peer:bearer", "peer:dpop"):
        assert re.search(ROW.format(variant=variant, trips=r"0\*", writes=r"0\*"), output, re.M), output[-4000:]
    for kind in ("bearer", "dpop"):
        for ours in ("ours", "ours\\+s"):
            assert re.search(rf"^{ours}:{kind}/peer:{kind}\s+=\s+\d+\.\d\d\s+\(median per round", output, re.M), output[-4000:]
        assert re.search(rf"^ours\+t:{kind}/ours:{kind}\s+=\s+\d+\.\d\d", output, re.M), output[-4000:]
        assert re.search(rf"^ours\+s:{kind}/ours:{kind}\s+=\s+\d+\.\d\d", output, re.M), output[-4000:]
