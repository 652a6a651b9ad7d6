"""The jwks_uri fetcher against a real HTTP server on 127.0.0.1 (``tests/localserver.py``).

No part of ``oauth_ext`` is mocked; "refused before connecting" is observed through
the connection tripwire.
"""

from __future__ import annotations

import ipaddress
import json
import time

import pytest

from oauth_ext.core import fetch
from oauth_ext.core.fetch import FetchError, fetch_json

from ..conftest import ipv6_forms
from ..localserver import JWKS, unused_port, watch_connections


def refused_without_connecting(url: str, match: str | None = None) -> None:
    """The fetch fails with FetchError before any connection is opened."""
    with watch_connections() as connected, pytest.raises(FetchError, match=match):
        fetch_json(url)
    assert connected == []


# --- what is fetched --------------------------------------------------------------


def test_loopback_http_is_fetched_while_debug(settings, http_server):
    settings.DEBUG = True
    url = http_server.serve_json("/jwks.json?v=2", JWKS)
    assert fetch_json(url) == JWKS
    assert http_server.hits["/jwks.json?v=2"] == 1
    sent = http_server.request_headers["/jwks.json?v=2"]
    assert sent["Host"] == f"127.0.0.1:{http_server.port}"
    assert sent["Accept"] == "application/json"


def test_plain_http_is_refused_without_debug(settings, http_server):
    settings.DEBUG = False
    url = http_server.serve_json("/jwks.json", JWKS)
    refused_without_connecting(url, "plain http")
    assert http_server.hits["/jwks.json"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/jwks.json",
        "https://127.0.0.2/jwks.json",
        "https://[::1]/jwks.json",
        "https://10.0.0.1/jwks.json",
        "https://192.168.1.10/jwks.json",
        "https://172.16.0.1/jwks.json",
        "https://100.64.0.1/jwks.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/jwks.json",
        "https://[fd00::1]/jwks.json",
        "https://[::ffff:127.0.0.1]/jwks.json",
        "https://0.0.0.0/jwks.json",
        "https://224.0.0.1/jwks.json",
    ],
)
def test_https_to_non_public_address_is_refused_without_debug(settings, url):
    settings.DEBUG = False
    refused_without_connecting(url, "non-public address")


@pytest.mark.parametrize("form", ["nat64", "nat64-local", "6to4", "ipv4-compatible", "ipv4-mapped", "teredo"])
@pytest.mark.parametrize("ipv4", ["169.254.169.254", "10.0.0.1", "127.0.0.1"])
def test_ipv6_transition_addresses_are_judged_by_their_ipv4(settings, form, ipv4):
    settings.DEBUG = False
    refused_without_connecting(f"https://{ipv6_forms(ipv4)[form]}/jwks.json", "non-public address")


@pytest.mark.parametrize("address", ["64:ff9b::808:808", "2002:808:808::", "2606:4700:4700::1111", "8.8.8.8"])
def test_transition_addresses_of_public_ipv4_stay_public(address):
    assert fetch.is_public(ipaddress.ip_address(address))


def test_https_to_loopback_server_is_refused_without_debug(settings, http_server):
    settings.DEBUG = False
    http_server.serve_json("/jwks.json", JWKS)
    refused_without_connecting(f"https://127.0.0.1:{http_server.port}/jwks.json", "non-public address")
    assert http_server.hits["/jwks.json"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/jwks.json",
        "https://10.0.0.1/jwks.json",
        "http://169.254.169.254/latest/meta-data/",
        "https://[fd00::1]/jwks.json",
    ],
)
def test_debug_allows_loopback_only(settings, url):
    settings.DEBUG = True
    refused_without_connecting(url)


@pytest.mark.parametrize(
    "userinfo", ["user:secret@", "user@", ":secret@"],
)
def test_url_with_credentials_is_refused(settings, http_server, userinfo):
    settings.DEBUG = True
    http_server.serve_json("/jwks.json", JWKS)
    refused_without_connecting(f"http://{userinfo}127.0.0.1:{http_server.port}/jwks.json", "credentials")
    assert http_server.hits["/jwks.json"] == 0


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/jwks.json",
        "file:///etc/passwd",
        "file://127.0.0.1/etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "data:application/json,{}",
        "ws://127.0.0.1/jwks.json",
        "/jwks.json",
        "",
    ],
)
def test_non_http_schemes_are_refused(settings, url):
    settings.DEBUG = True
    refused_without_connecting(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/jwks.json", "https://127.0.0.1:65536/jwks.json"])
def test_out_of_range_port_is_a_fetch_error(settings, url):
    settings.DEBUG = True
    refused_without_connecting(url)


def test_unreachable_server_is_a_fetch_error(settings):
    settings.DEBUG = True
    with pytest.raises(FetchError, match="failed"):
        fetch_json(f"http://127.0.0.1:{unused_port()}/jwks.json")


# --- what the server answers --------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_not_followed(settings, http_server, status):
    settings.DEBUG = True
    target = http_server.serve_json("/real.json", JWKS)
    url = http_server.serve("/moved", status=status, headers=(("Location", target),))
    with pytest.raises(FetchError, match=f"answered {status}"):
        fetch_json(url)
    assert http_server.hits["/moved"] == 1
    assert http_server.hits["/real.json"] == 0


@pytest.mark.parametrize("status", [500, 503, 404, 403, 204, 201])
def test_non_200_is_refused(settings, http_server, status):
    settings.DEBUG = True
    body = b"" if status == 204 else json.dumps(JWKS).encode()
    url = http_server.serve(f"/status/{status}", status=status, body=body, headers=(("Content-Type", "application/json"),))
    with pytest.raises(FetchError, match=f"answered {status}"):
        fetch_json(url)
    assert http_server.hits[f"/status/{status}"] == 1


@pytest.mark.parametrize("content_length", [True, False], ids=["content-length", "read-to-close"])
def test_body_over_max_bytes_is_refused(settings, http_server, fetch_conf, content_length):
    settings.DEBUG = True
    fetch_conf(MAX_BYTES=1024)
    exact = {"keys": JWKS["keys"], "pad": ""}
    exact["pad"] = "x" * (1024 - len(json.dumps(exact)))
    at_limit = http_server.serve_json("/exact.json", exact, content_length=content_length)
    assert fetch_json(at_limit) == exact  # the limit itself is allowed
    big = {"keys": JWKS["keys"], "pad": exact["pad"] + "x"}
    url = http_server.serve_json("/big.json", big, content_length=content_length)
    with pytest.raises(FetchError, match="larger than 1024 bytes"):
        fetch_json(url)


def test_slow_server_times_out(settings, http_server, fetch_conf):
    settings.DEBUG = True
    fetch_conf(TIMEOUT=0.5)
    url = http_server.serve_json("/slow.json", JWKS, delay=5.0)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch_json(url)
    assert time.monotonic() - started < 2.0


def test_trickling_body_times_out(settings, http_server, fetch_conf):
    """TIMEOUT bounds the whole fetch: a body sent a byte at a time (each byte well
    within the timeout) must not hold the token request for the full download."""
    settings.DEBUG = True
    fetch_conf(TIMEOUT=0.5)
    url = http_server.serve_json("/trickle.json", {"keys": [], "pad": "x" * 40}, trickle=0.1)  # ~6 s in all
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch_json(url)
    assert time.monotonic() - started < 2.0


def test_trickling_headers_time_out(settings, http_server, fetch_conf):
    settings.DEBUG = True
    fetch_conf(TIMEOUT=0.5)
    body = json.dumps(JWKS).encode()
    url = http_server.serve("/trickle-head", body=body, headers=(("X-Pad", "x" * 40),), trickle=0.1, trickle_head=True)
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch_json(url)
    assert time.monotonic() - started < 2.0


def test_trickled_response_within_the_timeout_is_accepted(settings, http_server, fetch_conf):
    """The deadline cuts slow peers only: a trickled answer that ends in time is read."""
    settings.DEBUG = True
    fetch_conf(TIMEOUT=3.0)
    body = json.dumps(JWKS).encode()
    url = http_server.serve("/quick-trickle", body=body, trickle=0.002, trickle_head=True)
    assert fetch_json(url) == JWKS


def test_timeout_setting_is_honoured_when_the_server_is_fast_enough(settings, http_server, fetch_conf):
    settings.DEBUG = True
    fetch_conf(TIMEOUT=3.0)
    url = http_server.serve_json("/late.json", JWKS, delay=0.5)
    assert fetch_json(url) == JWKS


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"<html><body>keys</body></html>", id="html"),
        pytest.param(b"", id="empty"),
        pytest.param(b'{"keys": [', id="truncated"),
        pytest.param(b"\xff\xfe\x00{", id="not-utf8"),
        pytest.param(b"[" * 30_000 + b"]" * 30_000, id="deeply-nested"),
    ],
)
def test_non_json_is_refused(settings, http_server, body):
    settings.DEBUG = True
    url = http_server.serve("/not.json", body=body, headers=(("Content-Type", "application/json"),))
    with pytest.raises(FetchError, match="not JSON"):
        fetch_json(url)
