"""Helpers for the developers of client apps: sign ``private_key_jwt`` assertions.

Free of Django::

    from oauth_ext.client_sdk import AssertionSigner, PrivateKeyJWTAuth
    signer = AssertionSigner.from_file("myapp.private.jwk.json", client_id="myapp",
                                       audience="https://as.example.com/o")  # the issuer
    requests.post(token_url, data={"grant_type": "client_credentials"},
                  auth=PrivateKeyJWTAuth(signer))
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import requests

from ..core import jose

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class AssertionSigner:
    """Builds OIDC Core §9 / rfc7523bis client assertions with one private key."""

    def __init__(self, private_jwk: dict[str, Any], *, client_id: str, audience: str, lifetime: int = 60,
                 send_public_key: bool = False):
        self.key = jose.load_private_jwk(private_jwk)
        self.alg = private_jwk.get("alg") or jose.default_algorithm(private_jwk)
        self.kid = private_jwk.get("kid")
        self.client_id = client_id
        self.audience = audience
        self.lifetime = lifetime
        # A stateless client instance introduces its key with its first assertion.
        self.public_jwk = jose.public_jwk(private_jwk) if send_public_key else None

    @classmethod
    def from_file(cls, path: str | Path, **kwargs: Any) -> AssertionSigner:
        return cls(json.loads(Path(path).read_text()), **kwargs)

    def assertion(self, *, now: int | None = None, **extra_claims: Any) -> str:
        """A fresh assertion: ``aud`` is the issuer as a single string, new ``jti``."""
        now = int(time.time()) if now is None else now
        claims = {
            "iss": self.client_id,
            "sub": self.client_id,
            "aud": self.audience,
            "iat": now,
            "exp": now + self.lifetime,
            "jti": uuid.uuid4().hex,
            **extra_claims,
        }
        headers: dict[str, Any] = {"typ": "client-authentication+jwt"}
        if self.kid:
            headers["kid"] = self.kid
        if self.public_jwk:
            headers["jwk"] = self.public_jwk
        return jose.sign(claims, key=self.key, alg=self.alg, headers=headers)

    def form_fields(self) -> dict[str, str]:
        return {"client_assertion_type": ASSERTION_TYPE, "client_assertion": self.assertion()}


class PrivateKeyJWTAuth(requests.auth.AuthBase):
    """``requests`` auth: adds a fresh client assertion to each form-encoded request."""

    def __init__(self, signer: AssertionSigner):
        self.signer = signer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or ""
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        if not isinstance(body, str):
            raise ValueError("a client assertion goes in a form-encoded body, not a stream")
        fields = parse_qsl(body, keep_blank_values=True)
        fields += list(self.signer.form_fields().items())
        request.prepare_body(data=urlencode(fields), files=None)
        request.headers["Content-Type"] = "application/x-www-form-urlencoded"
        return request
