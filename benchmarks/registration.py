#!/usr/bin/env python
"""Client instance registration benchmark (RFC 7591): stateful against stateless instances.

1. ``POST /o/registration/`` with a software statement and a fresh instance key, 201:
   ``stateful`` (Application + ClientProfile + ClientInstance rows per registration) and
   ``stateless`` (a MAC'd ``s.`` client_id; one shared InstanceTemplate per software
   variant, nothing per instance). Registrations per second, p50/p99, the ratio.
2. DB writes (INSERT/UPDATE/DELETE) and queries per registration, counted in process
   (django.test.Client + CaptureQueriesContext) for the first of a variant and the next.
3. The token endpoint (client_credentials, private_key_jwt ES256): (a) the first token
   request of a just-registered instance (a stateless one materialises its rows and adopts
   the key in its assertion's ``jwk`` header); (b) steady state for already-used instances,
   with DOT's ``client_secret_basic`` (clear secret) as baseline; queries per request.

The stack and helpers are ``token_endpoint.py``'s (BENCHMARKS.md): the example project
under gunicorn (2 sync workers), PostgreSQL and Redis on loopback, DEBUG off, persistent
connections; load from a spawned process at fixed concurrency, every signed object made
before its batch's clock starts. Variants alternate within each round; medians are quoted.
The registration throttle is lifted by a settings module of this run's own (a temporary
directory on PYTHONPATH); the run has its own database, cache key prefix and Celery queue,
all removed at the end. Targets are never asserted.

    .venv/bin/python benchmarks/registration.py            # full run, about 2 minutes
    .venv/bin/python benchmarks/registration.py --quick    # proves it works
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
import token_endpoint as te  # the sibling script: the same stack and helpers

REG_PATH = "/o/registration/"
JSON = "application/json"
MODES = ("stateful", "stateless")
WRITES = ("INSERT", "UPDATE", "DELETE")
SETTINGS_MODULE = "registration_bench_settings"
# The throttle keeps a list of timestamps per source address for its window: a 1 s
# window keeps that list as short as a real per-client one (a minute at 1000/s would not).
SETTINGS = """from example_project.settings import *  # noqa: F401,F403
from example_project.settings import OAUTH_EXT as _BASE

OAUTH_EXT = {**_BASE, "REGISTRATION": {**_BASE.get("REGISTRATION", {}), "THROTTLE_RATE": "1000000/s"}}
"""
REG = ("reg-stateful", "reg-stateless")
TOKEN = ("first-stateful", "first-stateless", "steady-stateful", "steady-stateless", "dot")
LABELS = {
    "reg-stateful": "POST /o/registration/, stateful instance",
    "reg-stateless": "POST /o/registration/, stateless instance",
    "first-stateful": "first token request, stateful instance",
    "first-stateless": "first token request, stateless (materialise)",
    "steady-stateful": "token request, used stateful instance",
    "steady-stateless": "token request, used stateless instance",
    "dot": "client_secret_basic, clear secret (DOT)",
}
SLOW = ("reg-stateful", "first-stateful", "first-stateless")  # sized by --slow-requests
Request = tuple[str, dict[str, str], bytes]  # path, headers, body (all POST)
Instance = tuple[str, dict[str, Any]]  # client_id, private JWK


# ----------------------------------------------------------------- publishers, instances, requests

@dataclass
class Kit:
    issuer: str
    statements: dict[str, str]  # mode -> software statement of its publisher
    fresh: dict[str, list[Instance]] = field(default_factory=lambda: {m: [] for m in MODES})  # never used
    used: dict[str, list[Instance]] = field(default_factory=lambda: {m: [] for m in MODES})  # had a token

    def registrations(self, mode: str, n: int) -> tuple[list[Request], list[dict[str, Any]]]:
        """``n`` registration requests, each with a new instance key, and the private keys."""
        from oauth_ext.core import jose

        keys = [jose.private_key_to_jwk(jose.generate_private_key("ES256")) for _ in range(n)]
        headers = {"Content-Type": JSON, "Host": "127.0.0.1"}
        return [(REG_PATH, headers, json.dumps({"software_statement": self.statements[mode],
                                                 "jwks": {"keys": [jose.public_jwk(key)]}}).encode()) for key in keys], keys

    def signer(self, mode: str, instance: Instance) -> Any:
        from oauth_ext.client import AssertionSigner

        client_id, key = instance  # a stateless instance shows its key in every assertion's jwk header
        return AssertionSigner(key, client_id=client_id, audience=self.issuer, send_public_key=mode == "stateless")

    @staticmethod
    def token_request(signer: Any) -> Request:
        body = urlencode({"grant_type": "client_credentials", **signer.form_fields()})  # fresh jti
        return te.TOKEN_PATH, {"Content-Type": te.FORM, "Host": "127.0.0.1"}, body.encode()


def create_kit(issuer: str) -> Kit:
    """One publisher per mode (its own vendor key and issuer), and its statement."""
    from oauth_ext.core import jose
    from oauth_ext.software_statements.models import SoftwarePublisher

    statements = {}
    for mode in MODES:
        vendor, iss = jose.private_key_to_jwk(jose.generate_private_key("ES256")), f"https://{mode}.vendor.example.com"
        publisher = SoftwarePublisher(
            name=f"Vendor ({mode})", issuer=iss, jwks={"keys": [jose.public_jwk(vendor)]}, software_ids=["mail-app"],
            scope_ceiling=["read", "write"], allowed_grant_types=["client_credentials"],
            allowed_auth_methods=["private_key_jwt"], allow_stateless=mode == "stateless")
        publisher.full_clean()
        publisher.save()
        now = int(time.time())
        claims = {"iss": iss, "iat": now, "exp": now + 86400, "software_id": "mail-app", "software_version": "1.2",
                  "client_name": "Mail", "grant_types": ["client_credentials"], "token_endpoint_auth_method": "private_key_jwt"}
        statements[mode] = jose.sign(claims, key=jose.load_private_jwk(vendor), alg="ES256", headers={"kid": vendor["kid"]})
    return Kit(issuer, statements)


# ----------------------------------------------------------------- in process: queries and primitives

def count_queries(kit: Kit, dot: te.Clients, show: bool) -> dict[str, tuple[int, int]]:
    """``(queries, writes)`` of one request of each kind; registrations before any other
    of their variant (``*-first``) and after; token requests first use and steady state."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}

    def post(name: str | None, request: Request, expect: int) -> Any:
        path, headers, body = request
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, data=body, content_type=headers["Content-Type"],
                                   headers={k: v for k, v in headers.items() if k not in ("Content-Type", "Host")})
        if response.status_code != expect:
            raise SystemExit(f"in-process {name} request failed: {response.status_code} {response.content[:300]!r}")
        sqls = [q["sql"] for q in captured.captured_queries]
        if name:
            counts[name] = (len(sqls), sum(s.lstrip().split(None, 1)[0].upper() in WRITES for s in sqls))
            for sql in sqls if show else []:
                print(f"  [{name}] {sql[:150]}")
        return response

    for name in (None, "dot"):  # first: the very first token of the run also creates the status list
        post(name, (te.TOKEN_PATH, *dot.request("a")), 200)
    for mode in MODES:
        instances = []
        for name in (f"reg-{mode}-first", f"reg-{mode}"):
            requests, keys = kit.registrations(mode, 1)
            instances.append((json.loads(post(name, requests[0], 201).content)["client_id"], keys[0]))
        signer = kit.signer(mode, instances[1])
        for name in (f"first-{mode}", None, f"steady-{mode}"):
            post(name, kit.token_request(signer), 200)
        kit.fresh[mode].append(instances[0])
        kit.used[mode].append(instances[1])
    return counts


def pbkdf2_seconds(iterations: int) -> float:
    """One ``make_password`` with DOT's CLIENT_SECRET_HASHER, as ClientSecretField.pre_save calls it."""
    from django.contrib.auth.hashers import make_password
    from oauth2_provider.settings import oauth2_settings

    samples = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        make_password(secrets.token_urlsafe(48), hasher=oauth2_settings.CLIENT_SECRET_HASHER)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


# ----------------------------------------------------------------- HTTP rounds

def run_rounds(pool: ProcessPoolExecutor, server: te.Gunicorn, kit: Kit, dot: te.Clients,
               args: argparse.Namespace) -> dict[str, list[te.Batch]]:
    def fire(requests: list[Request], expect: int) -> tuple[te.Batch, list[str | None]]:
        cpu = server.worker_cpu()
        sent = [("POST", *request) for request in requests]
        raw = pool.submit(te.fire, server.port, sent, args.concurrency, args.batch_timeout, expect).result()
        return te.Batch.from_fire(raw, server.worker_cpu() - cpu), raw["client_ids"]

    def batch(variant: str, n: int) -> te.Batch:
        kind, _, mode = variant.partition("-")
        if kind == "reg":
            requests, keys = kit.registrations(mode, n)
            result, ids = fire(requests, 201)
            kit.fresh[mode] += [(cid, key) for cid, key in zip(ids, keys) if cid]
        elif kind == "first":  # instances registered but never used; assertions signed just before
            chosen, kit.fresh[mode] = kit.fresh[mode][:n], kit.fresh[mode][n:]
            result, _ = fire([kit.token_request(kit.signer(mode, c)) for c in chosen], 200)
            kit.used[mode] += chosen
        elif kind == "steady":  # round robin over up to 16 instances that already have tokens
            signers = [kit.signer(mode, c) for c in kit.used[mode][:16]]
            result, _ = fire([kit.token_request(signers[i % len(signers)]) for i in range(n)], 200)
        else:
            result, _ = fire([(te.TOKEN_PATH, *dot.request("a")) for _ in range(n)], 200)
        return result

    variants = REG + TOKEN
    for variant in variants:
        warm = batch(variant, max(2, args.slow_requests // 4) if variant in SLOW else args.warmup)
        print(f"warm-up {variant:>16}: {len(warm.latencies)} requests, {warm.rps:.1f} req/s, {warm.errors} errors", flush=True)
    results: dict[str, list[te.Batch]] = {v: [] for v in variants}
    for round_no in range(1, args.rounds + 1):
        parts = []
        for variant in variants:
            result = batch(variant, args.slow_requests if variant in SLOW else args.requests)
            results[variant].append(result)
            parts.append(f"{variant} {result.rps:.1f}/s" + (f" ({result.errors} errors: {result.failures[0]})" if result.errors else ""))
        print(f"round {round_no}: " + " | ".join(parts), flush=True)
    return results


# ----------------------------------------------------------------- report

def report(results: dict[str, list[te.Batch]], counts: dict[str, tuple[int, int]], verify: float, pbkdf2: float,
           args: argparse.Namespace) -> None:
    median = statistics.median
    rps = {v: median([b.rps for b in batches]) for v, batches in results.items()}
    cpu = {v: median([b.cpu for b in batches]) for v, batches in results.items()}
    head = (f"{'variant':<62} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'queries/req':>11}"
            f" {'writes/req':>10} {'errors':>6}")

    def table(variants: tuple[str, ...]) -> None:
        print(head)
        for v in variants:
            p50, p99 = (median([b.percentile(p) for b in results[v]]) * 1e3 for p in (.50, .99))
            queries, writes = counts[v]
            print(f"{v:<18}{LABELS[v]:<44} {rps[v]:>10.1f} {p50:>8.1f} {p99:>8.1f} {cpu[v] * 1e3:>10.2f} {queries:>11}"
                  f" {writes:>10} {sum(b.errors for b in results[v]):>6}")

    def ratio(name: str, x: str, y: str) -> None:
        paired = [bx.rps / by.rps for bx, by in zip(results[x], results[y])]
        print(f"{name:<44} = {rps[x] / rps[y]:.2f}   (median per round {median(paired):.2f}: "
              f"{', '.join(f'{r:.2f}' for r in paired)}; worker CPU {y}/{x} {cpu[y] / cpu[x]:.2f})")

    print(f"\n== Registration benchmark: gunicorn {args.workers} sync workers, PostgreSQL + Redis, concurrency "
          f"{args.concurrency}, median of {args.rounds} rounds")
    print(f"machine: {te.machine()}")
    print(f"requests per round: {args.requests}; {args.slow_requests} for {', '.join(SLOW)} (a PBKDF2 hash each)\n")
    table(REG)
    print("(CPU ms/req: user + system CPU of the gunicorn workers, PostgreSQL and Redis not included; queries and"
          " writes:\n one request counted in process, BEGIN/COMMIT/SAVEPOINT included)\n")
    ratio("ratio registrations stateless/stateful", "reg-stateless", "reg-stateful")
    for mode in MODES:
        (first_q, first_w), (q, w) = counts[f"reg-{mode}-first"], counts[f"reg-{mode}"]
        print(f"DB writes per registration, {mode:<9}: first of its variant {first_w} ({first_q} queries),"
              f" every next {w} ({q} queries)" + ("   [stateless target: 0]" if mode == "stateless" else ""))
    print("\n== Token endpoint: client_credentials; private_key_jwt ES256 (a fresh assertion per request) unless DOT")
    table(TOKEN)
    print("(writes include the access token's own rows and its status-list entry)\n")
    ratio("ratio first token request stateless/stateful", "first-stateless", "first-stateful")
    ratio("ratio steady token stateless/stateful", "steady-stateless", "steady-stateful")
    ratio("ratio steady token stateless/DOT clear", "steady-stateless", "dot")
    ratio("ratio steady token stateful/DOT clear", "steady-stateful", "dot")
    print(f"\nES256 verify alone (cryptography): {verify * 1e6:.1f} us;"
          f" PBKDF2 alone (make_password, DOT CLIENT_SECRET_HASHER): {pbkdf2 * 1e3:.1f} ms")
    for v in ("reg-stateful", "reg-stateless", "first-stateless", "steady-stateless", "steady-stateful"):
        print(f"  worker CPU per {v:<17} = {cpu[v] / pbkdf2:6.2f} x PBKDF2 = {cpu[v] / verify:8.1f} x ES256 verify")


# ----------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per round of the fast variants")
    parser.add_argument("--slow-requests", type=int, default=16,
                        help="requests per round of stateful registration and first token requests (PBKDF2 each)")
    parser.add_argument("--rounds", type=int, default=5, help="at least 3")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=150, help="warm-up requests per fast variant")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (BENCHMARKS.md: 2)")
    parser.add_argument("--batch-timeout", type=float, default=60.0, help="seconds after which a batch stops sending")
    parser.add_argument("--database", default="oauth_ext_bench_registration", help="prefix of the run's own database")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of the counted requests")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script works; numbers are noise")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.slow_requests, args.rounds, args.warmup = 30, 3, 3, 10
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the clean-up below runs
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port, run_id = args.port or sock.getsockname()[1], secrets.token_hex(4)
    prefix, workdir = f"oauth_ext_bench_{run_id}", Path(tempfile.mkdtemp(prefix="oauth_ext_bench_registration_"))
    database = f"{args.database}_{run_id}"  # fresh: the first stateless registration writes the template
    env = te.stack_env(database, port, workdir, prefix)
    env["DJANGO_ALLOWED_HOSTS"] += ",testserver"  # django.test.Client's host
    env["CELERY_QUEUE"] = f"{prefix}:celery"  # whatever is queued lands here (no worker), removed below
    env["DJANGO_SETTINGS_MODULE"], env["PYTHONPATH"] = SETTINGS_MODULE, str(workdir)  # throttle lifted
    (workdir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS)
    sys.path.insert(0, str(workdir))
    pool: ProcessPoolExecutor | None = None
    try:
        te.setup_django(env, workdir, database)
        from oauth_ext.conf import app_settings

        print(f"registration throttle: {app_settings.REGISTRATION.THROTTLE_RATE}", flush=True)
        kit, dot = create_kit(env["OAUTH_EXT_ISSUER"]), te.create_clients(run_id, env["OAUTH_EXT_ISSUER"])
        counts = count_queries(kit, dot, args.show_queries)
        verify = te.es256_verify_seconds(dot.signer, 200 if args.quick else 2000)
        pbkdf2 = pbkdf2_seconds(1 if args.quick else 3)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        with te.Gunicorn(port, env, args.workers, workdir / "gunicorn.log") as server:
            results = run_rounds(pool, server, kit, dot, args)
            server_log = server.log.read_text().strip()
        report(results, counts, verify, pbkdf2, args)
        if server_log:
            print(f"\ngunicorn log (tail):\n{server_log[-1500:]}")
        return 1 if any(b.errors for batches in results.values() for b in batches) else 0
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if "django.db" in sys.modules:  # Django was set up
            te.quietly(sys.modules["django.db"].connections.close_all)
        te.quietly(stack.drop_database, database)
        te.quietly(te.delete_cache_keys, prefix)
        te.quietly(te.delete_cache_keys, f"_kombu.binding*.{prefix}")  # the Celery queue's bindings
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
