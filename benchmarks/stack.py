"""The stack every benchmark runs on (BENCHMARKS.md): the example project under gunicorn
with PostgreSQL and Redis on loopback, a per-run database and cache key prefix, and the
helpers to measure and clean up. Shared by the scripts in this folder."""

from __future__ import annotations

import http.client
import io
import itertools
import json
import math
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"


# ----------------------------------------------------------------- load generator (child process)

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

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed

    @classmethod
    def from_fire(cls, raw: dict[str, Any], cpu_seconds: float) -> Batch:
        """A batch from :func:`fire`'s answer and the workers' CPU seconds it took."""
        done = [x for x in raw["latencies"] if x is not None]
        return cls(raw["elapsed"], done, raw["errors"], raw["failures"], cpu_seconds / max(1, len(done)))

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)]


def stack_env(database: str, port: int, workdir: Path, prefix: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_DEBUG": "0",
        "DJANGO_CONN_MAX_AGE": "600",
        "OAUTH_EXT_SIGNING_KEY": str(workdir / "as-signing-key.private.jwk.json"),
        "OAUTH_EXT_ISSUER": f"http://127.0.0.1:{port}/o",
        "OAUTH_EXT_VAR_DIR": str(workdir),
        "CACHE_KEY_PREFIX": prefix,
        "OAUTH_EXT_LOG_LEVEL": "WARNING",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def setup_django(env: dict[str, str], workdir: Path, database: str) -> None:
    """Create and migrate the database, configure this process like the server, make the AS key."""
    done = subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], capture_output=True, text=True)
    if done.returncode and "already exists" not in done.stderr:
        raise SystemExit(f"createdb {database} failed: {done.stderr.strip()}")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("oauth_ext_keygen", out=str(workdir), name="as-signing-key", if_missing=True, stdout=io.StringIO())


class Gunicorn:
    """The example project under gunicorn; master and workers are stopped on exit."""

    def __init__(self, port: int, env: dict[str, str], workers: int, log: Path):
        self.port, self.env, self.workers, self.log = port, env, workers, log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        cmd = [sys.executable, "-m", "gunicorn", "example_project.wsgi:application", "--chdir", str(ROOT),
               "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class", "sync",
               "--log-level", "warning"]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env={**os.environ, **self.env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/o/.well-known/oauth-authorization-server")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"gunicorn did not come up (exit code {self.proc.poll()}):\n{self.log.read_text()[-2000:]}")

    def worker_cpu(self) -> float:
        """CPU seconds used so far by the master's children: robust to other load on the machine."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()  # fields 3.. of proc(5)
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                total += int(fields[11]) + int(fields[12])  # utime + stime, in ticks
        return total / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # the master stops its workers
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()  # its workers exit when they see their parent gone
                self.proc.wait()


def delete_cache_keys(prefix: str) -> None:
    import redis

    with redis.Redis.from_url(REDIS_URL) as client:
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)


def drop_database(name: str) -> None:
    done = subprocess.run(["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", name],
                          capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr.strip())


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown CPU")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"nproc={len(os.sched_getaffinity(0))}, CPU: {model}, Python {platform.python_version()}, load average now {load}"


def quietly(step: Callable[..., None], *args: Any) -> None:
    """Run a clean-up step without hiding the original error or skipping the other steps."""
    try:
        step(*args)
    except Exception as exc:  # noqa: BLE001
        print(f"clean-up {step.__name__} failed: {exc!r}", file=sys.stderr)
