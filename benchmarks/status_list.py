#!/usr/bin/env python
"""Token Status List benchmark (draft-ietf-oauth-status-list), in process.

1. Encode + sign ``--entries`` statuses (1 and 2 bits, 1 % set at random indices):
   ``StatusArray.update`` + ``lst()`` (zlib 9) + signing with the AS key; baselines: zlib 6
   on the same bytes, raw vs compressed size. Target <= 1 s for 1,000,000 (printed).
2. ``services.rebuild`` of a list (next power of two >= ``--entries``) with ``--entries``
   rows, 1 % revoked; peak memory (VmHWM reset via /proc/self/clear_refs; tracemalloc in a
   separate run). Baseline: the rebuild's query alone. Seeding (SQL) is not timed.
3. ``client.token_status``: cold (DB, verify, decompress) and cached, against reading one
   status from a ``StatusArray`` and one ES256 verify with ``cryptography``.
4. ``services.allocate`` (a block of positions per atomic UPDATE ... RETURNING, then a
   keyed permutation from memory) against a ``SELECT 1`` round trip on the same connection.
5. Token issuance during a rebuild: client_credentials with ``private_key_jwt`` against the
   example project under gunicorn (2 sync workers), batches alternating without and with
   ``services.rebuild`` of the very list tokens are allocated from running in a loop paced
   like the debounce window (``--rebuild-interval``; ``--load-entries`` revoked entries in
   the list); token p99 during the rebuilds against without (target <= 1.2x, printed), and
   how often a backend was seen waiting on a lock.

PostgreSQL (a database of its own, ``oauth_ext_bench_status_<run>``, dropped at the end) and
Redis on loopback, DEBUG off, a fresh AS key in a temporary directory, a per-run cache key
prefix and Celery queue. Measurements alternate A B A B for ``--rounds`` rounds and
medians are quoted; targets are printed, never asserted.

    .venv/bin/python benchmarks/status_list.py            # 1,000,000 entries, about a minute
    .venv/bin/python benchmarks/status_list.py --quick    # seconds: proves it works
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import resource
import secrets
import statistics
import sys
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402  (the shared stack)
import status_load  # noqa: E402  (part 5: issuance during rebuilds)

ISSUER = "https://as.example.com/o"
TARGET_SECONDS = 1.0


def median_of(rounds: int, variants: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Run the variants alternately (A B A B ...) ``rounds`` times; median of each."""
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, run in variants.items():
            samples[name].append(run())
    return {name: statistics.median(values) for name, values in samples.items()}


def per_call(fn: Callable[[], Any], n: int) -> Callable[[], float]:
    """A timer of ``n`` calls of ``fn``, returning seconds per call."""
    def run() -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) / n
    return run


def row(label: str, *cells: str, width: int = 52) -> None:
    print(f"{label:<{width}}" + "".join(f"{c:>14}" for c in cells))


# ----------------------------------------------------------------- 1. encode + sign in memory

def encode_one(args: argparse.Namespace, bits: int, revoked: list[tuple[int, int]]) -> dict[str, float]:
    from oauth_ext.core import jose
    from oauth_ext.core.keys import active_key
    from oauth_ext.status_list.encoding import StatusArray
    from oauth_ext.status_list.services import STATUS_LIST_TYP, list_uri

    key, state = active_key(), {}  # state: the last array, lst and token, for the sizes

    def set_bits() -> None:
        state["array"] = array = StatusArray(args.entries, bits)
        array.update(revoked)

    def compress9() -> None:
        state["lst"] = state["array"].lst()

    def compress6() -> None:
        state["lst6"] = jose.b64url_encode(zlib.compress(bytes(state["array"].data), 6))

    def sign() -> None:
        now = int(time.time())
        claims = {"iss": ISSUER, "sub": list_uri(1), "iat": now, "exp": now + 86_400, "ttl": 300,
                  "status_list": {"bits": bits, "lst": state["lst"]}}
        state["token"] = key.sign(claims, typ=STATUS_LIST_TYP)

    def end_to_end() -> None:
        set_bits(), compress9(), sign()

    m = median_of(args.rounds, {"set": per_call(set_bits, 1), "zlib9": per_call(compress9, 1), "sign": per_call(sign, 1),
                                "zlib6": per_call(compress6, 1), "total": per_call(end_to_end, 1)})
    m.update(raw=len(state["array"].data), z9=len(jose.b64url_decode(state["lst"])),
             z6=len(jose.b64url_decode(state["lst6"])), lst=len(state["lst"]), token=len(state["token"]))
    return m


# ----------------------------------------------------------------- 2. rebuild from the database

def seed(list_id: int, entries: int, revoked: list[int], run_id: str) -> None:
    """``entries`` rows with idx 0..entries-1, distinct checksums, status 1 at ``revoked``:
    one INSERT ... SELECT on the server (Django's bulk_create would take minutes)."""
    from django.db import connection, transaction

    from oauth_ext.status_list.models import StatusEntry

    table = connection.ops.quote_name(StatusEntry._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (status_list_id, idx, status, token_checksum, changed_at) "
            "SELECT %s, g.i, CASE WHEN r.j IS NULL THEN 0 ELSE 1 END, "
            "encode(sha256(convert_to(%s || g.i::text, 'UTF8')), 'hex'), now() "
            "FROM generate_series(0, %s - 1) AS g(i) LEFT JOIN unnest(%s::int[]) AS r(j) ON r.j = g.i",
            [list_id, f"{run_id}:", entries, revoked],
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")  # the steady state autovacuum would reach


def rss_kib(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of this process, in KiB."""
    return next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))


def measure_rebuild(list_id: int, args: argparse.Namespace) -> dict[str, float]:
    from django.db import transaction
    from django.db.models import Q

    from oauth_ext.core import jose
    from oauth_ext.status_list import services
    from oauth_ext.status_list.models import StatusEntry

    peaks: list[int] = []

    def query_alone(nonzero: Q) -> Callable[[], None]:  # rebuild's query is .exclude(status=0), i.e. ~Q(status=0)
        def run() -> None:
            with transaction.atomic():
                list(StatusEntry.objects.filter(nonzero, status_list_id=list_id).values_list("idx", "status").iterator(chunk_size=10_000))
        return run

    def rebuild() -> None:
        try:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
            before = rss_kib("VmRSS")
        except OSError:
            before = -1
        services.rebuild(list_id)
        if before >= 0:
            peaks.append(rss_kib("VmHWM") - before)

    m = median_of(args.rounds, {"query": per_call(query_alone(~Q(status=0)), 1), "rebuild": per_call(rebuild, 1),
                                "query_gt": per_call(query_alone(Q(status__gt=0)), 1)})
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t0 = time.perf_counter()
    status_list = services.rebuild(list_id)
    m["traced"] = time.perf_counter() - t0
    m["tracemalloc"] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    m["maxrss_delta"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - maxrss) * 1024
    m["hwm_delta"] = max(peaks) * 1024 if peaks else float("nan")
    payload = json.loads(base64.urlsafe_b64decode(status_list.token.split(".")[1] + "=="))
    lst = payload["status_list"]["lst"]
    m.update(raw=-(-status_list.size * status_list.bits // 8), z9=len(jose.b64url_decode(lst)), lst=len(lst),
             token=len(status_list.token), size=status_list.size)
    return m


# ----------------------------------------------------------------- 3. status check at a resource server

def measure_check(list_id: int, revoked_idx: int, valid_idx: int, args: argparse.Namespace) -> dict[str, float]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    from oauth_ext.core import jose
    from oauth_ext.core.keys import active_key, signing_keys
    from oauth_ext.status_list import client, services
    from oauth_ext.status_list.encoding import StatusArray

    keys = [k.public_jwk for k in signing_keys()]
    uri = services.list_uri(list_id)
    claims = {"status": {"status_list": {"idx": revoked_idx, "uri": uri}}}
    client.forget()
    if client.token_status(claims, keys=keys) != 1 or client.token_status(
            {"status": {"status_list": {"idx": valid_idx, "uri": uri}}}, keys=keys) != 0:
        raise SystemExit("token_status gives a wrong status: the benchmark would measure a broken path")
    token = services.served(list_id).token
    public_key = jose.load_public_jwk(keys[0])
    _, payload = jose.verify_jws(token, key=public_key, algorithms=jose.ASYMMETRIC_ALGORITHMS, max_bytes=4 << 20)
    lst, bits = payload["status_list"]["lst"], payload["status_list"]["bits"]
    array = StatusArray.from_lst(lst, bits)

    def cold() -> None:
        client.forget()
        client.token_status(claims, keys=keys)

    cold_parts = median_of(args.rounds, {
        "cold": per_call(cold, 1),
        "served": per_call(lambda: services.served(list_id), 1),
        "verify_jws": per_call(lambda: jose.verify_jws(token, key=public_key, algorithms=jose.ASYMMETRIC_ALGORITHMS, max_bytes=4 << 20), 1),
        "from_lst": per_call(lambda: StatusArray.from_lst(lst, bits), 1),
    })
    key = active_key()
    if key.alg != "ES256":
        raise SystemExit(f"the AS key is {key.alg}, not ES256")
    data = key.sign({"iss": ISSUER, "sub": "bench", "exp": int(time.time()) + 300}, typ="at+jwt").rsplit(".", 1)[0].encode()
    algorithm = ec.ECDSA(hashes.SHA256())
    signature, public = key.private_key.sign(data, algorithm), key.private_key.public_key()
    client.token_status(claims, keys=keys)  # cached from here on
    n = args.checks
    warm = median_of(args.rounds, {
        "array": per_call(lambda: array[revoked_idx], n),
        "warm": per_call(lambda: client.token_status(claims, keys=keys), n),
        "es256": per_call(lambda: public.verify(signature, data, algorithm), max(50, n // 50)),
    })
    return {**cold_parts, **warm}


# ----------------------------------------------------------------- 4. allocation

def measure_allocate(args: argparse.Namespace, list_ids: list[int]) -> dict[str, float]:
    from django.db import connection

    from oauth_ext.conf import app_settings
    from oauth_ext.status_list import services
    from oauth_ext.status_list.models import StatusList
    from oauth_ext.status_list.permutation import permute

    conf = app_settings.STATUS_LIST
    list_ids.append(StatusList.objects.create(bits=conf.BITS, size=conf.SIZE).pk)  # the newest open list: allocate() takes it
    services._current.clear()
    services._blocks.clear()
    for _ in range(20):  # warm-up, and the lookup of the open list
        services.allocate()
    cursor, key = connection.cursor(), secrets.token_bytes(16)

    def select_1() -> None:
        cursor.execute("SELECT 1")
        cursor.fetchone()

    def reserve_async() -> float:
        cursor.execute("SET synchronous_commit = off")
        try:
            return per_call(lambda: services._reserve(list_ids[-1], 1), args.allocations)()
        finally:
            cursor.execute("RESET synchronous_commit")

    positions = iter(range(10**9))
    result = median_of(args.rounds, {
        "select1": per_call(select_1, args.allocations),
        "allocate": per_call(services.allocate, args.allocations),
        "reserve": per_call(lambda: services._reserve(list_ids[-1], 1), args.allocations),
        "reserve_async": reserve_async,
        "permute": per_call(lambda: permute(next(positions) % conf.SIZE, conf.SIZE, key), args.allocations),
    })
    cursor.close()
    return result


# ----------------------------------------------------------------- report

def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.2f}"


def report(enc: dict[int, dict[str, float]], reb: dict[str, float], chk: dict[str, float], alloc: dict[str, float],
           issuance: dict[str, Any] | None, args: argparse.Namespace) -> None:
    print(f"\n== Status list benchmark: {args.entries:,} entries, 1 % set, median of {args.rounds} rounds (A B A B)")
    print(f"machine: {stack.machine()}; zlib {zlib.ZLIB_RUNTIME_VERSION}")

    print(f"\n1. encode + sign in memory ({args.entries:,} entries, {args.entries // 100:,} set at random indices)")
    row("bits", "set bits ms", "zlib 9 ms", "sign ms", "total ms", "zlib 6 ms", "raw B", "zlib 9 B", "zlib 6 B", "lst chars", width=6)
    for bits, m in enc.items():
        row(str(bits), ms(m["set"]), ms(m["zlib9"]), ms(m["sign"]), ms(m["total"]), ms(m["zlib6"]),
            f"{m['raw']:.0f}", f"{m['z9']:.0f}", f"{m['z6']:.0f}", f"{m['lst']:.0f}", width=6)
    print("(total: the three steps timed end to end; zlib 9/6 ms include base64url; sign = claims JSON + base64url + ES256)")
    for bits, m in enc.items():
        print(f"ratio zlib9/zlib6 time {bits}-bit = {m['zlib9'] / m['zlib6']:.2f}, size {m['z9'] / m['z6']:.3f};"
              f" compressed/raw = {m['z9'] / m['raw']:.3f}; token {m['token']:.0f} chars")

    print(f"\n2. services.rebuild: list of {reb['size']:,.0f} x 1 bit, {args.entries:,} rows, {args.entries // 100:,} revoked")
    row("step", "ms", "x query alone")
    row("query alone (rebuild's SELECT, iterator)", ms(reb["query"]), "1.00")
    row("services.rebuild (query, encode, sign, swap)", ms(reb["rebuild"]), f"{reb['rebuild'] / reb['query']:.2f}")
    row("services.rebuild under tracemalloc (once)", ms(reb["traced"]), f"{reb['traced'] / reb['query']:.2f}")
    row("  diagnostic: the query with status__gt=0", ms(reb["query_gt"]), f"{reb['query_gt'] / reb['query']:.2f}")
    print(f"peak memory: tracemalloc {reb['tracemalloc'] / 2**20:.2f} MiB; VmHWM over RSS before {reb['hwm_delta'] / 2**20:.2f} MiB;"
          f" ru_maxrss delta {reb['maxrss_delta'] / 2**20:.2f} MiB (0 when below the seeding peak)")
    print(f"sizes: raw bit array {reb['raw']:.0f} B, zlib 9 {reb['z9']:.0f} B (ratio {reb['z9'] / reb['raw']:.3f}),"
          f" lst {reb['lst']:.0f} chars, token {reb['token']:.0f} chars")
    print(f"ratio rebuild / in-memory encode+sign (1-bit) = {reb['rebuild'] / enc[1]['total']:.2f}")

    print("\n3. client.token_status at a resource server")
    row("step", "us/call", "x ES256")
    es = chk["es256"]
    for label, key in (("token_status, cached list", "warm"), ("StatusArray[idx] alone", "array"),
                       ("ES256 verify alone (cryptography)", "es256"), ("token_status, cold (forget() first)", "cold"),
                       ("  services.served (DB row)", "served"), ("  jose.verify_jws of the token", "verify_jws"),
                       ("  StatusArray.from_lst", "from_lst")):
        row(label, us(chk[key]), f"{chk[key] / es:.3f}")
    print(f"ratio cached check / StatusArray[idx] = {chk['warm'] / chk['array']:.2f}")

    from oauth_ext.conf import app_settings

    print(f"\n4. services.allocate on PostgreSQL (autocommit: one UPDATE ... RETURNING per block of"
          f" {app_settings.STATUS_LIST.BLOCK})")
    row("step", "us/call", "x SELECT 1")
    for label, key in (("SELECT 1 round trip (same connection)", "select1"), ("services.allocate", "allocate"),
                       ("  services._reserve of one position (UPDATE + commit)", "reserve"),
                       ("  the same, synchronous_commit=off (diagnostic)", "reserve_async"),
                       ("  permutation.permute alone", "permute")):
        row(label, us(alloc[key]), f"{alloc[key] / alloc['select1']:.2f}")
    print(f"ratio allocate / SELECT 1 = {alloc['allocate'] / alloc['select1']:.2f}")

    if issuance is not None:
        results, s = issuance["results"], stack.summarize(issuance["results"])
        print(f"\n5. token requests (client_credentials, private_key_jwt) while the list they are allocated from is"
              f" rebuilt in a loop: {args.load_entries:,} revoked entries, {args.requests} requests per batch,"
              f" concurrency {args.concurrency}, gunicorn {args.workers} sync workers")
        print(f"{'batch':<34} {'requests/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/req':>10} {'errors':>6}")
        for name, label in (("quiet", "without a rebuild"), ("rebuild", "during rebuilds")):
            print(f"{label:<34} {s[name].cells} {s[name].errors:>6}")
        paired = [r.percentile(.99) / q.percentile(.99) for q, r in zip(results["quiet"], results["rebuild"])]
        p99_ratio = s["rebuild"].p99 / s["quiet"].p99
        print(f"ratio p99 during/without = {p99_ratio:.2f}   (per round: {', '.join(f'{r:.2f}' for r in paired)};"
              f" median {statistics.median(paired):.2f})")
        print(f"rebuild of that list: {issuance['rebuild_seconds'] * 1e3:.0f} ms alone, {issuance['rebuilds']} rebuilds"
              f" during the load, one started at most every {args.rebuild_interval:g} s (median"
              f" {issuance['rebuild_median'] * 1e3:.0f} ms); backends waiting on a lock: {issuance['waiting']} in"
              f" {issuance['samples']} samples of pg_stat_activity")

    print("\ntargets (informational, never asserted):")
    if issuance is not None:
        print(f"  token p99 during a rebuild <= 1.2 x without ... {p99_ratio:.2f}  {'met' if p99_ratio <= 1.2 else 'MISSED'}")
    for bits, m in enc.items():
        met = "met" if m["total"] <= TARGET_SECONDS else "MISSED"
        print(f"  encode + sign {bits}-bit <= {TARGET_SECONDS:.0f} s ... {m['total']:.3f} s  {met}  ({args.entries:,} entries)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = stack.arg_parser(__doc__, "oauth_ext_bench_status")
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries of the encoded list and rows rebuilt")
    parser.add_argument("--checks", type=int, default=200_000, help="cached status checks per round")
    parser.add_argument("--allocations", type=int, default=2_000, help="allocate() calls per round")
    parser.add_argument("--seed", type=int, default=20_240_601, help="random seed of the set indices")
    parser.add_argument("--load-entries", type=int, default=500_000, help="revoked entries in the list rebuilt under load")
    parser.add_argument("--requests", type=int, default=1000, help="token requests per batch (5.)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up token requests per kind of batch (5.)")
    parser.add_argument("--no-load", dest="load", action="store_false", help="skip 5. (no server)")
    parser.add_argument("--rebuild-interval", type=float, default=2.0,
                        help="seconds between rebuild starts under load (5.): STATUS_LIST.DEBOUNCE paces them; 0: back to back")
    args = stack.parse(parser, argv, {"entries": 20_000, "rounds": 3, "checks": 5_000, "allocations": 100,
                                      "load_entries": 5_000, "requests": 40, "warmup": 10})
    if args.entries < 200:
        parser.error("--entries must be at least 200")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    rng, list_ids = random.Random(args.seed), []
    with stack.Run(args, "status", env={"OAUTH_EXT_ISSUER": ISSUER}) as run:  # the issuer its tokens name
        from oauth_ext.status_list.models import StatusList

        print(f"1. encoding {args.entries:,} entries (1 and 2 bits) ...", flush=True)
        enc = {bits: encode_one(args, bits, [(i, rng.choice((1, 2)) if bits == 2 else 1)
                                             for i in rng.sample(range(args.entries), args.entries // 100)])
               for bits in (1, 2)}
        size = 1 << (args.entries - 1).bit_length()
        status_list = StatusList.objects.create(bits=1, size=size, next_position=size)  # full: allocate() skips it
        list_ids.append(status_list.pk)
        revoked = sorted(rng.sample(range(args.entries), args.entries // 100))
        print(f"2. seeding {args.entries:,} rows (not timed) ...", flush=True)
        t0 = time.perf_counter()
        seed(status_list.pk, args.entries, revoked, run.run_id)
        print(f"   seeded in {time.perf_counter() - t0:.1f} s; rebuilding ...", flush=True)
        reb = measure_rebuild(status_list.pk, args)
        print("3. status checks ...", flush=True)
        revoked_set = set(revoked)
        valid = next(i for i in range(args.entries) if i not in revoked_set)
        chk = measure_check(status_list.pk, revoked[0], valid, args)
        print("4. allocation ...", flush=True)
        alloc = measure_allocate(args, list_ids)
        issuance = None
        if args.load:
            print("5. token requests during rebuilds ...", flush=True)
            issuance = status_load.measure_issuance_during_rebuild(run, args, ISSUER)
        report(enc, reb, chk, alloc, issuance, args)
        return 0


if __name__ == "__main__":
    sys.exit(main())
