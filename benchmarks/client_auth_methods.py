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
printed, never asserted. The run's own database (clients and attester included), cache
keys and temporary files are removed at the end.

    .venv/bin/python benchmarks/client_auth_methods.py            # full run, about 2 minutes
    .venv/bin/python benchmarks/client_auth_methods.py --quick    # proves it works
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
from stack import FORM, TOKEN_PATH  # noqa: E402

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
    from oauth_ext.client_sdk import AssertionSigner
    from oauth_ext.client_sdk.attestation import ClientAttestation
    from oauth_ext.client_sdk.dpop import DPoPKey
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


def run_rounds(run: stack.Run, kit: Kit, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> stack.Batch:
        return run.load([("POST", TOKEN_PATH, *kit.request(variant)) for _ in range(n)])

    return stack.alternate(args.rounds, batch, dict.fromkeys(ORDER, args.requests), dict.fromkeys(ORDER, args.warmup))


def report(results: dict[str, list[stack.Batch]], queries: dict[str, int], args: argparse.Namespace) -> None:
    s = stack.summarize(results)
    print(f"\n== Client authentication methods: client_credentials, gunicorn {args.workers} sync workers, "
          f"concurrency {args.concurrency}, {args.requests} requests per batch, median of {args.rounds} rounds")
    print(f"machine: {stack.machine()}\n")
    print(f"{'variant':<9} {'method':<48} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10}"
          f" {'queries/req':>11} {'errors':>6}")
    for v in ORDER:
        print(f"{v:<9} {LABELS[v]:<48} {s[v].cells} {queries[v]:>11} {s[v].errors:>6}")
    print("(CPU ms/req: user + system CPU of the gunicorn workers per request; PostgreSQL and Redis not included)\n")
    for a, b in RATIOS:
        paired = [x.rps / y.rps for x, y in zip(results[a], results[b])]
        print(f"ratio {a}/{b} = {s[a].rps / s[b].rps:.2f}   (per round: {', '.join(f'{r:.2f}' for r in paired)})")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_client_auth", show_queries=True)
    parser.add_argument("--requests", type=int, default=600, help="requests per batch")
    parser.add_argument("--warmup", type=int, default=200)
    return stack.parse(parser, argv, {"requests": 30, "rounds": 3, "warmup": 10})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with stack.Run(args, "client_auth") as run:
        kit = create_kit(run.run_id, run.issuer)
        queries = stack.QueryCounter(args.show_queries).after_one(ORDER, lambda v: ("POST", TOKEN_PATH, *kit.request(v)))
        with run.serve():
            results = run_rounds(run, kit, args)
        report(results, queries, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
