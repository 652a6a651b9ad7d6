"""DPoP proofs for client apps (RFC 9449 §4), and a ``requests`` auth that sends them.

::

    key = DPoPKey.generate()
    auth = DPoPAuth(key)                                      # token requests
    token = requests.post(token_url, data=..., auth=auth).json()["access_token"]
    requests.get(api_url, auth=DPoPAuth(key, access_token=token))   # resource requests
"""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from ..core import jose


class DPoPKey:
    """One client key pair and the proofs it signs."""

    def __init__(self, private_jwk: dict[str, Any]):
        self.private_jwk = private_jwk
        self.key = jose.load_private_jwk(private_jwk)
        self.alg = private_jwk.get("alg") or jose.default_algorithm(private_jwk)
        self.public_jwk = {k: v for k, v in jose.public_jwk(private_jwk).items() if k not in ("alg", "use", "kid")}

    @classmethod
    def generate(cls, alg: str = "ES256") -> DPoPKey:
        return cls(jose.private_key_to_jwk(jose.generate_private_key(alg), alg=alg))

    @property
    def jkt(self) -> str:
        """The RFC 7638 thumbprint: the ``dpop_jkt`` and ``cnf.jkt`` of this key."""
        return jose.jwk_thumbprint(self.public_jwk)

    def proof(self, method: str, url: str, *, access_token: str | None = None, nonce: str | None = None,
              now: int | None = None, **extra_claims: Any) -> str:
        parts = urlsplit(url)
        claims: dict[str, Any] = {
            "jti": uuid.uuid4().hex,
            "htm": method.upper(),
            "htu": urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")),
            "iat": int(time.time()) if now is None else now,
        }
        if access_token is not None:
            claims["ath"] = jose.b64url_encode(hashlib.sha256(access_token.encode("ascii")).digest())
        if nonce is not None:
            claims["nonce"] = nonce
        claims.update(extra_claims)
        return jose.sign(claims, key=self.key, alg=self.alg, headers={"typ": "dpop+jwt", "jwk": self.public_jwk})


class DPoPAuth(requests.auth.AuthBase):
    """Adds a fresh proof (and ``Authorization: DPoP`` when given a token) to each
    request; retries once with the server's nonce on ``use_dpop_nonce`` (§8, §9)."""

    def __init__(self, key: DPoPKey, access_token: str | None = None):
        self.key = key
        self.access_token = access_token
        self.nonces: dict[str, str] = {}

    def _sign(self, request: requests.PreparedRequest) -> None:
        method, url = request.method, request.url
        if method is None or url is None:
            raise ValueError("the request is not prepared")
        origin = urlsplit(url).netloc
        request.headers["DPoP"] = self.key.proof(
            method, url, access_token=self.access_token, nonce=self.nonces.get(origin)
        )
        if self.access_token is not None:
            request.headers["Authorization"] = f"DPoP {self.access_token}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        self._sign(request)
        request.register_hook("response", self._retry_with_nonce)
        return request

    def _retry_with_nonce(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        nonce = response.headers.get("DPoP-Nonce")
        if nonce:
            self.nonces[urlsplit(response.url).netloc] = nonce
        asked = response.status_code in (400, 401) and "use_dpop_nonce" in (
            response.headers.get("WWW-Authenticate", "") + response.text
        )
        if not (nonce and asked) or getattr(response.request, "_dpop_retried", False):
            return response
        retry = response.request.copy()
        retry._dpop_retried = True  # type: ignore[attr-defined]  # a mark on requests' object
        self._sign(retry)
        response.close()
        return response.connection.send(retry, **kwargs)
