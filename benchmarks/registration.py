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

The stack is ``stack.py``'s (BENCHMARKS.md): the example project
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
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
import token_endpoint as te  # noqa: E402  (the sibling script: its DOT baseline client)
from stack import FORM, TOKEN_PATH  # noqa: E402

REG_PATH = "/o/registration/"
JSON = "application/json"
MODES = ("stateful", "stateless")
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
Instance = tuple[str, dict[str, Any]]  # client_id, private JWK


# ----------------------------------------------------------------- publishers, instances, requests

@dataclass
class Kit:
    issuer: str
    statements: dict[str, str]  # mode -> software statement of its publisher
    fresh: dict[str, list[Instance]] = field(default_factory=lambda: {m: [] for m in MODES})  # never used
    used: dict[str, list[Instance]] = field(default_factory=lambda: {m: [] for m in MODES})  # had a token

    def registrations(self, mode: str, n: int) -> tuple[list[stack.Request], list[dict[str, Any]]]:
        """``n`` registration requests, each with a new instance key, and the private keys."""
        from oauth_ext.core import jose

        keys = [jose.private_key_to_jwk(jose.generate_private_key("ES256")) for _ in range(n)]
        headers = {"Content-Type": JSON, "Host": "127.0.0.1"}
        return [("POST", REG_PATH, headers, json.dumps({"software_statement": self.statements[mode],
                                                 "jwks": {"keys": [jose.public_jwk(key)]}}).encode()) for key in keys], keys

    def signer(self, mode: str, instance: Instance) -> Any:
        from oauth_ext.client_sdk import AssertionSigner

        client_id, key = instance  # a stateless instance shows its key in every assertion's jwk header
        return AssertionSigner(key, client_id=client_id, audience=self.issuer, send_public_key=mode == "stateless")

    @staticmethod
    def token_request(signer: Any) -> stack.Request:
        body = urlencode({"grant_type": "client_credentials", **signer.form_fields()})  # fresh jti
        return "POST", TOKEN_PATH, {"Content-Type": FORM, "Host": "127.0.0.1"}, body.encode()


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
    post = stack.QueryCounter(show)
    for name in (None, "dot"):  # first: the very first token of the run also creates the status list
        post(name, ("POST", TOKEN_PATH, *dot.request("a")))
    for mode in MODES:
        instances = []
        for name in (f"reg-{mode}-first", f"reg-{mode}"):
            requests, keys = kit.registrations(mode, 1)
            instances.append((json.loads(post(name, requests[0], 201).content)["client_id"], keys[0]))
        signer = kit.signer(mode, instances[1])
        for name in (f"first-{mode}", None, f"steady-{mode}"):
            post(name, kit.token_request(signer))
        kit.fresh[mode].append(instances[0])
        kit.used[mode].append(instances[1])
    return post.counts


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

def run_rounds(run: stack.Run, kit: Kit, dot: te.Clients, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> stack.Batch:
        kind, _, mode = variant.partition("-")
        if kind == "reg":
            requests, keys = kit.registrations(mode, n)
            result = run.load(requests, 201)
            kit.fresh[mode] += [(cid, key) for cid, key in zip(result.client_ids, keys) if cid]
        elif kind == "first":  # instances registered but never used; assertions signed just before
            chosen, kit.fresh[mode] = kit.fresh[mode][:n], kit.fresh[mode][n:]
            result = run.load([kit.token_request(kit.signer(mode, c)) for c in chosen])
            kit.used[mode] += chosen
        elif kind == "steady":  # round robin over up to 16 instances that already have tokens
            signers = [kit.signer(mode, c) for c in kit.used[mode][:16]]
            result = run.load([kit.token_request(signers[i % len(signers)]) for i in range(n)])
        else:
            result = run.load([("POST", TOKEN_PATH, *dot.request("a")) for _ in range(n)])
        return result

    variants = REG + TOKEN
    sizes = {v: args.slow_requests if v in SLOW else args.requests for v in variants}
    warmups = {v: max(2, args.slow_requests // 4) if v in SLOW else args.warmup for v in variants}
    return stack.alternate(args.rounds, batch, sizes, warmups)


# ----------------------------------------------------------------- report

def report(results: dict[str, list[stack.Batch]], counts: dict[str, tuple[int, int]], verify: float, pbkdf2: float,
           args: argparse.Namespace) -> None:
    s = stack.summarize(results)
    head = (f"{'variant':<62} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'queries/req':>11}"
            f" {'writes/req':>10} {'errors':>6}")

    def table(variants: tuple[str, ...]) -> None:
        print(head)
        for v in variants:
            queries, writes = counts[v]
            print(f"{v:<18}{LABELS[v]:<44} {s[v].cells} {queries:>11} {writes:>10} {s[v].errors:>6}")

    def ratio(name: str, x: str, y: str) -> None:
        stack.print_ratio(results, name, x, y, 44)

    print(f"\n== Registration benchmark: gunicorn {args.workers} sync workers, PostgreSQL + Redis, concurrency "
          f"{args.concurrency}, median of {args.rounds} rounds")
    print(f"machine: {stack.machine()}")
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
        print(f"  worker CPU per {v:<17} = {s[v].cpu / pbkdf2:6.2f} x PBKDF2 = {s[v].cpu / verify:8.1f} x ES256 verify")


# ----------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_registration", show_queries=True)
    parser.add_argument("--requests", type=int, default=400, help="requests per round of the fast variants")
    parser.add_argument("--slow-requests", type=int, default=16,
                        help="requests per round of stateful registration and first token requests (PBKDF2 each)")
    parser.add_argument("--warmup", type=int, default=150, help="warm-up requests per fast variant")
    return stack.parse(parser, argv, {"requests": 30, "slow_requests": 3, "rounds": 3, "warmup": 10})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A fresh database: the first stateless registration writes the template.
    with stack.Run(args, "registration", settings=SETTINGS) as run:  # throttle lifted
        from oauth_ext.conf import app_settings

        print(f"registration throttle: {app_settings.REGISTRATION.THROTTLE_RATE}", flush=True)
        kit, dot = create_kit(run.issuer), te.create_clients(run.run_id, run.issuer)
        counts = count_queries(kit, dot, args.show_queries)
        verify = te.es256_verify_seconds(dot.signer, 200 if args.quick else 2000)
        pbkdf2 = pbkdf2_seconds(1 if args.quick else 3)
        with run.serve():
            results = run_rounds(run, kit, dot, args)
        report(results, counts, verify, pbkdf2, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
