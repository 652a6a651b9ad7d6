#!/usr/bin/env python
"""DPoP benchmark: what a DPoP proof costs at the token endpoint and at a resource server.

1. Token endpoint, client_credentials over HTTP: ``A`` private_key_jwt (ES256 assertion)
   without DPoP and ``B`` the same with a fresh DPoP proof per request; DOT's
   ``client_secret_basic`` (clear and hashed secret) as the baselines BENCHMARKS.md asks
   for. Also ``GET /api/me/`` with a DPoP-bound token and proof against an unbound Bearer
   token (the server validates in its default ``database`` mode).
2. Resource server, in process: ``authenticate(request)`` per call for
   ``TOKEN_VALIDATION`` ``database`` and ``jwt``, its parts (proof verification, token
   validation, the replay-store round trip) and the bare ES256 verify with
   ``cryptography``, as a ratio (target <= 2, printed, never asserted).
3. DB queries per request of each kind (django.test.Client + CaptureQueriesContext).

The stack is ``stack.py``'s and the clients are ``token_endpoint.py``'s: gunicorn (2 sync
workers) on the example project, PostgreSQL and Redis on loopback, DEBUG off, persistent
connections, load from a spawned process at fixed concurrency, every signed object built
before its batch's clock starts. Variants alternate within each round; medians are quoted.
Each run has its own database, cache key prefix and Celery queue, all removed at the end.

    .venv/bin/python benchmarks/dpop.py            # full run, a few minutes
    .venv/bin/python benchmarks/dpop.py --quick    # seconds: proves it works
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
import token_endpoint as te  # noqa: E402  (the sibling script: its clients)

API_PATH = "/api/me/"
RS_URL = "http://testserver/api/me/"  # RequestFactory's host
ORDER = ("a", "b", "d", "a2", "mb", "md")
LABELS = {
    "a": "client_secret_basic, clear secret (DOT)",
    "a2": "client_secret_basic, hashed secret (DOT)",
    "b": "A: private_key_jwt ES256",
    "d": "B: private_key_jwt ES256 + DPoP proof",
    "mb": "GET /api/me/, Bearer token (unbound)",
    "md": "GET /api/me/, DPoP token + proof",
}
MODES = ("database", "jwt")


# ----------------------------------------------------------------- requests of each kind

@dataclass
class Kit:
    clients: te.Clients  # a, a2 (secrets) and b (private_key_jwt signer), from token_endpoint
    key: Any  # oauth_ext.client_sdk.dpop.DPoPKey
    issuer: str
    port: int
    dpop_token: str = ""
    bearer_token: str = ""

    @property
    def token_htu(self) -> str:
        """The token endpoint on the issuer's origin: the only htu the AS accepts."""
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}{stack.TOKEN_PATH}"

    def request(self, variant: str) -> stack.Request:
        """One request of ``variant``, signed objects fresh (new jti) on every call."""
        if variant in ("mb", "md"):
            headers = {"Host": f"127.0.0.1:{self.port}"}
            if variant == "mb":
                headers["Authorization"] = f"Bearer {self.bearer_token}"
            else:
                url = f"http://127.0.0.1:{self.port}{API_PATH}"
                headers["Authorization"] = f"DPoP {self.dpop_token}"
                headers["DPoP"] = self.key.proof("GET", url, access_token=self.dpop_token)
            return "GET", API_PATH, headers, None
        headers, body = self.clients.request("b" if variant == "d" else variant)
        if variant == "d":
            headers["DPoP"] = self.key.proof("POST", self.token_htu)
        return "POST", stack.TOKEN_PATH, headers, body


def fetch_tokens(kit: Kit) -> None:
    """A DPoP-bound and an unbound access token, issued by the running server."""
    for variant, token_type in (("d", "DPoP"), ("b", "Bearer")):
        method, path, headers, body = kit.request(variant)
        conn = http.client.HTTPConnection("127.0.0.1", kit.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = json.loads(response.read() or b"{}")
        conn.close()
        if response.status != 200 or data.get("token_type") != token_type:
            raise SystemExit(f"token request {variant} failed: {response.status} {data}")
        if variant == "d":
            kit.dpop_token = data["access_token"]
        else:
            kit.bearer_token = data["access_token"]


# ----------------------------------------------------------------- HTTP rounds

def run_rounds(run: stack.Run, kit: Kit, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> stack.Batch:
        return run.load([kit.request(variant) for _ in range(n)])  # assertions and proofs signed before the clock

    sizes = {v: args.hashed_requests if v == "a2" else args.requests for v in ORDER}
    warmups = {v: max(2, args.hashed_requests // 4) if v == "a2" else args.warmup for v in ORDER}
    return stack.alternate(args.rounds, batch, sizes, warmups)


# ----------------------------------------------------------------- resource server, in process

def mode_settings(mode: str) -> AbstractContextManager[Any]:
    from django.conf import settings
    from django.test import override_settings

    rs = {**settings.OAUTH_EXT.get("RESOURCE_SERVER", {}), "TOKEN_VALIDATION": mode}
    return override_settings(OAUTH_EXT={**settings.OAUTH_EXT, "RESOURCE_SERVER": rs})


def per_call(fn: Callable[[Any], Any], items: list[Any]) -> float:
    t0 = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - t0) / len(items)


def measure_rs(kit: Kit, args: argparse.Namespace) -> tuple[dict[str, float], dict[str, int]]:
    """Median seconds per call of each step, and the queries of one call of each."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from oauth_ext.core import replay
    from oauth_ext.dpop import proofs
    from oauth_ext.resource_server.authentication import authenticate
    from oauth_ext.tokens.validation import validate_access_token

    token, factory, n, jkt = kit.dpop_token, RequestFactory(), args.rs_requests, kit.key.jkt

    def requests(count: int) -> list[Any]:
        return [factory.get(API_PATH, HTTP_AUTHORIZATION=f"DPoP {token}",
                            HTTP_DPOP=kit.key.proof("GET", RS_URL, access_token=token)) for _ in range(count)]

    def check(request: Any) -> None:
        scheme, info = authenticate(request)
        assert scheme == "DPoP" and info.jkt == jkt, (scheme, info.claims)

    def verify_proof(proof: str) -> None:
        proofs.verify(proof, method="GET", url=RS_URL, access_token=token)

    steps: dict[str, Callable[[int], float]] = {}
    for mode in MODES:
        steps[f"auth {mode}"] = lambda k, m=mode: _in_mode(m, check, requests(k))
        steps[f"validate {mode}"] = lambda k, m=mode: _in_mode(m, validate_access_token, [token] * k)
    steps["proof"] = lambda k: per_call(verify_proof, [kit.key.proof("GET", RS_URL, access_token=token) for _ in range(k)])
    steps["replay"] = lambda k: per_call(lambda v: replay.claim_once("bench", v, ttl=60, not_before=time.time()), [uuid.uuid4().hex for _ in range(k)])
    steps["es256"] = lambda k: te.es256_verify_seconds(kit.clients.signer, max(1, k // 5))

    queries = {}
    for name, step in steps.items():  # warm-up, and one counted call each
        step(max(10, n // 10))
        with CaptureQueriesContext(connection) as captured:
            step(1)
        queries[name] = len(captured.captured_queries)
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.rounds):
        for name, step in steps.items():
            samples[name].append(step(n))
    if args.profile:
        profile_auth(requests, n)
    return {name: statistics.median(values) for name, values in samples.items()}, queries


def _in_mode(mode: str, fn: Callable[[Any], Any], items: list[Any]) -> float:
    from oauth_ext.conf import app_settings

    with mode_settings(mode):
        assert mode == app_settings.RESOURCE_SERVER.TOKEN_VALIDATION  # settings merged before the clock
        return per_call(fn, items)


def profile_auth(requests: Callable[[int], list[Any]], n: int) -> None:
    import cProfile
    import pstats

    from oauth_ext.resource_server.authentication import authenticate

    for mode in MODES:
        items, profiler = requests(n), cProfile.Profile()
        with mode_settings(mode):
            profiler.runcall(per_call, authenticate, items)
        print(f"\n-- cProfile of authenticate(), TOKEN_VALIDATION={mode}, {n} calls, by cumulative time --")
        pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats("cumulative").print_stats(30)


# ----------------------------------------------------------------- report

def report(results: dict[str, list[stack.Batch]], queries: dict[str, int], rs: dict[str, float],
           rs_queries: dict[str, int], args: argparse.Namespace) -> None:
    s = stack.summarize(results)
    print(f"\n== DPoP benchmark: gunicorn {args.workers} sync workers, PostgreSQL + Redis, concurrency "
          f"{args.concurrency}, median of {args.rounds} rounds")
    print(f"machine: {stack.machine()}")
    print(f"requests per round: {args.requests} (a2: {args.hashed_requests}); token requests: client_credentials;"
          " /api/me/: the server's TOKEN_VALIDATION is the example project's (database)\n")
    print(f"{'variant':<46} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'queries/req':>11} {'errors':>6}")
    for v in ORDER:
        print(f"{v:<4}{LABELS[v]:<42} {s[v].cells} {queries[v]:>11} {s[v].errors:>6}")
    print("(CPU ms/req: user + system CPU of the gunicorn workers per request; PostgreSQL and Redis not included)")
    print()
    for name, x, y in (("ratio B/A (DPoP / no DPoP)", "d", "b"), ("ratio A/a (pkjwt / DOT clear)", "b", "a"),
                       ("ratio B/a (pkjwt+DPoP / DOT clear)", "d", "a"), ("ratio B/a2 (pkjwt+DPoP / DOT hashed)", "d", "a2"),
                       ("ratio md/mb (API DPoP / Bearer)", "md", "mb")):
        stack.print_ratio(results, name, x, y, 38)
    print(f"queries B - A = {queries['d'] - queries['b']:+d}; API DPoP - Bearer = {queries['md'] - queries['mb']:+d}")

    verify = rs["es256"]
    print(f"\n== Resource server in process: oauth_ext.resource_server.authentication.authenticate(request), "
          f"median of {args.rounds} rounds x {args.rs_requests} calls, fresh proof each")
    print(f"{'step':<52} {'us/call':>9} {'x ES256':>8} {'queries':>7}")
    rows = [("auth database", "authenticate, TOKEN_VALIDATION=database"), ("auth jwt", "authenticate, TOKEN_VALIDATION=jwt"),
            ("proof", "  dpop.proofs.verify (proof alone, incl. replay)"),
            ("validate database", "  validate_access_token, database"), ("validate jwt", "  validate_access_token, jwt"),
            ("replay", "  core.replay.claim_once (Redis round trip)"), ("es256", "ES256 verify alone (cryptography)")]
    for key, label in rows:
        print(f"{label:<52} {rs[key] * 1e6:>9.1f} {rs[key] / verify:>8.2f} {rs_queries[key]:>7}")
    for mode in MODES:
        value = rs[f"auth {mode}"] / verify
        print(f"RS ratio {mode:<8} = {value:.2f}   (authenticate / one ES256 verify; target <= 2, "
              f"{'met' if value <= 2 else 'MISSED'}; informational)")
    print("note: jwt mode verifies two signatures (token and proof), so its floor is 2.00")


# ----------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_dpop")
    parser.add_argument("--requests", type=int, default=1000, help="HTTP requests per round and variant")
    parser.add_argument("--hashed-requests", type=int, default=16, help="requests per round for a2 (PBKDF2 is slow)")
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests per variant")
    parser.add_argument("--rs-requests", type=int, default=1000, help="in-process calls per round and step")
    parser.add_argument("--profile", action="store_true", help="cProfile authenticate() in each mode")
    return stack.parse(parser, argv, {"requests": 40, "hashed_requests": 4, "rounds": 3, "warmup": 20,
                                      "rs_requests": 100})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with stack.Run(args, "dpop") as run:
        from oauth_ext.client_sdk.dpop import DPoPKey

        kit = Kit(te.create_clients(run.run_id, run.issuer), DPoPKey.generate(), run.issuer, run.port)
        with run.serve():
            fetch_tokens(kit)
            queries = stack.QueryCounter().after_one(ORDER, kit.request)
            results = run_rounds(run, kit, args)
        rs, rs_queries = measure_rs(kit, args)  # the server is stopped: nothing else runs here
        report(results, queries, rs, rs_queries, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
