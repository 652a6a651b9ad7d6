"""The Dovecot login benchmark runs end to end (``--quick``): its table and ratio are
printed and no login failed; speed is never asserted."""

from __future__ import annotations

import re

from ..dovecot import require_dovecot

ROW = r"^{variant}\s+\S.*\s\d+\.\d\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d\s+0$"


def test_dovecot_benchmark_quick_run_prints_the_table(run_quick):
    require_dovecot()
    output = run_quick("dovecot.py")
    tail = output[-4000:]
    assert re.search(r"^variant\s+what\s+logins/s\s+p50 ms\s+p99 ms\s+AS CPU ms\s+errors$", output, re.MULTILINE), tail
    for variant in ("introspection", "cache"):
        assert re.search(ROW.format(variant=variant), output, re.MULTILINE), f"no row for {variant}:\n{tail}"
    assert re.search(r"^ratio cache/introspection = \d+\.\d\d$", output, re.MULTILINE), tail
