#!/usr/bin/env python
"""Token endpoint benchmark: client_credentials with three kinds of client authentication,
and token exchange for a Txn-Token.

* ``a``  -- ``client_secret_basic`` handled by DOT, secret in clear. The main baseline.
* ``a2`` -- the same with DOT's default hashed secret (PBKDF2): reported, never the only baseline.
* ``b``  -- ``private_key_jwt`` (oauth_ext), a fresh ES256 client assertion per request.
* ``x``  -- RFC 8693 token exchange of one live access token for a Txn-Token
  (draft-ietf-oauth-transaction-tokens-10) by a workload of the run's trust domain, with
  ``private_key_jwt`` as in ``b``: compared with ``b``, the cost of the exchange itself.

The real stack (BENCHMARKS.md): the example project under gunicorn (2 sync workers),
PostgreSQL and Redis on loopback, DEBUG off, persistent DB connections, a dedicated
database and cache key prefix. Load comes from a spawned process with a fixed number of
threads; each batch's requests, assertions included, are built before its clock starts.
After a warm-up the variants alternate ``a b a2`` for ``--rounds`` rounds; medians are
quoted. Queries per request are counted in-process (django.test.Client with
CaptureQueriesContext, never timed). Targets are printed, never asserted. The run's
database (clients included), cache keys, the server and temporary files are removed at the end.

    .venv/bin/python benchmarks/token_endpoint.py            # full run, about 3 minutes
    .venv/bin/python benchmarks/token_endpoint.py --quick    # seconds: proves it works
"""

from __future__ import annotations

import argparse
import base64
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
from stack import FORM, TOKEN_PATH  # noqa: E402

ORDER = ("a", "b", "x", "a2")
LABELS = {
    "a": "client_secret_basic, clear secret (DOT)",
    "a2": "client_secret_basic, hashed secret (DOT)",
    "b": "private_key_jwt ES256 (oauth_ext)",
    "x": "Txn-Token by token exchange, same auth",
}
TRUST_DOMAIN = "bench.trust-domain.example"
SETTINGS = """from example_project.settings import *  # noqa: F401,F403
from example_project.settings import OAUTH_EXT as _BASE

OAUTH_EXT = {{**_BASE, "TRANSACTION_TOKENS": {{"ENABLED": True, "TRUST_DOMAINS": [{{"AUDIENCE": {domain!r}, "CLIENTS": [{client!r}]}}]}}}}
"""
Request = tuple[dict[str, str], bytes]  # headers, body

# ----------------------------------------------------------------- clients and requests

@dataclass
class Clients:
    secrets: dict[str, tuple[str, str]]  # variant -> (client_id, secret)
    signer: Any  # oauth_ext.client_sdk.AssertionSigner
    workload: Any  # the signer of x, a workload of the trust domain
    subject_token: str  # the access token x exchanges

    def request(self, variant: str) -> Request:
        body = {"grant_type": "client_credentials"}
        headers = {"Content-Type": FORM, "Host": "127.0.0.1"}
        if variant == "x":
            body = {"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "audience": TRUST_DOMAIN,
                    "requested_token_type": "urn:ietf:params:oauth:token-type:txn_token", "scope": "read",
                    "subject_token": self.subject_token,
                    "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
                    "request_details": '{"action": "list"}', **self.workload.form_fields()}
        elif variant == "b":
            body.update(self.signer.form_fields())  # fresh jti and signature on each call
        else:
            client_id, secret = self.secrets[variant]
            headers["Authorization"] = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return headers, urlencode(body).encode()


def create_clients(run_id: str, issuer: str) -> Clients:
    from oauth2_provider.models import get_application_model

    from oauth_ext.client_sdk import AssertionSigner
    from oauth_ext.clients.services import set_client_keys
    from oauth_ext.core import jose

    Application = get_application_model()
    apps, plain = {}, {}
    for variant in ORDER:
        plain[variant] = secrets.token_hex(32)
        apps[variant] = Application.objects.create(
            name=f"token-endpoint-bench {run_id} {variant}", client_id=f"bench-{run_id}-{variant}",
            client_secret=plain[variant], hash_client_secret=variant == "a2",
            client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            redirect_uris="", algorithm="",
        )
    signers = {}
    for variant in ("b", "x"):
        private_jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        set_client_keys(apps[variant], method="private_key_jwt", jwks={"keys": [jose.public_jwk(private_jwk)]})
        signers[variant] = AssertionSigner(private_jwk, client_id=apps[variant].client_id, audience=issuer)
    # The subject token: one the workload itself obtained, scope read.
    subject = _post_in_process(urlencode({"grant_type": "client_credentials", "scope": "read", **signers["x"].form_fields()}).encode())
    return Clients(secrets={v: (apps[v].client_id, plain[v]) for v in ("a", "a2")}, signer=signers["b"],
                   workload=signers["x"], subject_token=subject.json()["access_token"])


def _post_in_process(body: bytes) -> Any:
    from django.test import Client

    response = Client().post(TOKEN_PATH, data=body, content_type=FORM, headers={"Host": "127.0.0.1"})
    if response.status_code != 200:
        raise SystemExit(f"in-process request failed: {response.status_code} {response.content[:300]!r}")
    return response


def count_queries(clients: Clients, show: bool) -> dict[str, int]:
    """Queries of one request of each kind, each after one uncounted request of that kind."""
    return stack.QueryCounter(show).after_one(ORDER, lambda v: ("POST", TOKEN_PATH, *clients.request(v)))


def es256_verify_seconds(signer: Any, iterations: int) -> float:
    """One ES256 verification with ``cryptography`` alone (median of 5 timed loops)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    data = signer.assertion().rsplit(".", 1)[0].encode()  # a real JWS signing input
    algorithm = ec.ECDSA(hashes.SHA256())
    signature, public_key = signer.key.sign(data, algorithm), signer.key.public_key()
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(iterations):
            public_key.verify(signature, data, algorithm)
        samples.append((time.perf_counter() - t0) / iterations)
    return statistics.median(samples)


# ----------------------------------------------------------------- running and reporting

def run_rounds(run: stack.Run, clients: Clients, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> stack.Batch:
        # all assertions signed before the clock starts
        return run.load([("POST", TOKEN_PATH, *clients.request(variant)) for _ in range(n)])

    sizes = {"a": args.requests, "b": args.requests, "x": args.requests, "a2": args.hashed_requests}
    warmups = {v: args.warmup if v != "a2" else max(2, args.hashed_requests // 4) for v in ORDER}
    return stack.alternate(args.rounds, batch, sizes, warmups)


def report(results: dict[str, list[stack.Batch]], queries: dict[str, int], verify: float, args: argparse.Namespace) -> None:
    from django.contrib.auth.hashers import get_hasher

    median, hasher, s = statistics.median, get_hasher(), stack.summarize(results)
    rps, cpu = {v: s[v].rps for v in ORDER}, {v: s[v].cpu for v in ORDER}
    print(f"\n== Token endpoint benchmark: client_credentials, gunicorn {args.workers} sync workers, "
          f"concurrency {args.concurrency}, median of {args.rounds} rounds")
    print(f"machine: {stack.machine()}")
    print(f"requests per round: a=b=x={args.requests} a2={args.hashed_requests}"
          f" (a2: {hasher.algorithm}, {getattr(hasher, 'iterations', '?')} iterations)\n")
    print(f"{'variant':<46} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'queries/req':>11}"
          f" {'errors':>6}")
    for v in ORDER:
        print(f"{v:<4}{LABELS[v]:<42} {s[v].cells} {queries[v]:>11} {s[v].errors:>6}")
    print("(CPU ms/req: user + system CPU of the gunicorn workers per request; PostgreSQL and Redis not included)")
    ratio_a = rps["b"] / rps["a"]
    paired = [b.rps / a.rps for a, b in zip(results["a"], results["b"])]
    print(f"\nratio b/a  = {ratio_a:.2f}   (per round: {', '.join(f'{r:.2f}' for r in paired)}; median {median(paired):.2f})")
    print(f"ratio b/a2 = {rps['b'] / rps['a2']:.2f}")
    paired_x = [x.rps / b.rps for b, x in zip(results["b"], results["x"])]
    print(f"ratio x/b  = {rps['x'] / rps['b']:.2f}   (Txn-Token exchange vs a client_credentials token, same"
          f" authentication; per round: {', '.join(f'{r:.2f}' for r in paired_x)})")
    print(f"worker CPU ratio a/b = {cpu['a'] / cpu['b']:.2f}   (b/a if the workers' CPU were the only cost)")
    wall = args.workers * (1 / rps["b"] - 1 / rps["a"])  # worker-seconds per request
    print(f"ES256 verify alone (cryptography): {verify * 1e6:.1f} us per call")
    print(f"per-request overhead of b over a: worker CPU {(cpu['b'] - cpu['a']) * 1e6:.0f} us"
          f" = {(cpu['b'] - cpu['a']) / verify:.1f} x one ES256 verify;"
          f" worker wall time {wall * 1e6:.0f} us = {wall / verify:.1f} x")
    print("targets (informational, never asserted):")
    print(f"  b/a >= 0.80 ................... {ratio_a:.3f}  {'met' if ratio_a >= 0.8 else 'MISSED'}"
          f"   (median per-round ratio {median(paired):.2f}, worker CPU ratio {cpu['a'] / cpu['b']:.2f})")
    met = queries["b"] <= queries["a"] + 2
    print(f"  queries b <= queries a + 2 .... {queries['b']} <= {queries['a']} + 2  {'met' if met else 'MISSED'}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench", rounds=9, show_queries=True)
    parser.add_argument("--requests", type=int, default=1000, help="requests per round for a and for b")
    parser.add_argument("--hashed-requests", type=int, default=24, help="requests per round for a2 (PBKDF2 is slow)")
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests for a and for b")
    parser.add_argument("--verify-iterations", type=int, default=2000)
    return stack.parse(parser, argv, {"requests": 40, "hashed_requests": 4, "rounds": 3, "warmup": 20,
                                      "verify_iterations": 200})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run_id = secrets.token_hex(4)  # the trust domain's client is bench-<run>-x
    with stack.Run(args, "token", run_id=run_id,
                   settings=SETTINGS.format(domain=TRUST_DOMAIN, client=f"bench-{run_id}-x")) as run:
        clients = create_clients(run_id, run.issuer)
        queries = count_queries(clients, args.show_queries)
        verify = es256_verify_seconds(clients.signer, args.verify_iterations)
        with run.serve():
            results = run_rounds(run, clients, args)
        report(results, queries, verify, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
