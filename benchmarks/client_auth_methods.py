#!/usr/bin/env python
"""Client authentication methods at the token endpoint: attestation against private_key_jwt.

``client_credentials`` requests per second, one row per method, in one run:

* ``pkjwt``    -- ``private_key_jwt``, a fresh ES256 assertion per request. The baseline.
* ``attest``   -- ``attest_jwt_client_auth``: the instance's attestation (ES256, signed
  once by the attester, as a client holds it) plus a fresh ES256 PoP JWT per request.
  Two signature checks per request, and two single-use checks (the PoP ``jti``).
* ``combined`` -- ``attest_jwt_client_auth_dpop``: the attestation plus a fresh DPoP
  proof of the instance key; the token is DPoP-bound.
* ``pkdpop``   -- ``private_key_jwt`` plus a DPoP proof of another key: the same token
  (DPoP-bound) by the usual two-credential route, so that combined mode has a fair twin.

The real stack (BENCHMARKS.md) from ``stack.py``: the example project under gunicorn
(2 sync workers), PostgreSQL and Redis on loopback, DEBUG off, a dedicated database and
cache key prefix. Every signed object of a batch is made before its clock starts. After
a warm-up the variants alternate for ``--rounds`` rounds; medians are quoted. Queries per
request are counted in process (django.test.Client + CaptureQueriesContext). Speed is
printed, never asserted. Clients, the attester, cache keys and temporary files are
removed at the end, with the run's own database.

    .venv/bin/python benchmarks/client_auth_methods.py            # full run, about 2 minutes
    .venv/bin/python benchmarks/client_auth_methods.py --quick    # proves it works
"""

from __future__ import annotations

import argparse
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
from stack import (  # noqa: E402  (the shared stack)
    Batch,
    Gunicorn,
    delete_cache_keys,
    drop_database,
    fire,
    machine,
    quietly,
    setup_django,
    stack_env,
)

TOKEN_PATH = "/o/token/"
FORM = "application/x-www-form-urlencoded"
ORDER = ("pkjwt", "attest", "combined", "pkdpop")
LABELS = {
    "pkjwt": "private_key_jwt ES256 (baseline)",
    "attest": "attest_jwt_client_auth (attestation + PoP JWT)",
    "combined": "attest_jwt_client_auth_dpop (combined mode)",
    "pkdpop": "private_key_jwt + DPoP proof",
}
RATIOS = (("attest", "pkjwt"), ("combined", "pkjwt"), ("combined", "pkdpop"), ("combined", "attest"))
Request = tuple[dict[str, str], bytes]  # headers, body


@dataclass
class Kit:
    token_url: str
    signers: dict[str, Any]  # variant -> AssertionSigner (pkjwt, pkdpop)
    attested: dict[str, Any]  # variant -> ClientAttestation (attest, combined)
    dpop_key: Any  # the pkdpop variant's DPoP key

    def request(self, variant: str) -> Request:
        body = {"grant_type": "client_credentials"}
        headers = {"Content-Type": FORM, "Host": "127.0.0.1"}
        if variant in self.signers:
            body.update(self.signers[variant].form_fields())
        if variant == "pkdpop":
            headers["DPoP"] = self.dpop_key.proof("POST", self.token_url)
        elif variant == "attest":
            headers.update(self.attested[variant].headers())
        elif variant == "combined":
            headers.update(self.attested[variant].combined_headers("POST", self.token_url))
        return headers, urlencode(body).encode()


def create_kit(run_id: str, issuer: str) -> Kit:
    from oauth2_provider.models import get_application_model

    from oauth_ext.attestation.models import Attester
    from oauth_ext.client import AssertionSigner
    from oauth_ext.client.attestation import ClientAttestation
    from oauth_ext.client.dpop import DPoPKey
    from oauth_ext.clients.services import set_client_keys
    from oauth_ext.core import jose

    Application = get_application_model()
    apps = {
        v: Application.objects.create(
            name=f"client-auth-bench {run_id} {v}", client_id=f"bench-{run_id}-{v}", client_secret=secrets.token_hex(16),
            client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            redirect_uris="", algorithm="",
        )
        for v in ORDER
    }
    signers = {}
    for variant in ("pkjwt", "pkdpop"):
        private = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        set_client_keys(apps[variant], method="private_key_jwt", jwks={"keys": [jose.public_jwk(private)]})
        signers[variant] = AssertionSigner(private, client_id=apps[variant].client_id, audience=issuer)
    attester_jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    Attester.objects.create(name=f"bench-{run_id}", jwks={"keys": [jose.public_jwk(attester_jwk)]},
                            client_ids=[apps["attest"].client_id, apps["combined"].client_id])
    attested = {}
    for variant, method in (("attest", "attest_jwt_client_auth"), ("combined", "attest_jwt_client_auth_dpop")):
        set_client_keys(apps[variant], method=method)
        key, now = DPoPKey.generate(), int(time.time())
        attestation = jose.sign(
            {"sub": apps[variant].client_id, "iat": now, "exp": now + 86400, "cnf": {"jwk": key.public_jwk}},
            key=jose.load_private_jwk(attester_jwk), alg="ES256",
            headers={"typ": "oauth-client-attestation+jwt", "kid": attester_jwk["kid"]},
        )
        attested[variant] = ClientAttestation(attestation, key, audience=issuer)
    token_url = issuer.rsplit("/o", 1)[0] + TOKEN_PATH
    return Kit(token_url=token_url, signers=signers, attested=attested, dpop_key=DPoPKey.generate())


def delete_kit(run_id: str) -> None:
    from oauth2_provider.models import get_application_model

    from oauth_ext.attestation.models import Attester

    get_application_model().objects.filter(client_id__startswith=f"bench-{run_id}-").delete()
    Attester.objects.filter(name=f"bench-{run_id}").delete()


def count_queries(kit: Kit) -> dict[str, int]:
    """Queries of one request of each kind, each after one uncounted request of that kind."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    test_client, counts = Client(), {}
    for variant in ORDER:
        for _ in range(2):
            headers, body = kit.request(variant)
            extra = {k: v for k, v in headers.items() if k != "Content-Type"}
            with CaptureQueriesContext(connection) as captured:
                response = test_client.post(TOKEN_PATH, data=body, content_type=FORM, headers=extra)
            if response.status_code != 200:
                raise SystemExit(f"in-process {variant} request failed: {response.status_code} {response.content[:300]!r}")
        counts[variant] = len(captured.captured_queries)
    return counts


def run_rounds(pool: ProcessPoolExecutor, server: Gunicorn, kit: Kit, args: argparse.Namespace) -> dict[str, list[Batch]]:
    def batch(variant: str, n: int) -> Batch:
        sent = [("POST", TOKEN_PATH, headers, body) for headers, body in (kit.request(variant) for _ in range(n))]
        cpu = server.worker_cpu()
        raw = pool.submit(fire, server.port, sent, args.concurrency, args.batch_timeout, 200).result()
        return Batch.from_fire(raw, server.worker_cpu() - cpu)

    for variant in ORDER:
        warm = batch(variant, args.warmup)
        print(f"warm-up {variant:>8}: {len(warm.latencies)} requests, {warm.rps:.1f} req/s, {warm.errors} errors", flush=True)
    results: dict[str, list[Batch]] = {v: [] for v in ORDER}
    for round_no in range(1, args.rounds + 1):
        parts = []
        for variant in ORDER:
            result = batch(variant, args.requests)
            results[variant].append(result)
            parts.append(f"{variant} {result.rps:6.1f} req/s" + (f" ({result.errors} errors, e.g. {result.failures[0]})"
                                                                 if result.errors else ""))
        print(f"round {round_no}: " + " | ".join(parts), flush=True)
    return results


def report(results: dict[str, list[Batch]], queries: dict[str, int], args: argparse.Namespace) -> None:
    median = statistics.median
    rps = {v: median([b.rps for b in results[v]]) for v in ORDER}
    cpu = {v: median([b.cpu for b in results[v]]) for v in ORDER}
    print(f"\n== Client authentication methods: client_credentials, gunicorn {args.workers} sync workers, "
          f"concurrency {args.concurrency}, {args.requests} requests per batch, median of {args.rounds} rounds")
    print(f"machine: {machine()}\n")
    print(f"{'variant':<9} {'method':<48} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10}"
          f" {'queries/req':>11} {'errors':>6}")
    for v in ORDER:
        p50, p99 = (median([b.percentile(p) for b in results[v]]) * 1e3 for p in (.50, .99))
        print(f"{v:<9} {LABELS[v]:<48} {rps[v]:>10.1f} {p50:>8.1f} {p99:>8.1f} {cpu[v] * 1e3:>10.2f} {queries[v]:>11}"
              f" {sum(b.errors for b in results[v]):>6}")
    print("(CPU ms/req: user + system CPU of the gunicorn workers per request; PostgreSQL and Redis not included)\n")
    for a, b in RATIOS:
        paired = [x.rps / y.rps for x, y in zip(results[a], results[b])]
        print(f"ratio {a}/{b} = {rps[a] / rps[b]:.2f}   (per round: {', '.join(f'{r:.2f}' for r in paired)})")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per batch")
    parser.add_argument("--rounds", type=int, default=5, help="at least 3")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (BENCHMARKS.md: 2)")
    parser.add_argument("--batch-timeout", type=float, default=60.0, help="seconds after which a batch stops sending")
    parser.add_argument("--database", default="oauth_ext_bench_client_auth", help="prefix of the run's own database")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
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
    prefix, workdir = f"oauth_ext_bench_{run_id}", Path(tempfile.mkdtemp(prefix="oauth_ext_bench_"))
    database = f"{args.database}_{run_id}"
    env = stack_env(database, port, workdir, prefix)
    pool: ProcessPoolExecutor | None = None
    try:
        setup_django(env, workdir, database)
        kit = create_kit(run_id, env["OAUTH_EXT_ISSUER"])
        queries = count_queries(kit)
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        with Gunicorn(port, env, args.workers, workdir / "gunicorn.log") as server:
            results = run_rounds(pool, server, kit, args)
            server_log = server.log.read_text().strip()
        report(results, queries, args)
        if server_log:
            print(f"\ngunicorn log (tail):\n{server_log[-1500:]}")
        return 1 if any(b.errors for batches in results.values() for b in batches) else 0
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if "django.db" in sys.modules:  # Django was set up
            quietly(delete_kit, run_id)
            quietly(sys.modules["django.db"].connections.close_all)
        quietly(drop_database, database)
        quietly(delete_cache_keys, prefix)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
