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

The stack is ``stack.py``'s (BENCHMARKS.md): the example project under
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
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import registration as rb  # noqa: E402  (sibling scripts: the same stack and helpers)
import stack  # noqa: E402  (the shared stack)
import token_endpoint as te  # noqa: E402
from stack import FORM, TOKEN_PATH  # noqa: E402

PAR_PATH = "/o/par/"
DYNAMIC = "urn:ietf:oauth:parameters:dynamic"
REDIRECT = "http://127.0.0.1/callback"
EXPECT = {PAR_PATH: 201, rb.REG_PATH: 201, TOKEN_PATH: 200}
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


# ----------------------------------------------------------------- clients and requests

@dataclass
class Kit:
    issuer: str
    par_htu: str  # the issuer's origin + /o/par/: what a DPoP proof at PAR must name
    statement: str  # from the one trusted, stateful publisher (private_key_jwt and none allowed)
    par_signer: Any  # oauth_ext.client_sdk.AssertionSigner of the confidential authorization-code client
    cc_signer: Any  # the same key, for its client_credentials twin

    @staticmethod
    def authorization(client_id: str) -> dict[str, str]:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        return {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "read",
                "state": secrets.token_hex(8), "code_challenge": challenge, "code_challenge_method": "S256"}

    @staticmethod
    def par(signer: Any) -> stack.Request:
        body = urlencode({**Kit.authorization(signer.client_id), **signer.form_fields()})  # fresh jti
        return "POST", PAR_PATH, {"Content-Type": FORM, "Host": "127.0.0.1"}, body.encode()

    def token(self) -> stack.Request:
        body = urlencode({"grant_type": "client_credentials", **self.cc_signer.form_fields()})
        return "POST", TOKEN_PATH, {"Content-Type": FORM, "Host": "127.0.0.1"}, body.encode()

    def registration(self) -> tuple[stack.Request, dict[str, Any]]:
        from oauth_ext.core import jose

        key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
        body = json.dumps({"software_statement": self.statement, "jwks": {"keys": [jose.public_jwk(key)]}})
        return ("POST", rb.REG_PATH, {"Content-Type": rb.JSON, "Host": "127.0.0.1"}, body.encode()), key

    def signer(self, client_id: str, key: dict[str, Any]) -> Any:
        from oauth_ext.client_sdk import AssertionSigner

        return AssertionSigner(key, client_id=client_id, audience=self.issuer)

    def pushed(self) -> stack.Request:
        from oauth_ext.client_sdk.dpop import DPoPKey

        body = urlencode({**self.authorization(DYNAMIC), "client_registration": json.dumps({"software_statement": self.statement})})
        proof = DPoPKey.generate().proof("POST", self.par_htu)  # a new key: a new client each time
        return "POST", PAR_PATH, {"Content-Type": FORM, "Host": "127.0.0.1", "DPoP": proof}, body.encode()


def create_kit(run_id: str, issuer: str) -> Kit:
    from oauth2_provider.models import get_application_model

    from oauth_ext.client_sdk import AssertionSigner
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
    post = stack.QueryCounter(show)  # host 127.0.0.1; the DPoP htu stays the issuer's (kit.par_htu)
    for name in (None, "cc"):
        post(name, kit.token())
    for name in (None, "par"):
        post(name, kit.par(kit.par_signer), 201)
    for reg_name, par_name in ((None, None), ("classic-reg", "classic-par")):
        request, key = kit.registration()
        client_id = json.loads(post(reg_name, request, 201).content)["client_id"]
        post(par_name, kit.par(kit.signer(client_id, key)), 201)
    for name in (None, "pushed"):
        post(name, kit.pushed(), 201)
    counts = post.counts
    counts["classic"] = tuple(a + b for a, b in zip(counts["classic-reg"], counts["classic-par"]))
    return counts


# ----------------------------------------------------------------- HTTP rounds

def run_rounds(run: stack.Run, kit: Kit, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> dict[str, stack.Batch]:
        if variant == "par":
            return {"par": run.load([kit.par(kit.par_signer) for _ in range(n)], EXPECT)}
        if variant == "cc":
            return {"cc": run.load([kit.token() for _ in range(n)], EXPECT)}
        if variant == "pushed":
            return {"pushed": run.load([kit.pushed() for _ in range(n)], EXPECT)}
        made = [kit.registration() for _ in range(n)]  # instance keys made before the clock
        reg = run.load([request for request, _ in made], EXPECT)
        registered = [(i, cid) for i, cid in enumerate(reg.client_ids) if cid]
        par = run.load([kit.par(kit.signer(cid, made[i][1])) for i, cid in registered], EXPECT)  # signed now
        flows = [reg.sent[i] + lat for (i, _), lat in zip(registered, par.sent) if lat is not None]
        cpu = (reg.cpu * len(reg.latencies) + par.cpu * len(par.latencies)) / max(1, len(flows))
        flow = stack.Batch(reg.elapsed + par.elapsed, flows, reg.errors + par.errors, reg.failures + par.failures, cpu)
        return {"classic": flow, "classic-reg": reg, "classic-par": par}

    variants = ("par", "cc", "classic", "pushed")
    return stack.alternate(args.rounds, batch, dict.fromkeys(variants, args.requests), dict.fromkeys(variants, args.warmup))


# ----------------------------------------------------------------- report

def report(results: dict[str, list[stack.Batch]], counts: dict[str, tuple[int, int]], verify: float,
           args: argparse.Namespace) -> None:
    s = stack.summarize(results)
    head = (f"{'variant':<58} {'trips':>5} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10}"
            f" {'queries/req':>11} {'writes/req':>10} {'errors':>6}")

    def table(variants: tuple[str, ...]) -> None:
        print(head)
        for v in variants:
            queries, writes = counts[v]
            print(f"{v:<12}{LABELS[v]:<46} {TRIPS[v]:>5} {s[v].cells} {queries:>11} {writes:>10} {s[v].errors:>6}")

    print(f"\n== PAR benchmark: gunicorn {args.workers} sync workers, PostgreSQL + Redis, concurrency "
          f"{args.concurrency}, {args.requests} requests (or flows) per batch, median of {args.rounds} rounds")
    print(f"machine: {stack.machine()}\n")
    table(("par", "cc"))
    print("(CPU ms/req: user + system CPU of the gunicorn workers, PostgreSQL and Redis not included; queries and"
          " writes:\n one request counted in process, BEGIN/COMMIT/SAVEPOINT included)\n")
    stack.print_ratio(results, "ratio PAR/client_credentials", "par", "cc", 36)
    print("\n== A new client reaches an authorization request (flow rows: requests/s = complete flows/s, CPU, queries"
          " and writes per flow)")
    table(("classic", "classic-reg", "classic-par", "pushed"))
    print()
    stack.print_ratio(results, "ratio flows pushed/classic", "pushed", "classic", 36)
    print(f"round trips per flow: classic {TRIPS['classic']}, pushed {TRIPS['pushed']}")
    print(f"DB writes per flow: classic {counts['classic'][1]} (registration {counts['classic-reg'][1]}"
          f" + PAR {counts['classic-par'][1]}), pushed {counts['pushed'][1]}")
    print(f"\nES256 verify alone (cryptography): {verify * 1e6:.1f} us")
    for v in ("par", "cc", "classic", "pushed"):
        print(f"  worker CPU per {v:<8} = {s[v].cpu / verify:6.1f} x ES256 verify")


# ----------------------------------------------------------------- main

def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_par", show_queries=True)
    parser.add_argument("--requests", type=int, default=400, help="requests (flows for classic/pushed) per batch")
    parser.add_argument("--warmup", type=int, default=150, help="warm-up requests (flows) per variant")
    return stack.parse(parser, argv, {"requests": 30, "rounds": 3, "warmup": 10})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with stack.Run(args, "par", settings=SETTINGS) as run:  # throttles lifted
        from oauth_ext.conf import app_settings

        print(f"throttles: PAR {app_settings.PAR.THROTTLE_RATE}, registration {app_settings.REGISTRATION.THROTTLE_RATE};"
              f" pushed registration: {app_settings.PAR.PUSHED_REGISTRATION}", flush=True)
        kit = create_kit(run.run_id, run.issuer)
        counts = count_queries(kit, args.show_queries)
        verify = te.es256_verify_seconds(kit.par_signer, 200 if args.quick else 2000)
        with run.serve():
            results = run_rounds(run, kit, args)
        report(results, counts, verify, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
