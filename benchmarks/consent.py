#!/usr/bin/env python
"""Consent grants and refresh-for-resource, on the real stack.

1. Authorization, in process (django.test.Client, a signed-in user, CaptureQueriesContext
   and perf_counter around each request; medians of ``--auth-requests``):
   ``grant``  = GET /o/authorize/ while an active consent covers the request: the code
   comes back at once (302);
   ``prompt`` = the same GET without a consent: the consent page (200);
   ``allow``  = the POST that allows it and records the consent (302 with the code);
   a first authorization costs ``prompt`` + ``allow``; a covered one costs ``grant``.
2. Token requests per second under load (the stack of BENCHMARKS.md: the example project
   under gunicorn, 2 sync workers, PostgreSQL and Redis on loopback, load from a spawned
   process at fixed concurrency, requests signed before each batch's clock starts):
   ``resource`` = ``grant_type=refresh_token`` with ``resource=`` one of the mail app's four
   services (no rotation: the refresh token stays), private_key_jwt ES256;
   ``cc`` = ``client_credentials`` by a twin client with the same key (the baseline).
   Variants alternate within each round; medians are quoted. Speed is printed, never
   asserted; the run's database, cache keys and temporary files are removed at the end.

    .venv/bin/python benchmarks/consent.py            # full run, about 2 minutes
    .venv/bin/python benchmarks/consent.py --quick    # proves it works
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import secrets
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
from stack import FORM, TOKEN_PATH  # noqa: E402

REDIRECT = "http://127.0.0.1/callback"
SERVICES = ("imap://mail.example.com", "smtp://mail.example.com", "https://dav.example.com/carddav",
            "https://dav.example.com/caldav")
SCOPE = "mail mail.send contacts calendar"
ORDER = ("resource", "cc")
LABELS = {"resource": "refresh_token + resource= (one service)", "cc": "client_credentials, same key (baseline)"}


@dataclass
class Kit:
    run_id: str
    user: Any
    apps: dict[str, Any]  # "code", "cc", "fresh"
    signers: dict[str, Any]
    refresh_token: str = ""

    def token(self, variant: str, i: int) -> stack.Request:
        if variant == "resource":
            body = {"grant_type": "refresh_token", "refresh_token": self.refresh_token,
                    "resource": SERVICES[i % len(SERVICES)], **self.signers["code"].form_fields()}
        else:
            body = {"grant_type": "client_credentials", **self.signers["cc"].form_fields()}
        return "POST", TOKEN_PATH, {"Content-Type": FORM, "Host": "127.0.0.1"}, urlencode(body).encode()


def authorization(client_id: str) -> tuple[dict[str, Any], str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": SCOPE,
            "resource": list(SERVICES), "state": secrets.token_hex(8), "code_challenge": challenge,
            "code_challenge_method": "S256"}, verifier


def create_kit(run_id: str, issuer: str) -> Kit:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import get_application_model

    from oauth_ext.client_sdk import AssertionSigner
    from oauth_ext.clients.services import set_client_keys
    from oauth_ext.core import jose

    Application = get_application_model()
    user = get_user_model().objects.create_user(f"consent-bench-{run_id}", password=secrets.token_hex(8))
    key = jose.private_key_to_jwk(jose.generate_private_key("ES256"))
    apps, signers = {}, {}
    for name, grant in (("code", Application.GRANT_AUTHORIZATION_CODE), ("cc", Application.GRANT_CLIENT_CREDENTIALS),
                        ("fresh", Application.GRANT_AUTHORIZATION_CODE)):
        apps[name] = Application.objects.create(
            name=f"consent-bench {run_id} {name}", client_id=f"bench-{run_id}-{name}", client_secret="",
            client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=grant, redirect_uris=REDIRECT,
            algorithm="")
        set_client_keys(apps[name], method="private_key_jwt", jwks={"keys": [jose.public_jwk(key)]})
        signers[name] = AssertionSigner(key, client_id=apps[name].client_id, audience=issuer)
    return Kit(run_id, user, apps, signers)


def measure_authorization(kit: Kit, n: int) -> dict[str, tuple[float, int]]:
    """Median seconds and queries per request of ``grant``, ``prompt`` and ``allow``; the
    consent of ``kit.apps["code"]`` is recorded by the first ``allow`` and a refresh token
    obtained for the load test."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from oauth_ext.consent.models import ConsentGrant

    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(kit.user)
    samples: dict[str, list[tuple[float, int]]] = {"grant": [], "prompt": [], "allow": []}

    def timed(name: str, call: Any, expect: int) -> Any:
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            response = call()
            elapsed = time.perf_counter() - t0
        if response.status_code != expect:
            raise SystemExit(f"{name}: HTTP {response.status_code} {response.content[:300]!r}")
        samples[name].append((elapsed, len(captured.captured_queries)))
        return response

    params, verifier = authorization(kit.apps["code"].client_id)
    url = "/o/authorize/?" + urlencode(params, doseq=True)
    form = {**params, "resource": " ".join(SERVICES), "allow": "Allow"}
    first = browser.post(url, form)
    code = parse_qs(urlsplit(first["Location"]).query)["code"][0]
    response = Client(HTTP_HOST="127.0.0.1").post(TOKEN_PATH, {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
        **kit.signers["code"].form_fields()})
    if response.status_code != 200:
        raise SystemExit(f"code exchange failed: {response.content[:300]!r}")
    kit.refresh_token = response.json()["refresh_token"]
    for _ in range(n + 2):  # two uncounted warm-ups each
        covered = "/o/authorize/?" + urlencode(authorization(kit.apps["code"].client_id)[0], doseq=True)
        timed("grant", lambda u=covered: browser.get(u), 302)
        params, _ = authorization(kit.apps["fresh"].client_id)
        url, form = "/o/authorize/?" + urlencode(params, doseq=True), {**params, "resource": " ".join(SERVICES), "allow": "Allow"}
        timed("prompt", lambda u=url: browser.get(u), 200)
        timed("allow", lambda u=url, f=form: browser.post(u, f), 302)
        ConsentGrant.objects.filter(user=kit.user, application=kit.apps["fresh"]).delete()  # a first time again
    return {name: (statistics.median(s[0] for s in rows[2:]), int(statistics.median(s[1] for s in rows[2:])))
            for name, rows in samples.items()}


def run_rounds(run: stack.Run, kit: Kit, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> stack.Batch:
        return run.load([kit.token(variant, i) for i in range(n)])

    return stack.alternate(args.rounds, batch, dict.fromkeys(ORDER, args.requests), dict.fromkeys(ORDER, args.warmup))


def report(auth: dict[str, tuple[float, int]], results: dict[str, list[stack.Batch]], args: argparse.Namespace) -> None:
    print(f"\n== Consent benchmark, machine: {stack.machine()}")
    print(f"\nauthorization endpoint, in process, median of {args.auth_requests}")
    print(f"{'variant':<8} {'what':<52} {'ms/req':>8} {'queries/req':>11}")
    what = {"grant": "GET, an active consent covers it: code at once", "prompt": "GET, no consent: the consent page",
            "allow": "POST allow: consent recorded, code"}
    for name in ("grant", "prompt", "allow"):
        print(f"{name:<8} {what[name]:<52} {auth[name][0] * 1e3:>8.2f} {auth[name][1]:>11}")
    first = auth["prompt"][0] + auth["allow"][0]
    print(f"ratio first authorization (prompt+allow) / covered (grant) = {first / auth['grant'][0]:.2f}"
          f"   queries {auth['prompt'][1] + auth['allow'][1]} vs {auth['grant'][1]}")
    print(f"\ntoken endpoint, gunicorn {args.workers} sync workers, concurrency {args.concurrency}, "
          f"median of {args.rounds} rounds of {args.requests}")
    print(f"{'variant':<9}{'what':<44} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'errors':>6}")
    s = stack.summarize(results)
    for v in ORDER:
        print(f"{v:<9}{LABELS[v]:<44} {s[v].cells} {s[v].errors:>6}")
    print(f"ratio refresh-for-resource / client_credentials = {s['resource'].rps / s['cc'].rps:.2f}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_consent")
    parser.add_argument("--auth-requests", type=int, default=200)
    parser.add_argument("--requests", type=int, default=600, help="token requests per round and variant")
    parser.add_argument("--warmup", type=int, default=200)
    return stack.parse(parser, argv, {"auth_requests": 5, "requests": 30, "rounds": 3, "warmup": 10})


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with stack.Run(args, "consent") as run:
        kit = create_kit(run.run_id, run.issuer)
        auth = measure_authorization(kit, args.auth_requests)
        with run.serve():
            results = run_rounds(run, kit, args)
        report(auth, results, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
