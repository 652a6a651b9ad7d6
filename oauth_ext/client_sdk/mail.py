"""A mail client meeting a provider it has never seen, as the OAuth Profile for Open
Public Clients (draft-ietf-mailmaint-oauth-public-06) has it:

1. discover the authorization server from a service: its 401 names the RFC 9728
   metadata (``resource_metadata``), which names the AS; then RFC 8414 metadata,
   whose ``issuer`` must match exactly;
2. register as a public native client (RFC 7591, ``token_endpoint_auth_method``
   ``none``, a loopback redirect URI on any port, RFC 8252 §7.3);
3. authorize once in the user's browser with PKCE S256 for all its services;
4. one token per service (RFC 8707 ``resource`` at the code exchange, then at
   refreshes), each presented over SASL OAUTHBEARER (RFC 7628).

    python -m oauth_ext.client_sdk.mail --service https://as.example.com/api/ping/ \\
        --resource imap://mail.example.com --resource smtp://mail.example.com
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import json
import secrets
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests

DRAFT = "draft-ietf-mailmaint-oauth-public-06"
SCOPE_MAIL = "urn:ietf:params:oauth:scope:mail"
SCOPE_CONTACTS = "urn:ietf:params:oauth:scope:contacts"
SCOPE_CALENDARS = "urn:ietf:params:oauth:scope:calendars"
TIMEOUT = 30


class DiscoveryError(Exception):
    """The service or its authorization server did not describe itself as the specs say."""


def _get_json(url: str) -> dict[str, Any]:
    response = requests.get(url, timeout=TIMEOUT, allow_redirects=False, headers={"Accept": "application/json"})
    if response.status_code != 200:
        raise DiscoveryError(f"{url}: HTTP {response.status_code}")
    body = response.json()
    if not isinstance(body, dict):
        raise DiscoveryError(f"{url}: not a JSON object")
    return body


def _auth_param(challenge: str, name: str) -> str | None:
    """The quoted auth-param ``name`` of a ``WWW-Authenticate`` value (no quotes inside)."""
    marker = f'{name}="'
    start = challenge.find(marker)
    if start < 0:
        return None
    end = challenge.find('"', start + len(marker))
    return challenge[start + len(marker):end] if end > 0 else None


def _well_known(url: str, name: str) -> str:
    """RFC 8414 §3.1 / RFC 9728 §3.1: the well-known name between host and path."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/.well-known/{name}{parts.path.rstrip('/')}", "", ""))


def as_metadata(issuer: str) -> dict[str, Any]:
    """RFC 8414 metadata of ``issuer``: the inserted form first, then the appended forms
    many servers use; the document's ``issuer`` must equal ``issuer`` (§3.3)."""
    candidates = [_well_known(issuer, "oauth-authorization-server"),
                  issuer.rstrip("/") + "/.well-known/oauth-authorization-server",
                  issuer.rstrip("/") + "/.well-known/openid-configuration"]
    for url in candidates:
        try:
            document = _get_json(url)
        except (DiscoveryError, requests.RequestException, ValueError):
            continue
        if document.get("issuer") != issuer:
            raise DiscoveryError(f"{url} names issuer {document.get('issuer')!r}, not {issuer!r}")
        return document
    raise DiscoveryError(f"no authorization server metadata for {issuer}")


def discover(service_url: str) -> dict[str, Any]:
    """The AS metadata for an HTTP service, found from its 401 (RFC 9728 §5)."""
    response = requests.get(service_url, timeout=TIMEOUT, allow_redirects=False)
    pointer = _auth_param(response.headers.get("WWW-Authenticate", ""), "resource_metadata")
    resource = _get_json(pointer or _well_known(service_url, "oauth-protected-resource"))
    if resource.get("resource") != service_url:  # RFC 9728 §3.3
        raise DiscoveryError(f"metadata for {resource.get('resource')!r}, not {service_url!r}")
    servers = resource.get("authorization_servers") or []
    if not servers:
        raise DiscoveryError("the resource names no authorization server")
    return as_metadata(servers[0])


class _Receiver(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.server.query = parse_qs(urlsplit(self.path).query)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(b"<p>Signed in. You can close this window.</p>")
        self.server.done.set()  # type: ignore[attr-defined]

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class MailClient:
    """One installation: its registration and its tokens, per service."""

    metadata: dict[str, Any]
    client_name: str = "Mail"
    software_id: str = "oauth-ext-mail-client"
    software_version: str = "1.0"
    client_id: str = ""
    refresh_token: str = ""
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)

    def register(self, scopes: list[str]) -> dict[str, Any]:
        """RFC 7591 open registration of a public native client."""
        body = {"client_name": self.client_name, "software_id": self.software_id,
                "software_version": self.software_version, "redirect_uris": ["http://127.0.0.1/callback"],
                "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"], "scope": " ".join(scopes)}
        response = requests.post(self.metadata["registration_endpoint"], json=body, timeout=TIMEOUT)
        if response.status_code != 201:
            raise DiscoveryError(f"registration refused: {response.status_code} {response.text[:300]}")
        registered = response.json()
        self.client_id = registered["client_id"]
        return registered

    def authorize(self, scopes: list[str], resources: list[str], open_browser: Callable[[str], object],
                  timeout: float = 120) -> tuple[str, str, str]:
        """The user signs in and allows in the browser; ``(code, verifier, redirect_uri)``."""
        server = http.server.HTTPServer(("127.0.0.1", 0), _Receiver)
        server.done, server.query = threading.Event(), {}  # type: ignore[attr-defined]
        threading.Thread(target=server.handle_request, daemon=True).start()
        redirect_uri = f"http://127.0.0.1:{server.server_address[1]}/callback"  # any port (RFC 8252 §7.3)
        verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(16)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({"response_type": "code", "client_id": self.client_id, "redirect_uri": redirect_uri,
                           "scope": " ".join(scopes), "resource": resources, "state": state,
                           "code_challenge": challenge, "code_challenge_method": "S256"}, doseq=True)
        try:
            open_browser(f"{self.metadata['authorization_endpoint']}?{query}")
            if not server.done.wait(timeout):  # type: ignore[attr-defined]
                raise DiscoveryError("no authorization response")
        finally:
            server.server_close()
        answer = {k: v[0] for k, v in server.query.items()}  # type: ignore[attr-defined]
        if answer.get("state") != state or "code" not in answer:
            raise DiscoveryError(f"authorization failed: {answer}")
        return answer["code"], verifier, redirect_uri

    def _token(self, data: dict[str, str]) -> dict[str, Any]:
        response = requests.post(self.metadata["token_endpoint"], data={**data, "client_id": self.client_id},
                                 timeout=TIMEOUT)
        body = response.json()
        if response.status_code != 200:
            raise DiscoveryError(f"token request refused: {body}")
        return body

    def sign_in(self, scopes: list[str], resources: list[str], open_browser: Callable[[str], object]) -> dict[str, str]:
        """Register, authorize once, then one access token per resource."""
        if not self.client_id:
            self.register(scopes)
        code, verifier, redirect_uri = self.authorize(scopes, resources, open_browser)
        first = self._token({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                             "redirect_uri": redirect_uri, "resource": resources[0]})
        self.tokens[resources[0]], self.refresh_token = first, first.get("refresh_token", "")
        for resource in resources[1:]:
            self.tokens[resource] = self.token_for(resource)
        return {resource: body["access_token"] for resource, body in self.tokens.items()}

    def token_for(self, resource: str) -> dict[str, Any]:
        """A fresh access token for one service; a new refresh token replaces the old."""
        body = self._token({"grant_type": "refresh_token", "refresh_token": self.refresh_token, "resource": resource})
        self.refresh_token = body.get("refresh_token", self.refresh_token)
        return body


def oauthbearer(user: str, token: str, host: str, port: int) -> bytes:
    """RFC 7628 §3.1 initial client response."""
    return f"n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01".encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--service", required=True, help="an HTTP service of the provider (its 401 leads to the AS)")
    parser.add_argument("--resource", action="append", required=True, help="each service to get a token for")
    parser.add_argument("--scope", action="append", default=None, help=f"default: {SCOPE_MAIL}")
    args = parser.parse_args(argv)
    client = MailClient(discover(args.service))
    tokens = client.sign_in(args.scope or [SCOPE_MAIL], args.resource, webbrowser.open)
    print(json.dumps({"client_id": client.client_id, "tokens": tokens}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
