#!/usr/bin/env python
"""IMAP logins per second through a real Dovecot whose oauth2 passdb introspects our tokens.

The stack of BENCHMARKS.md (the example project under gunicorn, 2 sync workers,
PostgreSQL and Redis on loopback) answers introspection; Debian's Dovecot 2.3 runs as an
unprivileged instance of its own (tests/dovecot.py). Each login is a new IMAP
connection, ``AUTHENTICATE OAUTHBEARER`` with an IMAP token of the example's mail
service, then ``LOGOUT``, from ``--concurrency`` threads in a spawned process.

``introspection`` = every login asks the AS (auth cache off);
``cache``         = Dovecot's auth cache on (``auth_cache_size = 10M``, TTL 1 hour):
                    a repeated token skips introspection;
tokens are ``--tokens`` distinct ones, used in turn. Variants alternate within each
round; medians are quoted. Speed is printed, never asserted.

    .venv/bin/python benchmarks/dovecot.py            # full run, about a minute
    .venv/bin/python benchmarks/dovecot.py --quick    # proves it works
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import multiprocessing
import secrets
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)

REDIRECT = "http://127.0.0.1/callback"
IMAP = "imap://mail.example.com"
SERVICES = {"imap": ("mail", IMAP), "submission": ("mail.send", "smtp://mail.example.com")}
ORDER = ("introspection", "cache")
LABELS = {"introspection": "every login introspects (cache off)", "cache": "Dovecot auth cache on"}


def issue_tokens(run_id: str, n: int) -> tuple[str, list[str], dict[str, str]]:
    """A user, ``n`` IMAP tokens for them (one authorization, refreshes for IMAP), and the
    introspection client's credentials (secret stored in clear: DOT's cheapest path)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    username = f"dovecot-bench-{run_id}"
    user = get_user_model().objects.create_user(username, password=secrets.token_hex(8))
    secret = secrets.token_urlsafe(32)
    app = Application.objects.create(
        name="mail app", client_id=f"mail-{run_id}", client_secret=secret, hash_client_secret=False,
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT, algorithm="")
    introspector = {"client_id": f"dovecot-{run_id}", "client_secret": secrets.token_urlsafe(32)}
    Application.objects.create(name="dovecot", hash_client_secret=False, client_type=Application.CLIENT_CONFIDENTIAL,
                               authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, algorithm="", **introspector)
    verifier = secrets.token_urlsafe(48)
    # Granted for IMAP and SMTP: a refresh for IMAP alone keeps the refresh token and
    # the earlier IMAP tokens (no rotation).
    params = {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT, "scope": "mail mail.send",
              "resource": [IMAP, SERVICES["submission"][1]], "state": "s", "code_challenge_method": "S256",
              "code_challenge": base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()}
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(user)
    allowed = browser.post("/o/authorize/?" + urlencode(params, doseq=True),
                           {**params, "resource": " ".join(params["resource"]), "allow": "Allow"})
    code = parse_qs(urlsplit(allowed["Location"]).query)["code"][0]
    client = Client(HTTP_HOST="127.0.0.1")
    credentials = {"client_id": app.client_id, "client_secret": secret}
    first = client.post("/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                                      "code_verifier": verifier, "resource": IMAP, **credentials}).json()
    tokens = [first["access_token"]]
    while len(tokens) < n:
        body = client.post("/o/token/", {"grant_type": "refresh_token", "refresh_token": first["refresh_token"],
                                         "resource": IMAP, **credentials}).json()
        tokens.append(body["access_token"])
    return username, tokens, introspector


def logins(port: int, username: str, tokens: list[str], count: int, concurrency: int) -> dict[str, object]:
    """``count`` IMAP logins from ``concurrency`` threads (in a spawned process)."""
    import itertools
    import threading
    import time

    from tests.dovecot import imap_login

    class Target:
        port_imap = port

        def imap(self):
            from tests.dovecot import _IMAP4

            return _IMAP4("127.0.0.1", port, timeout=30)

    counter, latencies, failures = itertools.count(), [], []
    gate = threading.Barrier(concurrency + 1)

    def worker() -> None:
        gate.wait()
        while (i := next(counter)) < count:
            t0 = time.perf_counter()
            try:
                ok, challenges = imap_login(Target(), "OAUTHBEARER", username, tokens[i % len(tokens)])
            except Exception as exc:  # noqa: BLE001  (counted, shown)
                ok, challenges = False, exc
            latencies.append(time.perf_counter() - t0)
            if not ok:
                failures.append(repr(challenges))

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    gate.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return {"elapsed": time.perf_counter() - start, "latencies": latencies, "failures": failures}


def measure(run: stack.Run, pool: ProcessPoolExecutor, servers: dict, username: str, tokens: list[str],
            args: argparse.Namespace, n: int) -> dict[str, stack.Batch]:
    """One batch per variant; ``cpu`` is the AS workers' CPU per login."""
    out = {}
    for variant in ORDER:
        cpu = run.server.worker_cpu()
        raw = pool.submit(logins, servers[variant].port_imap, username, tokens, n, args.concurrency).result()
        out[variant] = stack.Batch(raw["elapsed"], raw["latencies"], len(raw["failures"]), raw["failures"][:3],
                                   (run.server.worker_cpu() - cpu) / max(1, len(raw["latencies"])))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_dovecot")
    parser.add_argument("--logins", type=int, default=400, help="IMAP logins per round and variant")
    parser.add_argument("--tokens", type=int, default=20, help="distinct tokens, used in turn")
    args = stack.parse(parser, argv, {"logins": 20, "tokens": 3, "rounds": 3, "concurrency": 4})
    sys.path.insert(0, str(stack.ROOT))
    from tests.dovecot import Dovecot, Relay

    with stack.Run(args, "dovecot") as run:
        username, tokens, introspector = issue_tokens(run.run_id, args.tokens)
        relay, servers = Relay(), {}
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        try:
            with run.serve():
                url = f"http://127.0.0.1:{run.port}/o/introspect/"
                for variant, cache in (("introspection", "0"), ("cache", "10M")):
                    servers[variant] = Dovecot.start(introspection_url=url, relay_port=relay.port, cache_size=cache,
                                                     services=SERVICES, debug="no", **introspector)

                def batch(variant: str, n: int) -> dict[str, stack.Batch]:
                    return measure(run, pool, servers, username, tokens, args, n) if variant == "introspection" else {}

                results = stack.alternate(args.rounds, batch, {"introspection": args.logins},
                                          {"introspection": max(args.tokens, 10)})
        finally:
            for server in servers.values():
                server.stop()
            relay.close()
            pool.shutdown(cancel_futures=True)
        s = stack.summarize(results)
        print(f"\n== Dovecot IMAP logins, machine: {stack.machine()}")
        print(f"gunicorn {args.workers} sync workers, concurrency {args.concurrency}, median of {args.rounds} rounds "
              f"of {args.logins} logins, {args.tokens} distinct tokens")
        print(f"{'variant':<14}{'what':<38} {'logins/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'AS CPU ms':>10} {'errors':>6}")
        for v in ORDER:
            print(f"{v:<14}{LABELS[v]:<38} {s[v].cells} {s[v].errors:>6}")
        print(f"ratio cache/introspection = {s['cache'].rps / s['introspection'].rps:.2f}")
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
