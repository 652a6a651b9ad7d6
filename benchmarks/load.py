"""The load generator: threads in a spawned process without Django, and the batch of
figures one load makes. Kept apart from the stack so the child imports nothing else."""

from __future__ import annotations

import http.client
import itertools
import json
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

Request = tuple[str, str, dict[str, str], "bytes | None"]  # method, path, headers, body


def fire(port: int, requests: list[Request], concurrency: int, time_limit: float, expect: int | dict[str, int]) -> dict[str, Any]:
    """Send ``requests`` from ``concurrency`` threads, in a spawned process without Django.

    An answer other than ``expect`` (a status, or one per path) is an error. Latencies
    are kept by request index (None for requests the time limit cut off), and so is the
    ``client_id`` of each 201 JSON answer that has one. Sync workers close every
    connection: http.client reconnects per request (loopback)."""
    counter, gate = itertools.count(), threading.Barrier(concurrency + 1)
    latencies: list[float | None] = [None] * len(requests)
    client_ids: list[str | None] = [None] * len(requests)
    failures: list[str] = []  # list.append is atomic: the threads share it
    deadline = time.perf_counter() + time_limit

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        gate.wait()
        while (i := next(counter)) < len(requests) and time.perf_counter() < deadline:
            method, path, headers, body = requests[i]
            wanted = expect[path] if isinstance(expect, dict) else expect
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                if response.status != wanted:
                    failures.append(f"{path} HTTP {response.status}: {data[:200]!r}")
                elif response.status == 201:
                    client_ids[i] = json.loads(data).get("client_id")
            except (OSError, http.client.HTTPException, ValueError) as exc:
                conn.close()
                failures.append(repr(exc))
            latencies[i] = time.perf_counter() - t0
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    start = time.perf_counter()
    gate.wait()
    for thread in threads:
        thread.join()
    return {"elapsed": time.perf_counter() - start, "latencies": latencies, "errors": len(failures),
            "failures": failures[:3], "client_ids": client_ids}


@dataclass
class Batch:
    elapsed: float
    latencies: list[float]
    errors: int
    failures: list[str]
    cpu: float  # CPU seconds (user + system) of the gunicorn workers per request
    sent: list[float | None] = field(default_factory=list)  # latency by request index, None: cut off
    client_ids: list[str | None] = field(default_factory=list)  # by request index, from 201 answers

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    @classmethod
    def from_fire(cls, raw: dict[str, Any], cpu_seconds: float) -> Batch:
        """A batch from :func:`fire`'s answer and the workers' CPU seconds it took."""
        done = [x for x in raw["latencies"] if x is not None]
        return cls(raw["elapsed"], done, raw["errors"], raw["failures"], cpu_seconds / max(1, len(done)),
                   raw["latencies"], raw["client_ids"])

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]
