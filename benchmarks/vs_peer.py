#!/usr/bin/env python
"""Token endpoint against the fastest peer: oauth_ext and node-oidc-provider side by side.

The same job on both: client_credentials, ``private_key_jwt`` with the same ES256 client
key, scope ``read``, ES256-signed JWT access tokens (RFC 9068), with and without a DPoP
proof (RFC 9449). Variants, alternated in every round:

* ``ours``   -- the example project under gunicorn, 2 sync workers (BENCHMARKS.md),
  access tokens stored (the default);
* ``ours+s`` -- the same with stateless access tokens (``ACCESS_TOKENS.STATELESS``: no
  AccessToken row, the status entry and a side record in one statement);
* ``ours+t``, ``ours+ts`` -- stored and stateless under gunicorn ``gthread`` (2 workers x
  ``--threads``), to compare worker models;
* ``peer``   -- node-oidc-provider ``PEER_VERSION`` (npm), 2 cluster workers, its
  default in-memory adapter, JWT access tokens through resource indicators
  (``features.resourceIndicators.getResourceServerInfo`` answering
  ``accessTokenFormat: 'jwt'``), ``features.clientCredentials`` and ``features.dPoP``
  on, ``clientAuthMethods: ['private_key_jwt']``.

each ``bearer`` and ``dpop`` (a DPoP proof per request). The peer is installed by npm into a throwaway
folder (the run's temporary directory, or ``--peer-dir`` to keep it between runs; never
in the repository). Ours runs on PostgreSQL and Redis on loopback, DEBUG off, persistent
DB connections, a database and cache prefix of the run's own (``stack.Run``). The load
comes from a spawned process at a fixed concurrency; every assertion and DPoP proof is
signed (fresh ``jti``) before the clock starts. ``--seed-tokens`` rows are put in the
access-token and status-entry tables first (SQL, not timed), so the rounds run against a
grown table. Printed: requests/s, p50, p99, worker CPU ms per request (the gunicorn or node
workers' user + system CPU), database round trips per request (ours: counted in-process
with CaptureQueriesContext; the peer keeps everything in memory), the ratio ours/peer
per round and its median, and the first-to-last-round drift. Targets are printed,
never asserted.

    .venv/bin/python benchmarks/vs_peer.py               # 5 rounds, 1,000 requests each, 1 M seeded tokens
    .venv/bin/python benchmarks/vs_peer.py --quick       # seconds: proves it works; numbers are noise

Needs ``node`` and ``npm`` (Debian: ``apt-get install nodejs npm``) and the npm registry.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
from stack import FORM, TOKEN_PATH  # noqa: E402

PEER_VERSION = "9.13.3"
PEER_TOKEN_PATH = "/token"
SCOPE = "read"
RESOURCE = "https://api.bench.example"
VARIANTS = ("ours:bearer", "peer:bearer", "ours+s:bearer", "ours:dpop", "peer:dpop", "ours+s:dpop",
            "ours+t:bearer", "ours+t:dpop", "ours+ts:bearer", "ours+ts:dpop")
THREADED = ("ours+t", "ours+ts")  # run only with gthread
STATELESS_SETTINGS = """from example_project.settings import *  # noqa: F403

OAUTH_EXT = {**OAUTH_EXT, "ACCESS_TOKENS": {**OAUTH_EXT.get("ACCESS_TOKENS", {}), "STATELESS": True}}  # noqa: F405
"""
PEER_SERVER = r"""
import cluster from 'node:cluster';
import Provider from 'oidc-provider';

const cfg = JSON.parse(process.env.PEER_CONFIG);
if (cluster.isPrimary) {
  for (let i = 0; i < cfg.workers; i += 1) cluster.fork();
  cluster.on('exit', (worker, code) => { console.error(`worker ${worker.process.pid} exited ${code}`); });
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM'); process.exit(0); });
} else {
  const provider = new Provider(cfg.issuer, {
    clients: [{
      client_id: cfg.client_id,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      id_token_signed_response_alg: 'ES256',
      jwks: { keys: [cfg.client_jwk] },
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: cfg.scope,
    }],
    clientAuthMethods: ['private_key_jwt'],
    jwks: { keys: [cfg.as_jwk] },
    scopes: [cfg.scope],
    cookies: { keys: [cfg.cookie_key] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      dPoP: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => cfg.resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: cfg.scope,
          audience: cfg.resource,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }),
      },
    },
  });
  provider.listen(cfg.port, '127.0.0.1');
}
"""


# ----------------------------------------------------------------- the peer

def require_node() -> tuple[str, str]:
    """``node`` and ``npm``, or exit loudly: the comparison is the point of this script."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        ci = " (CI=true: the peer is required)" if os.environ.get("CI") == "true" else ""
        raise SystemExit(f"vs_peer: node and npm are required{ci}; install them (Debian: apt-get install -y nodejs npm)")
    return node, npm


def install_peer(folder: Path, npm: str) -> Path:
    """node-oidc-provider ``PEER_VERSION`` in ``folder`` (kept if already there)."""
    folder.mkdir(parents=True, exist_ok=True)
    installed = folder / "node_modules" / "oidc-provider" / "package.json"
    if not (installed.exists() and json.loads(installed.read_text())["version"] == PEER_VERSION):
        (folder / "package.json").write_text(json.dumps({"private": True, "type": "module"}))
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--omit=dev", f"oidc-provider@{PEER_VERSION}"],
                              cwd=folder, capture_output=True, text=True, timeout=600)
        if done.returncode:
            raise SystemExit(f"npm install oidc-provider@{PEER_VERSION} failed:\n{done.stderr[-2000:]}")
    (folder / "server.mjs").write_text(PEER_SERVER)
    return folder


class Peer:
    """node-oidc-provider with ``workers`` cluster workers on ``port``; stopped on exit."""

    def __init__(self, folder: Path, node: str, config: dict[str, Any], log: Path):
        self.folder, self.node, self.config, self.log = folder, node, config, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return self.config["port"]

    def __enter__(self) -> Peer:
        env = {**os.environ, "PEER_CONFIG": json.dumps(self.config), "NODE_ENV": "production"}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen([self.node, "server.mjs"], cwd=self.folder, env=env, stdout=log,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/.well-known/openid-configuration")
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise SystemExit(f"node-oidc-provider did not come up (exit code {self.proc.poll()}):\n{self.log.read_text()[-2000:]}")

    def worker_cpu(self) -> float:
        return stack.children_cpu(self.proc.pid)

    def __exit__(self, *exc: object) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()  # the primary stops its workers; they also exit when it is gone
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ----------------------------------------------------------------- clients and requests

@dataclass
class Kit:
    """What both servers need to be sent the same job."""
    client_id: str
    client_jwk: dict[str, Any]  # private
    dpop: Any  # oauth_ext.client_sdk.dpop.DPoPKey
    ours_issuer: str
    peer_issuer: str

    def request(self, variant: str) -> stack.Request:
        """A fresh assertion (and proof) for ``server:kind``."""
        from oauth_ext.client_sdk import AssertionSigner

        server, kind = variant.split(":")
        peer = server == "peer"
        issuer = self.peer_issuer if peer else self.ours_issuer
        path = PEER_TOKEN_PATH if peer else TOKEN_PATH
        signer = AssertionSigner(self.client_jwk, client_id=self.client_id, audience=issuer)
        headers = {"Content-Type": FORM}
        if not peer:
            headers["Host"] = "127.0.0.1"
        if kind == "dpop":
            origin = issuer if peer else issuer.rsplit("/o", 1)[0]
            headers["DPoP"] = self.dpop.proof("POST", origin + path)
        body = urlencode({"grant_type": "client_credentials", "scope": SCOPE, **signer.form_fields()}).encode()
        return "POST", path, headers, body


def create_client(run_id: str, private_jwk: dict[str, Any]) -> str:
    from oauth2_provider.models import get_application_model

    from oauth_ext.clients.services import set_client_keys
    from oauth_ext.core import jose

    Application = get_application_model()
    app = Application.objects.create(
        name=f"vs-peer {run_id}", client_id=f"bench-{run_id}", client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, redirect_uris="", algorithm="",
    )
    set_client_keys(app, method="private_key_jwt", jwks={"keys": [jose.public_jwk(private_jwk)]}, signing_alg="ES256")
    return app.client_id


def seed_tokens(client_id: str, count: int, run_id: str) -> None:
    """``count`` live access tokens of the client with status entries in a full list of
    their own: two INSERT ... SELECT on the server (not timed)."""
    if count <= 0:
        return
    from django.db import connection, transaction
    from oauth2_provider.models import get_access_token_model, get_application_model

    from oauth_ext.status_list.models import StatusEntry, StatusList

    app_id = get_application_model().objects.get(client_id=client_id).pk
    tokens, entries = (connection.ops.quote_name(m._meta.db_table) for m in (get_access_token_model(), StatusEntry))
    size = 1 << (count - 1).bit_length()
    with transaction.atomic(), connection.cursor() as cursor:
        status_list = StatusList.objects.create(bits=1, size=size, next_position=size)  # full: allocation skips it
        checksum = "encode(sha256(convert_to(%s || g.i::text, 'UTF8')), 'hex')"
        cursor.execute(
            f"INSERT INTO {tokens} (token, token_checksum, expires, scope, application_id, created, updated, resource) "  # noqa: S608
            f"SELECT %s || g.i::text, {checksum}, now() + interval '1 hour', 'read', %s, now(), now(), '[]'::jsonb "
            "FROM generate_series(0, %s - 1) AS g(i)", [f"seed-{run_id}-", f"seed-{run_id}-", app_id, count])
        cursor.execute(
            f"INSERT INTO {entries} (status_list_id, idx, status, token_checksum, changed_at) "  # noqa: S608
            f"SELECT %s, g.i, 0, {checksum}, now() FROM generate_series(0, %s - 1) AS g(i)",
            [status_list.pk, f"seed-{run_id}-", count])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tokens}")
        cursor.execute(f"ANALYZE {entries}")


def count_queries(kit: Kit, show: bool) -> dict[str, tuple[int, int]]:
    """(round trips, writes) of one request of each kind of ours, stored and stateless,
    each after an uncounted one."""
    from django.conf import settings
    from django.test import override_settings

    counter = stack.QueryCounter(show)
    counter.after_one(("ours:bearer", "ours:dpop"), kit.request)
    conf = settings.OAUTH_EXT
    with override_settings(OAUTH_EXT={**conf, "ACCESS_TOKENS": {**conf.get("ACCESS_TOKENS", {}), "STATELESS": True}}):
        counter.after_one(("ours+s:bearer", "ours+s:dpop"), kit.request)
    return counter.counts


def stateless_settings(run: stack.Run) -> dict[str, str]:
    """The run's environment with a settings module that turns stateless tokens on."""
    module = f"{run.prefix}_stateless"
    (run.workdir / f"{module}.py").write_text(STATELESS_SETTINGS)
    return {**run.env, "DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": f"{run.workdir}:{stack.ROOT}"}


def es256_verify_seconds(kit: Kit, iterations: int) -> float:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from oauth_ext.core import jose

    key = jose.load_private_jwk(kit.client_jwk)
    data, algorithm = b"header.payload" * 20, ec.ECDSA(hashes.SHA256())
    signature, public = key.sign(data, algorithm), key.public_key()
    t0 = time.perf_counter()
    for _ in range(iterations):
        public.verify(signature, data, algorithm)
    return (time.perf_counter() - t0) / iterations


# ----------------------------------------------------------------- rounds and report

def check_same_job(servers: dict[str, Any], kit: Kit) -> None:
    """One request of each variant: a 200 with an ES256 ``at+jwt`` of the right type, or exit."""
    from oauth_ext.core import jose

    for variant in VARIANTS:
        server = servers.get(variant.split(":")[0])
        if server is None:
            continue
        method, path, headers, body = kit.request(variant)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read() or b"{}")
        conn.close()
        expected = "DPoP" if variant.endswith("dpop") else "Bearer"
        header = jose.unverified_header(answer.get("access_token", ""), max_bytes=16384) if response.status == 200 else {}
        if answer.get("token_type") != expected or header.get("typ") != "at+jwt" or header.get("alg") != "ES256":
            raise SystemExit(f"{variant}: not the same job: HTTP {response.status} {answer} {header}")


def run_rounds(run: stack.Run, servers: dict[str, Any], kit: Kit, args: argparse.Namespace) -> dict[str, list[stack.Batch]]:
    def batch(variant: str, n: int) -> stack.Batch:
        server = servers[variant.split(":")[0]]
        requests = [kit.request(variant) for _ in range(n)]  # signed before the clock starts
        cpu = server.worker_cpu()
        raw = run.pool.submit(stack.fire, server.port, requests, args.concurrency, args.batch_timeout, 200).result()
        return stack.Batch.from_fire(raw, server.worker_cpu() - cpu)

    variants = [v for v in VARIANTS if v.split(":")[0] in servers]
    return stack.alternate(args.rounds, batch, dict.fromkeys(variants, args.requests), dict.fromkeys(variants, args.warmup))


def report(results: dict[str, list[stack.Batch]], queries: dict[str, tuple[int, int]], verify: float,
           args: argparse.Namespace) -> None:
    s = stack.summarize(results)
    print(f"\n== Token endpoint vs node-oidc-provider {PEER_VERSION}: client_credentials, private_key_jwt ES256, "
          f"JWT access tokens, concurrency {args.concurrency}, median of {args.rounds} rounds")
    print(f"machine: {stack.machine()}; node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"requests per round {args.requests}; seeded tokens {args.seed_tokens:,}; ours: gunicorn 2 sync workers,"
          f" tokens stored; ours+s: stateless tokens; ours+t / ours+ts: the same under gthread, 2 x {args.threads}"
          " threads; peer: 2 cluster workers, in-memory adapter\n")
    print(f"{'variant':<16} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'DB trips/req':>12}"
          f" {'writes':>6} {'errors':>6} {'last/first':>10}")
    for v, summary in s.items():
        counted = v.replace("ours+ts:", "ours+s:").replace("ours+t:", "ours:")
        trips, writes = queries.get(counted, ("-", "-")) if not v.startswith("peer") else ("0*", "0*")
        drift = results[v][-1].rps / results[v][0].rps
        print(f"{v:<16} {summary.cells} {trips!s:>12} {writes!s:>6} {summary.errors:>6} {drift:>10.2f}")
    print("(CPU ms/req: user + system CPU of the gunicorn or node workers per request; PostgreSQL and Redis not included."
          " *: the peer keeps clients, replay state and tokens in process memory)")
    print(f"ES256 verify alone (cryptography): {verify * 1e6:.1f} us per call")
    print()
    width = len("ours+ts:bearer/peer:bearer")
    for kind in ("bearer", "dpop"):
        for ours in ("ours", "ours+s", *(THREADED if args.gthread else ())):
            stack.print_ratio(results, f"{ours}:{kind}/peer:{kind}", f"{ours}:{kind}", f"peer:{kind}", width)
        stack.print_ratio(results, f"ours+s:{kind}/ours:{kind}", f"ours+s:{kind}", f"ours:{kind}", width)
        if args.gthread:
            stack.print_ratio(results, f"ours+t:{kind}/ours:{kind}", f"ours+t:{kind}", f"ours:{kind}", width)
    print("\ntargets (informational, never asserted):")
    for ours, mode, floor, most in (("ours", "stored", 0.6, 3), ("ours+s", "stateless", 1.0, 2)):
        for kind in ("bearer", "dpop"):
            ratio = s[f"{ours}:{kind}"].rps / s[f"peer:{kind}"].rps
            label = f"{mode} {kind}"
            print(f"  ours/peer {label:<16} >= {floor} ........ {ratio:.2f}  {'met' if ratio >= floor else 'MISSED'}")
            trips = queries[f"{ours}:{kind}"][0]
            print(f"  DB round trips {label:<16} <= {most} ... {trips}  {'met' if trips <= most else 'MISSED'}")
            drift = results[f"{ours}:{kind}"][-1].rps / results[f"{ours}:{kind}"][0].rps
            print(f"  last round within 10% of the first ({label}) ... {drift:.2f}  {'met' if drift >= 0.9 else 'MISSED'}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_peer", rounds=5, show_queries=True)
    parser.add_argument("--requests", type=int, default=1000, help="requests per variant and round")
    parser.add_argument("--warmup", type=int, default=300, help="warm-up requests per variant")
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument("--no-gthread", dest="gthread", action="store_false", help="skip the gthread variants")
    parser.add_argument("--seed-tokens", type=int, default=1_000_000, help="access tokens in the table before the rounds")
    parser.add_argument("--peer-dir", type=Path, default=None,
                        help="where npm installs the peer (kept); default: the run's temporary directory")
    parser.add_argument("--verify-iterations", type=int, default=2000)
    args = stack.parse(parser, argv, {"requests": 40, "warmup": 10, "rounds": 3, "seed_tokens": 2000,
                                      "verify_iterations": 200})
    if args.rounds < 5 and not args.quick:
        parser.error("--rounds must be at least 5 (3 with --quick)")
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    node, npm = require_node()
    with stack.Run(args, "peer") as run:
        from oauth_ext.client_sdk.dpop import DPoPKey
        from oauth_ext.core import jose

        folder = install_peer(args.peer_dir or run.workdir / "peer", npm)
        client_jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ES256")
        client_id = create_client(run.run_id, client_jwk)
        peer_port = free_port()
        kit = Kit(client_id, client_jwk, DPoPKey.generate(), run.issuer, f"http://127.0.0.1:{peer_port}")
        print(f"seeding {args.seed_tokens:,} access tokens (not timed) ...", flush=True)
        seed_tokens(client_id, args.seed_tokens, run.run_id)
        queries = count_queries(kit, args.show_queries)
        verify = es256_verify_seconds(kit, args.verify_iterations)
        as_jwk = jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ES256")
        config = {"issuer": kit.peer_issuer, "port": peer_port, "workers": 2, "client_id": client_id,
                  "client_jwk": jose.public_jwk(client_jwk), "as_jwk": {**as_jwk, "use": "sig"}, "scope": SCOPE,
                  "resource": RESOURCE, "cookie_key": os.urandom(16).hex()}
        stateless_env = stateless_settings(run)
        others = {"ours+s": (stateless_env, "sync", 1)}
        if args.gthread:
            others.update({"ours+t": (run.env, "gthread", args.threads), "ours+ts": (stateless_env, "gthread", args.threads)})
        with run.serve() as ours, Peer(folder, node, config, run.workdir / "peer.log") as peer, ExitStack() as stack_:
            servers = {"ours": ours, "peer": peer}
            for name, (env, worker_class, threads) in others.items():
                log = run.workdir / f"gunicorn-{name}.log"
                servers[name] = stack_.enter_context(stack.Gunicorn(free_port(), env, args.workers, log,
                                                                    worker_class=worker_class, threads=threads))
            check_same_job(servers, kit)
            results = run_rounds(run, servers, kit, args)
        report(results, queries, verify, args)
        return run.exit_code(results)


if __name__ == "__main__":
    sys.exit(main())
