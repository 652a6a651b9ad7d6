"""PoP tokens for client apps: ask with ``req_cnf`` and sign resource requests
(draft-ietf-oauth-pop-key-distribution-07, draft-ietf-oauth-signed-http-request-03).

::

    key = DPoPKey.generate()                      # asymmetric: prove it with a DPoP proof
    data = {"grant_type": ..., "token_type": "pop", "req_cnf": req_cnf(key.public_jwk)}
    token = requests.post(token_url, data=data, headers={"DPoP": key.proof("POST", token_url)}).json()
    requests.get(api_url, auth=PoPAuth(key.private_jwk, token["access_token"]))
    # symmetric: no req_cnf, one resource; sign with the response's cnf.jwk
    # a registered key: req_cnf(kid=...), authenticated with an assertion signed by it
    # token.get("rs_cnf"): the key the resource server authenticates with, if the AS knows it
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlsplit

import requests

from ..core import jose


def req_cnf(public_jwk: dict[str, Any] | None = None, *, kid: str | None = None) -> str:
    """The ``req_cnf`` form value: base64url of ``{"jwk": ...}``, or of ``{"kid": ...}``
    naming a key the client registered (possession proven by the client assertion
    signed with it, or by a DPoP proof)."""
    if (public_jwk is None) == (kid is None):
        raise ValueError("req_cnf takes a public JWK or a kid")
    cnf = {"jwk": public_jwk} if public_jwk is not None else {"kid": kid}
    return jose.b64url_encode(json.dumps(cnf, separators=(",", ":")).encode())


def sign_request(jwk: dict[str, Any], access_token: str, method: str, url: str, *, now: int | None = None) -> str:
    """``Authorization: PoP`` value for one request, signed with the token's key:
    a private JWK, or the symmetric ``oct`` JWK from the token response."""
    parts = urlsplit(url)
    claims = {"at": access_token, "ts": int(time.time()) if now is None else now, "m": method.upper(),
              "u": parts.netloc, "p": parts.path or "/"}
    key: bytes | jose.PrivateKey
    if jwk.get("kty") == "oct":
        key, alg = jose.b64url_decode(jwk["k"]), jwk.get("alg", "HS256")
    else:
        key, alg = jose.load_private_jwk(jwk), jwk.get("alg") or jose.default_algorithm(jwk)
    return jose.sign(claims, key=key, alg=alg, headers={"typ": "pop"})


class PoPAuth(requests.auth.AuthBase):
    def __init__(self, jwk: dict[str, Any], access_token: str):
        self.jwk = jwk
        self.access_token = access_token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if request.method is None or request.url is None:
            raise ValueError("the request is not prepared")
        request.headers["Authorization"] = "PoP " + sign_request(self.jwk, self.access_token, request.method, request.url)
        return request
