"""The stack every benchmark runs on (BENCHMARKS.md): the example project under gunicorn
with PostgreSQL and Redis on loopback, a per-run database and cache key prefix, and the
helpers to measure and clean up. Shared by the scripts in this folder."""

from __future__ import annotations

import argparse
import http.client
import io
import multiprocessing
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/0"
TOKEN_PATH = "/o/token/"
FORM = "application/x-www-form-urlencoded"
WRITES = ("INSERT", "UPDATE", "DELETE")


from load import Batch, Request, fire  # noqa: E402,F401  (the load generator; scripts reach it through stack)


class Gunicorn:
    """The example project under gunicorn; master and workers are stopped on exit."""

    def __init__(self, port: int, env: dict[str, str], workers: int, log: Path, worker_class: str = "sync",
                 threads: int = 1):
        self.port, self.env, self.workers, self.log = port, env, workers, log
        self.worker_class, self.threads = worker_class, threads
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Gunicorn:
        cmd = [sys.executable, "-m", "gunicorn", "example_project.wsgi:application", "--chdir", str(ROOT),
               "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class", self.worker_class,
               "--threads", str(self.threads), "--log-level", "warning"]
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
        return children_cpu(self.proc.pid)

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # the master stops its workers
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()  # its workers exit when they see their parent gone
                self.proc.wait()


def children_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by the children of process ``pid``."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # fields 3.. of proc(5)
        except OSError:
            continue
        if int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])  # utime + stime, in ticks
    return total / os.sysconf("SC_CLK_TCK")


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


# ----------------------------------------------------------------- rounds and their summary

def alternate(rounds: int, batch: Callable[[str, int], Batch | dict[str, Batch]], sizes: dict[str, int],
              warmups: dict[str, int]) -> dict[str, list[Batch]]:
    """Warm each variant up, then run them in turn (A B C A B C ...) for ``rounds`` rounds.

    ``batch(variant, n)`` answers a Batch, or several named ones (a flow and its steps)."""
    def named(variant: str, n: int) -> list[tuple[str, Batch]]:
        out = batch(variant, n)
        return list(out.items()) if isinstance(out, dict) else [(variant, out)]

    width = max(map(len, sizes))
    for variant, n in warmups.items():
        for name, b in named(variant, n):
            width = max(width, len(name))
            print(f"warm-up {name:>{width}}: {len(b.latencies)} requests, {b.rps:.1f} req/s, {b.errors} errors", flush=True)
    results: dict[str, list[Batch]] = {}
    for round_no in range(1, rounds + 1):
        parts = []
        for variant, n in sizes.items():
            for name, result in named(variant, n):
                results.setdefault(name, []).append(result)
                parts.append(f"{name} {result.rps:6.1f} req/s p50 {result.percentile(.5) * 1e3:6.1f} ms"
                             f" cpu {result.cpu * 1e3:5.2f} ms"
                             + (f" ({result.errors} errors, e.g. {result.failures[0]})" if result.errors else ""))
        print(f"round {round_no}: " + " | ".join(parts), flush=True)
    return results


@dataclass
class Summary:
    """Medians over a variant's rounds."""
    rps: float
    p50: float  # ms
    p99: float  # ms
    cpu: float  # worker CPU seconds per request
    errors: int  # all rounds

    @property
    def cells(self) -> str:
        """The columns every table has: requests/s, p50 ms, p99 ms, CPU ms/req."""
        return f"{self.rps:>10.1f} {self.p50:>8.1f} {self.p99:>8.1f} {self.cpu * 1e3:>10.2f}"


def summarize(results: dict[str, list[Batch]]) -> dict[str, Summary]:
    median = statistics.median
    return {v: Summary(median([b.rps for b in batches]), median([b.percentile(.50) for b in batches]) * 1e3,
                       median([b.percentile(.99) for b in batches]) * 1e3, median([b.cpu for b in batches]),
                       sum(b.errors for b in batches))
            for v, batches in results.items()}


def print_ratio(results: dict[str, list[Batch]], name: str, x: str, y: str, width: int) -> None:
    """``name = x/y`` of the median rates, each round's, and the workers' CPU the other way round."""
    s, paired = summarize({x: results[x], y: results[y]}), [bx.rps / by.rps for bx, by in zip(results[x], results[y])]
    print(f"{name:<{width}} = {s[x].rps / s[y].rps:.2f}   (median per round {statistics.median(paired):.2f}: "
          f"{', '.join(f'{r:.2f}' for r in paired)}; worker CPU {y}/{x} {s[y].cpu / s[x].cpu:.2f})")


# ----------------------------------------------------------------- in process

class QueryCounter:
    """Requests through django.test.Client in this process (never timed): ``counts[name]``
    is ``(queries, writes)`` of the last counted request of that name, BEGIN/COMMIT included."""

    def __init__(self, show: bool = False):
        from django.test import Client

        self.client, self.show, self.counts = Client(), show, {}

    def __call__(self, name: str | None, request: Request, expect: int = 200) -> Any:
        """Send ``request``; counted under ``name`` unless it is None (a warm-up)."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        method, path, headers, body = request
        extra = {k: v for k, v in headers.items() if k != "Content-Type"}
        with CaptureQueriesContext(connection) as captured:
            if method == "POST":
                response = self.client.post(path, data=body, content_type=headers["Content-Type"], headers=extra)
            else:
                response = self.client.get(path, headers=extra)
        if response.status_code != expect:
            raise SystemExit(f"in-process {name} request failed: {response.status_code} {response.content[:300]!r}")
        sqls = [q["sql"] for q in captured.captured_queries]
        if name:
            self.counts[name] = (len(sqls), sum(s.lstrip().split(None, 1)[0].upper() in WRITES for s in sqls))
            for sql in sqls if self.show else []:
                print(f"  [{name}] {sql[:150]}")
        return response

    def after_one(self, names: tuple[str, ...], request: Callable[[str], Request]) -> dict[str, int]:
        """Queries of one request of each name, each after an uncounted one of its kind."""
        for name in names:
            self(None, request(name))
            self(name, request(name))
        return {name: self.counts[name][0] for name in names}


# ----------------------------------------------------------------- a run: arguments, resources, clean-up

def arg_parser(doc: str, database: str, *, rounds: int = 5, server: bool = True,
               show_queries: bool = False) -> argparse.ArgumentParser:
    """The options every script shares; the script adds its sizes (--requests, --warmup ...)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=rounds, help="at least 3")
    parser.add_argument("--database", default=database, help="prefix of the run's own database")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script works; numbers are noise")
    if server:
        parser.add_argument("--concurrency", type=int, default=16)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (BENCHMARKS.md: 2)")
        parser.add_argument("--batch-timeout", type=float, default=60.0, help="seconds after which a batch stops sending")
        parser.add_argument("--port", type=int, default=0, help="0: a free port")
    if show_queries:
        parser.add_argument("--show-queries", action="store_true", help="print the SQL of the counted requests")
    return parser


def parse(parser: argparse.ArgumentParser, argv: list[str] | None, quick: dict[str, Any]) -> argparse.Namespace:
    """Parse ``argv``; ``--quick`` sets the sizes in ``quick``; at least 3 rounds."""
    args = parser.parse_args(argv)
    if args.quick:
        vars(args).update(quick)
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")
    return args


class Run:
    """One run's own port, ids, temporary directory, database, cache key prefix, Celery queue
    (no worker reads it) and optional settings module, with Django set up in this process,
    and the server and load generator of :meth:`serve`; all removed on exit, SIGTERM included.

    The database is the run's own: a shared one would carry whatever schema the last run of
    another branch migrated it to, and status lists signed with an earlier run's AS key."""

    def __init__(self, args: argparse.Namespace, name: str, *, settings: str = "", run_id: str = "",
                 env: dict[str, str] | None = None):
        self.args, self.settings, self.run_id = args, settings, run_id or secrets.token_hex(4)
        self.prefix, self.database = f"oauth_ext_bench_{name}_{self.run_id}", f"{args.database}_{self.run_id}"
        self.extra_env, self.name, self.server_log = env or {}, name, ""
        self.pool: ProcessPoolExecutor | None = None
        self.server: Gunicorn | None = None

    def __enter__(self) -> Run:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the clean-up runs
        self.workdir = Path(tempfile.mkdtemp(prefix=f"oauth_ext_bench_{self.name}_"))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = getattr(self.args, "port", 0) or sock.getsockname()[1]
        self.env = {
            "DJANGO_SETTINGS_MODULE": "example_project.settings", "DJANGO_DEBUG": "0", "DJANGO_CONN_MAX_AGE": "600",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{self.database}", "REDIS_URL": REDIS_URL,
            "OAUTH_EXT_SIGNING_KEY": str(self.workdir / "as-signing-key.private.jwk.json"),
            "OAUTH_EXT_ISSUER": f"http://127.0.0.1:{self.port}/o", "OAUTH_EXT_VAR_DIR": str(self.workdir),
            "CACHE_KEY_PREFIX": self.prefix, "CELERY_QUEUE": f"{self.prefix}:celery", "OAUTH_EXT_LOG_LEVEL": "WARNING",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", **self.extra_env}  # testserver: django.test's
        if self.settings:  # on this process's sys.path and the server's PYTHONPATH
            module = f"{self.prefix}_settings"
            (self.workdir / f"{module}.py").write_text(self.settings)
            self.env["DJANGO_SETTINGS_MODULE"], self.env["PYTHONPATH"] = module, str(self.workdir)
            sys.path.insert(0, str(self.workdir))
        try:  # create and migrate the database, configure this process like the server, make the AS key
            createdb = ["createdb", "-h", "127.0.0.1", "-U", "postgres", self.database]
            done = subprocess.run(createdb, capture_output=True, text=True)
            if done.returncode and "already exists" not in done.stderr:
                raise SystemExit(f"createdb {self.database} failed: {done.stderr.strip()}")
            os.environ.update(self.env)
            sys.path.insert(0, str(ROOT))
            import django
            from django.core.management import call_command

            django.setup()
            call_command("migrate", interactive=False, verbosity=0)
            call_command("oauth_ext_keygen", out=str(self.workdir), name="as-signing-key", if_missing=True, stdout=io.StringIO())
        except BaseException:
            self.__exit__()
            raise
        return self

    @property
    def issuer(self) -> str:
        return self.env["OAUTH_EXT_ISSUER"]

    @contextmanager
    def serve(self) -> Iterator[Gunicorn]:
        """Gunicorn on the run's port, and the spawned process :meth:`load` fires from."""
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        with Gunicorn(self.port, self.env, self.args.workers, self.workdir / "gunicorn.log") as self.server:
            yield self.server
            self.server_log = self.server.log.read_text().strip()

    def load(self, requests: list[Request], expect: int | dict[str, int] = 200) -> Batch:
        """Fire ``requests`` (built already: signing is not timed) at the server."""
        assert self.server and self.pool, "load() belongs inside serve()"
        cpu = self.server.worker_cpu()
        raw = self.pool.submit(fire, self.port, requests, self.args.concurrency, self.args.batch_timeout, expect).result()
        return Batch.from_fire(raw, self.server.worker_cpu() - cpu)

    def exit_code(self, results: dict[str, list[Batch]]) -> int:
        """Print the server's log, if it said anything; 1 if any request failed."""
        if self.server_log:
            print(f"\ngunicorn log (tail):\n{self.server_log[-1500:]}")
        return 1 if any(b.errors for batches in results.values() for b in batches) else 0

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if "django.db" in sys.modules:  # Django was set up; the rows go with the database
            quietly(sys.modules["django.db"].connections.close_all)
        quietly(drop_database, self.database)
        quietly(delete_cache_keys, self.prefix)
        quietly(delete_cache_keys, f"_kombu.binding*.{self.prefix}")  # the Celery queue's bindings
        shutil.rmtree(self.workdir, ignore_errors=True)
