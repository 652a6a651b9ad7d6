#!/usr/bin/env python
"""Pushed authorization requests (RFC 9126) and pushed client registration, on the real stack.

1. ``POST /o/par/`` by a confidential ``private_key_jwt`` (ES256) client, a fresh assertion
   per request (``par``), against the token endpoint's ``client_credentials`` request with
   the same key and authentication method (``cc``, the baseline). DOT allows one grant type
   per Application, so the baseline client is a twin: same key, same profile, grant
   client-credentials instead of authorization-code.
2. A new client reaching an authorization request (a stored pushed request):
   ``classic`` = ``POST /o/registration/`` (software statement + jwks, stateful publisher)
   then PAR with ``private_key_jwt``: 2 round trips (rows ``classic-reg``, ``classic-par``);
   ``pushed`` = one PAR with ``client_id=urn:ietf:oauth:parameters:dynamic``, a
   ``client_registration`` holding the same statement, and a DPoP proof: 1 round trip.
   Complete flows per second, round trips, and DB writes per flow.

The stack and helpers are ``token_endpoint.py``'s (BENCHMARKS.md): the example project under
gunicorn (2 sync workers), PostgreSQL and Redis on loopback, DEBUG off, persistent
connections; load from a spawned process at fixed concurrency, every signed object (client
assertions, DPoP proofs) made just before its batch's clock starts. A classic flow's PAR
batch is signed after its registration batch (the client_id comes from it): its rate is
flows / (registration time + PAR time), its latency the sum of its two round trips.
Variants alternate within each round; medians are quoted. Queries and writes
(INSERT/UPDATE/DELETE) are counted in process (django.test.Client + CaptureQueriesContext).
The PAR and registration throttles are lifted by this run's own settings module; the run
has its own database, cache key prefix and Celery queue, all removed at the end. Speed is
printed, never asserted.

    .venv/bin/python benchmarks/par.py            # full run, about 2-3 minutes
    .venv/bin/python benchmarks/par.py --quick    # proves it works
"""

from __future__ import annotations

import argparse
import base64
import hashlib
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
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registration as rb  # noqa: E402  (sibling scripts: the same stack and helpers)
import stack  # noqa: E402  (the shared stack)
import token_endpoint as te  # noqa: E402

PAR_PATH = "/o/par/"
DYNAMIC = "urn:ietf:oauth:parameters:dynamic"
REDIRECT = "http://127.0.0.1/callback"
EXPECT = {PAR_PATH: 201, rb.REG_PATH: 201, te.TOKEN_PATH: 200}
SETTINGS_MODULE = "par_bench_settings"
SETTINGS = """from example_project.settings import *  # noqa: F401,F403
from example_project.settings import OAUTH_EXT as _BASE

OAUTH_EXT = {**_BASE, "PAR": {**_BASE.get("PAR", {}), "THROTTLE_RATE": "1000000/s"},
             "REGISTRATION": {**_BASE.get("REGISTRATION", {}), "THROTTLE_RATE": "1000000/s"}}
"""
ROWS = ("par", "cc", "classic", "classic-reg", "classic-par", "pushed")
TRIPS = {"par": 1, "cc": 1, "classic": 2, "classic-reg": 1, "classic-par": 1, "pushed": 1}
LABELS = {
    "par": "PAR, private_key_jwt ES256 (confidential)",
    "cc": "token client_credentials, same key (baseline)",
    "classic": "flow: registration + PAR (private_key_jwt)",
    "classic-reg": "  its POST /o/registration/ (stateful)",
    "classic-par": "  its PAR, first of the new client",
    "pushed": "flow: pushed registration PAR + DPoP",
}
Request = tuple[str, dict[str, str], bytes]  # path, headers, body (all POST)


# ----------------------------------------------------------------- clients and requests

@dataclass
class Kit:
    issuer: str
    par_htu: str  # the issuer's origin + /o/par/: what a DPoP proof at PAR must name
    statement: str  # from the one trusted, stateful publisher (private_key_jwt and none allowed)
    par_signer: Any  # oauth_ext.client.AssertionSigner of the confidential authorization-code client
    cc_signer: Any  # the same key, for its client_credentials twin

    @staticmethod
    def authorization(client_id: str) -> dict[str, str]:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        return {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "read",
                "state": secrets.token_hex(8), "code_challenge": challenge, "code_challenge_method": "S256"}

    @staticmethod
    def par(signer: Any) -> Request:
        body = urlencode({**Kit.authorization(signer.client_id), **signer.form_fields()})  # fresh jti
        return PAR_PATH, {"Content-Type": te.FORM, "Host": "127.0.0.1"}, body.encode()

    def token(self) -> Request:
        body = urlencode({"grant_type": "client_credentials", **self.cc_signer.form_fields()})
        return te.TOKEN_PATH, {"Content-Type": te.FORM, "Host": "127.0.0.1"}, body.encode()

    def registration(self) -> tuple[Request, dict[str, Any]]:
        from oauth_ext.core import jose

        key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        body = json.dumps({"software_statement": self.statement, "jwks": {"keys": [jose.public_jwk(key)]}})
        return (rb.REG_PATH, {"Content-Type": rb.JSON, "Host": "127.0.0.1"}, body.encode()), key

    def signer(self, client_id: str, key: dict[str, Any]) -> Any:
        from oauth_ext.client import AssertionSigner

        return AssertionSigner(key, client_id=client_id, audience=self.issuer)

    def pushed(self) -> Request:
        from oauth_ext.client.dpop import DPoPKey

        body = urlencode({**self.authorization(DYNAMIC), "client_registration": json.dumps({"software_statement": self.statement})})
        proof = DPoPKey.generate().proof("POST", self.par_htu)  # a new key: a new client each time
        return PAR_PATH, {"Content-Type": te.FORM, "Host": "127.0.0.1", "DPoP": proof}, body.encode()


def create_kit(run_id: str, issuer: str) -> Kit:
    from oauth2_provider.models import get_application_model

    from oauth_ext.client import AssertionSigner
    from oauth_ext.clients.services import set_client_keys
    from oauth_ext.core import jose
    from oauth_ext.software_statements.models import SoftwarePublisher

    vendor, iss = jose.private_key_to_jwk(jose.generate_private_key("ES256")), "https://vendor.example.com"
    publisher = SoftwarePublisher(
        name="Vendor", issuer=iss, jwks={"keys": [jose.public_jwk(vendor)]}, software_ids=["mail-app"],
        scope_ceiling=["read", "write"], allowed_auth_methods=["private_key_jwt", "none"], allow_stateless=False)
    publisher.full_clean()
    publisher.save()
    now = int(time.time())
    claims = {"iss": iss, "iat": now, "exp": now + 86400, "software_id": "mail-app", "software_version": "1.2",
              "client_name": "Mail", "grant_types": ["authorization_code", "refresh_token"], "redirect_uris": [REDIRECT],
              "token_endpoint_auth_method": "private_key_jwt"}
    statement = jose.sign(claims, key=jose.load_private_jwk(vendor), alg="ES256", headers={"kid": vendor["kid"]})
    Application, key = get_application_model(), jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    signers = {}
    for name, grant in (("par", Application.GRANT_AUTHORIZATION_CODE), ("cc", Application.GRANT_CLIENT_CREDENTIALS)):
        app = Application.objects.create(
            name=f"par-bench {run_id} {name}", client_id=f"bench-{run_id}-{name}", client_secret=secrets.token_hex(32),
            hash_client_secret=False, client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=grant,
            redirect_uris=REDIRECT if name == "par" else "", algorithm="")
        set_client_keys(app, method="private_key_jwt", jwks={"keys": [jose.public_jwk(key)]})
        signers[name] = AssertionSigner(key, client_id=app.client_id, audience=issuer)
    origin = issuer.split("://", 1)[0] + "://" + issuer.split("://", 1)[1].split("/", 1)[0]
    return Kit(issuer, origin + PAR_PATH, statement, signers["par"], signers["cc"])


def count_queries(kit: Kit, show: bool) -> dict[str, tuple[int, int]]:
    """``(queries, writes)`` of one request of each kind, each after an uncounted one;
    the classic flow's PAR is the first of its just-registered client."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client, counts = Client(), {}  # host testserver; the DPoP htu stays the issuer's (kit.par_htu)

    def post(name: str | None, request: Request) -> Any:
        path, headers, body = request
        with CaptureQueriesContext(connection) as captured:
            response = client.post(path, data=body, content_type=headers["Content-Type"],
                                   headers={k: v for k, v in headers.items() if k not in ("Content-Type", "Host")})
        if response.status_code != EXPECT[path]:
            raise SystemExit(f"in-process {name} request failed: {response.status_code} {response.content[:300]!r}")
        sqls = [q["sql"] for q in captured.captured_queries]
        if name:
            counts[name] = (len(sqls), sum(s.lstrip().split(None, 1)[0].upper() in rb.WRITES for s in sqls))
            for sql in sqls if show else []:
                print(f"  [{name}] {sql[:150]}")
        return response

    for name in (None, "cc"):
        post(name, kit.token())
    for name in (None, "par"):
        post(name, kit.par(kit.par_signer))
    for reg_name, par_name in ((None, None), ("classic-reg", "classic-par")):
        request, key = kit.registration()
        client_id = json.loads(post(reg_name, request).content)["client_id"]
        post(par_name, kit.par(kit.signer(client_id, key)))
    for name in (None, "pushed"):
        post(name, kit.pushed())
    counts["classic"] = tuple(a + b for a, b in zip(counts["classic-reg"], counts["classic-par"]))
    return counts


# ----------------------------------------------------------------- HTTP rounds

def run_rounds(pool: ProcessPoolExecutor, server: te.Gunicorn, kit: Kit, args: argparse.Namespace) -> dict[str, list[te.Batch]]:
    def fire(requests: list[Request]) -> tuple[te.Batch, list[float | None], list[str | None]]:
        cpu = server.worker_cpu()
        sent = [("POST", *request) for request in requests]
        raw = pool.submit(te.fire, server.port, sent, args.concurrency, args.batch_timeout, EXPECT).result()
        return te.Batch.from_fire(raw, server.worker_cpu() - cpu), raw["latencies"], raw["client_ids"]

    def batch(variant: str, n: int) -> dict[str, te.Batch]:
        if variant == "par":
            return {"par": fire([kit.par(kit.par_signer) for _ in range(n)])[0]}
        if variant == "cc":
            return {"cc": fire([kit.token() for _ in range(n)])[0]}
        if variant == "pushed":
            return {"pushed": fire([kit.pushed() for _ in range(n)])[0]}
        made = [kit.registration() for _ in range(n)]  # instance keys made before the clock
        reg, reg_latencies, ids = fire([request for request, _ in made])
        registered = [(i, cid) for i, cid in enumerate(ids) if cid]
        par, par_latencies, _ = fire([kit.par(kit.signer(cid, made[i][1])) for i, cid in registered])  # signed now
        flows = [reg_latencies[i] + lat for (i, _), lat in zip(registered, par_latencies) if lat is not None]
        cpu = (reg.cpu * len(reg.latencies) + par.cpu * len(par.latencies)) / max(1, len(flows))
        flow = te.Batch(reg.elapsed + par.elapsed, flows, reg.errors + par.errors, reg.failures + par.failures, cpu)
        return {"classic": flow, "classic-reg": reg, "classic-par": par}

    variants = ("par", "cc", "classic", "pushed")
    for variant in variants:
        for name, warm in batch(variant, args.warmup).items():
            print(f"warm-up {name:>11}: {len(warm.latencies)} requests, {warm.rps:.1f}/s, {warm.errors} errors", flush=True)
    results: dict[str, list[te.Batch]] = {v: [] for v in ROWS}
    for round_no in range(1, args.rounds + 1):
        parts = []
        for variant in variants:
            for name, result in batch(variant, args.requests).items():
                results[name].append(result)
                if not name.startswith("classic-"):
                    parts.append(f"{name} {result.rps:.1f}/s" + (f" ({result.errors} errors: {result.failures[0]})"
                                                                 if result.errors else ""))
        print(f"round {round_no}: " + " | ".join(parts), flush=True)
    return results


# ----------------------------------------------------------------- report

def report(results: dict[str, list[te.Batch]], counts: dict[str, tuple[int, int]], verify: float,
           args: argparse.Namespace) -> None:
    median = statistics.median
    rps = {v: median([b.rps for b in batches]) for v, batches in results.items()}
    cpu = {v: median([b.cpu for b in batches]) for v, batches in results.items()}
    head = (f"{'variant':<58} {'trips':>5} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10}"
            f" {'queries/req':>11} {'writes/req':>10} {'errors':>6}")

    def table(variants: tuple[str, ...]) -> None:
        print(head)
        for v in variants:
            p50, p99 = (median([b.percentile(p) for b in results[v]]) * 1e3 for p in (.50, .99))
            queries, writes = counts[v]
            print(f"{v:<12}{LABELS[v]:<46} {TRIPS[v]:>5} {rps[v]:>10.1f} {p50:>8.1f} {p99:>8.1f} {cpu[v] * 1e3:>10.2f}"
                  f" {queries:>11} {writes:>10} {sum(b.errors for b in results[v]):>6}")

    def ratio(name: str, x: str, y: str) -> None:
        paired = [bx.rps / by.rps for bx, by in zip(results[x], results[y])]
        print(f"{name:<36} = {rps[x] / rps[y]:.2f}   (median per round {median(paired):.2f}: "
              f"{', '.join(f'{r:.2f}' for r in paired)}; worker CPU {y}/{x} {cpu[y] / cpu[x]:.2f})")

    print(f"\n== PAR benchmark: gunicorn {args.workers} sync workers, PostgreSQL + Redis, concurrency "
          f"{args.concurrency}, {args.requests} requests (or flows) per batch, median of {args.rounds} rounds")
    print(f"machine: {te.machine()}\n")
    table(("par", "cc"))
    print("(CPU ms/req: user + system CPU of the gunicorn workers, PostgreSQL and Redis not included; queries and"
          " writes:\n one request counted in process, BEGIN/COMMIT/SAVEPOINT included)\n")
    ratio("ratio PAR/client_credentials", "par", "cc")
    print("\n== A new client reaches an authorization request (flow rows: requests/s = complete flows/s, CPU, queries"
          " and writes per flow)")
    table(("classic", "classic-reg", "classic-par", "pushed"))
    print()
    ratio("ratio flows pushed/classic", "pushed", "classic")
    print(f"round trips per flow: classic {TRIPS['classic']}, pushed {TRIPS['pushed']}")
    print(f"DB writes per flow: classic {counts['classic'][1]} (registration {counts['classic-reg'][1]}"
          f" + PAR {counts['classic-par'][1]}), pushed {counts['pushed'][1]}")
    print(f"\nES256 verify alone (cryptography): {verify * 1e6:.1f} us")
    for v in ("par", "cc", "classic", "pushed"):
        print(f"  worker CPU per {v:<8} = {cpu[v] / verify:6.1f} x ES256 verify")


# ----------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests (flows for classic/pushed) per batch")
    parser.add_argument("--rounds", type=int, default=5, help="at least 3")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=150, help="warm-up requests (flows) per variant")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (BENCHMARKS.md: 2)")
    parser.add_argument("--batch-timeout", type=float, default=60.0, help="seconds after which a batch stops sending")
    parser.add_argument("--database", default="oauth_ext_bench_par", help="prefix of the run's own database")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of the counted requests")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: proves the script works; numbers are noise")
    args = parser.parse_args(argv)
    if args.quick:
        args.requests, args.rounds, args.warmup = 30, 3, 10
    if args.rounds < 3:
        parser.error("--rounds must be at least 3")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the clean-up below runs
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port, run_id = args.port or sock.getsockname()[1], secrets.token_hex(4)
    prefix, workdir = f"oauth_ext_bench_{run_id}", Path(tempfile.mkdtemp(prefix="oauth_ext_bench_par_"))
    database = f"{args.database}_{run_id}"
    env = te.stack_env(database, port, workdir, prefix)
    env["DJANGO_ALLOWED_HOSTS"] += ",testserver"  # django.test.Client's host
    env["CELERY_QUEUE"] = f"{prefix}:celery"  # whatever is queued lands here (no worker), removed below
    env["DJANGO_SETTINGS_MODULE"], env["PYTHONPATH"] = SETTINGS_MODULE, str(workdir)  # throttles lifted
    (workdir / f"{SETTINGS_MODULE}.py").write_text(SETTINGS)
    sys.path.insert(0, str(workdir))
    pool: ProcessPoolExecutor | None = None
    try:
        te.setup_django(env, workdir, database)
        from oauth_ext.conf import app_settings

        print(f"throttles: PAR {app_settings.PAR.THROTTLE_RATE}, registration {app_settings.REGISTRATION.THROTTLE_RATE};"
              f" pushed registration: {app_settings.PAR.PUSHED_REGISTRATION}", flush=True)
        kit = create_kit(run_id, env["OAUTH_EXT_ISSUER"])
        counts = count_queries(kit, args.show_queries)
        verify = te.es256_verify_seconds(kit.par_signer, 200 if args.quick else 2000)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        with te.Gunicorn(port, env, args.workers, workdir / "gunicorn.log") as server:
            results = run_rounds(pool, server, kit, args)
            server_log = server.log.read_text().strip()
        report(results, counts, verify, args)
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
