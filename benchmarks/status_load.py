"""Part 5 of the status list benchmark: token requests while the list they are allocated
from is rebuilt in a loop, against the same requests without (BENCHMARKS.md: the real
stack, load from a separate process, batches alternating)."""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from typing import Any

import stack


def seed_open_list(args: argparse.Namespace) -> int:
    """Open the list issuance allocates from and put ``--load-entries`` revoked entries in
    it, at positions reserved like any process's block (so no index is handed out twice)."""
    from django.db import connection, transaction

    from oauth_ext.status_list import services
    from oauth_ext.status_list.models import StatusEntry
    from oauth_ext.status_list.permutation import permute

    services._current.clear()
    services._blocks.clear()
    list_id, _ = services.allocate()
    first, end, size, key = services._reserve(list_id, args.load_entries)
    indices = [permute(p, size, key) for p in range(first, end)]
    table = connection.ops.quote_name(StatusEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (status_list_id, idx, status, token_checksum, changed_at) "  # noqa: S608
            "SELECT %s, r.i, 1, encode(sha256(convert_to('load:' || r.i::text, 'UTF8')), 'hex'), now() "
            "FROM unnest(%s::int[]) AS r(i)", [list_id, indices])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    return list_id


def token_requests(n: int, signer: Any) -> list[stack.Request]:
    from urllib.parse import urlencode

    headers = {"Content-Type": stack.FORM, "Host": "127.0.0.1"}
    return [("POST", stack.TOKEN_PATH, headers, urlencode({"grant_type": "client_credentials", **signer.form_fields()}).encode())
            for _ in range(n)]


def measure_issuance_during_rebuild(run: stack.Run, args: argparse.Namespace, issuer: str) -> dict[str, Any]:
    from django.db import connections
    from oauth2_provider.models import get_application_model

    from oauth_ext.client_sdk import AssertionSigner
    from oauth_ext.clients.services import set_client_keys
    from oauth_ext.core import jose
    from oauth_ext.status_list import services

    Application = get_application_model()
    app = Application.objects.create(name="status bench", client_id=f"status-bench-{run.run_id}", redirect_uris="",
                                     client_type=Application.CLIENT_CONFIDENTIAL, algorithm="",
                                     authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS)
    private = jose.private_key_to_jwk(jose.generate_private_key("ES256"), alg="ES256")
    set_client_keys(app, method="private_key_jwt", jwks={"keys": [jose.public_jwk(private)]})
    signer = AssertionSigner(private, client_id=app.client_id, audience=issuer)
    list_id = seed_open_list(args)
    t0 = time.perf_counter()
    services.rebuild(list_id)
    rebuild_seconds = time.perf_counter() - t0
    rebuilds: list[float] = []
    lock_waits = {"samples": 0, "waiting": 0}  # token requests' backends seen waiting on a lock

    def rebuild_loop(stop: threading.Event) -> None:
        """Rebuild the list again and again, a new one starting at most every
        ``--rebuild-interval`` seconds (the debounce window paces them in production)."""
        try:
            while not stop.is_set():
                t = time.perf_counter()
                services.rebuild(list_id)
                rebuilds.append(time.perf_counter() - t)
                stop.wait(max(0.0, args.rebuild_interval - (time.perf_counter() - t)))
        finally:
            connections.close_all()

    def sample_locks(stop: threading.Event) -> None:
        try:
            with connections["default"].cursor() as cursor:
                while not stop.wait(0.05):
                    cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND wait_event_type = 'Lock'")
                    lock_waits["samples"] += 1
                    lock_waits["waiting"] += cursor.fetchone()[0]
        finally:
            connections.close_all()

    def batch(variant: str, n: int) -> stack.Batch:
        requests = token_requests(n, signer)  # signed before the clock starts
        if variant == "quiet":
            return run.load(requests)
        stop = threading.Event()
        helpers = [threading.Thread(target=rebuild_loop, args=(stop,)), threading.Thread(target=sample_locks, args=(stop,))]
        for helper in helpers:
            helper.start()
        try:
            return run.load(requests)
        finally:
            stop.set()
            for helper in helpers:
                helper.join()

    with run.serve():
        results = stack.alternate(args.rounds, batch, {"quiet": args.requests, "rebuild": args.requests},
                                  {"quiet": args.warmup, "rebuild": args.warmup})
    return {"results": results, "rebuild_seconds": rebuild_seconds, "rebuilds": len(rebuilds), **lock_waits,
            "rebuild_median": statistics.median(rebuilds) if rebuilds else float("nan"), "list_id": list_id}


