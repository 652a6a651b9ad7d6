"""Issuing and verifying Txn-Tokens (draft-ietf-oauth-transaction-tokens-10).

A workload inside a trust domain exchanges the access token a request arrived with
for a short-lived signed token that carries who the transaction is for (``sub``),
what it may do (``scope``, never more than the access token's), and its immutable
context (``tctx``, ``rctx``) along the call chain. Txn-Tokens are not stored: they
live minutes, and every service verifies them by signature.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

from oauth2_provider.models import get_access_token_model

from ..conf import app_settings
from ..core import jose, untrusted_json
from ..core.errors import InvalidRequest, InvalidScope, InvalidTarget, InvalidToken, UnauthorizedClient
from ..core.keys import active_key, signing_keys
from ..stateless_tokens import services as stateless_services
from ..tokens.claims import jwt_claims

logger = logging.getLogger(__name__)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"  # RFC 8693 §2.1
TXN_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:txn_token"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # RFC 8693 §3
JWT_TYP = "txntoken+jwt"
MAX_TOKEN_BYTES = 16384


@dataclass(frozen=True)
class TrustDomain:
    audience: str
    clients: frozenset[str]
    lifetime: int


def trust_domains() -> list[TrustDomain]:
    conf = app_settings.TRANSACTION_TOKENS
    return [
        TrustDomain(
            audience=item["AUDIENCE"],
            clients=frozenset(item.get("CLIENTS", ())),
            lifetime=min(int(item.get("LIFETIME", conf.LIFETIME)), conf.MAX_LIFETIME),
        )
        for item in conf.TRUST_DOMAINS
    ]


def trust_domain(audience: str) -> TrustDomain | None:
    return next((d for d in trust_domains() if d.audience == audience), None)


@dataclass(frozen=True)
class TxnTokenRequest:
    """The parameters of an RFC 8693 request for a Txn-Token, as sent."""

    requested_token_type: str | None
    audience: str | None
    scope: str | None
    subject_token: str | None
    subject_token_type: str | None
    request_context: str | None = None
    request_details: str | None = None


def _json_object(value: str | None, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if len(value.encode("utf-8", "surrogatepass")) > app_settings.TRANSACTION_TOKENS.MAX_CONTEXT_BYTES:
        raise InvalidRequest(f"{name} is too large")
    try:
        parsed = untrusted_json.loads(value)
    except ValueError as exc:
        raise InvalidRequest(f"{name} must be a JSON object") from exc
    if not isinstance(parsed, dict):
        raise InvalidRequest(f"{name} must be a JSON object")
    return parsed


def authorize_requester(*, client_id: str, auth_method: str | None, audience: str | None) -> TrustDomain:
    """The trust domain ``audience`` names, if this workload may request Txn-Tokens for it."""
    if not audience:
        raise InvalidRequest("audience (the trust domain) is required")
    domain = trust_domain(audience)
    if domain is None:
        raise InvalidTarget("unknown trust domain", reason=f"audience {audience!r}")
    if auth_method not in app_settings.TRANSACTION_TOKENS.CLIENT_AUTH_METHODS:
        raise UnauthorizedClient(
            "Txn-Tokens require a client authenticated with a key", reason=f"{client_id!r} used {auth_method!r}"
        )
    if client_id not in domain.clients:
        raise UnauthorizedClient("client is not a workload of this trust domain", reason=f"{client_id!r} for {audience!r}")
    return domain


def subject_claims(token: str | None, token_type: str | None) -> dict[str, Any]:
    """The claims of a subject access token this server issued and still honours.

    RFC 8693 §2.2.2: an invalid or unacceptable subject token is ``invalid_request``.
    """
    if not token or not token_type:
        raise InvalidRequest("subject_token and subject_token_type are required")
    if token_type != ACCESS_TOKEN_TYPE:
        raise InvalidRequest("unsupported subject_token_type", reason=f"subject_token_type {token_type!r}")
    if len(token) > MAX_TOKEN_BYTES:
        raise InvalidRequest("subject_token is invalid")
    checksum = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
    stored = get_access_token_model().objects.filter(token_checksum=checksum).only("expires", "scope").first()
    if stored is None and (honoured := stateless_services.live(token)) is not None:
        return honoured[0]  # verified here, its entry VALID: the claims are authoritative
    if stored is None or stored.is_expired():
        raise InvalidRequest("subject_token is invalid, expired or revoked")
    claims = jwt_claims(token)
    claims["scope"] = stored.scope  # the stored row is authoritative
    return claims


def _from_access_token(request: TxnTokenRequest) -> dict[str, Any]:
    """A new transaction: who and what from the access token, context from the request."""
    subject = subject_claims(request.subject_token, request.subject_token_type)
    base: dict[str, Any] = {
        "txn": str(uuid.uuid4()),
        "sub": str(subject.get("sub") or subject.get("client_id")),
        "scope": str(subject.get("scope") or ""),
    }
    tctx = _json_object(request.request_details, "request_details") or {}
    if subject.get("authorization_details"):
        tctx = {**tctx, "authorization_details": subject["authorization_details"]}  # the server is authoritative
    rctx = _json_object(request.request_context, "request_context")
    return {**base, **({"tctx": tctx} if tctx else {}), **({"rctx": rctx} if rctx else {})}


def _from_txn_token(request: TxnTokenRequest, domain: TrustDomain) -> dict[str, Any]:
    """A replacement (draft -10): the same ``txn``, ``sub``, ``aud`` and context, never
    more scope, and never past the replaced token's ``exp`` (no lifetime extension)."""
    if request.request_context is not None or request.request_details is not None:
        raise InvalidRequest("a replacement Txn-Token keeps the context of the one it replaces")
    try:
        old = verify(request.subject_token or "", audience=domain.audience)
    except InvalidToken as exc:
        raise InvalidRequest("subject_token is not a valid Txn-Token of this trust domain", reason=exc.reason) from exc
    return {k: old[k] for k in ("txn", "sub", "scope", "tctx", "rctx", "exp") if k in old}


def issue(request: TxnTokenRequest, *, client_id: str, auth_method: str | None, cnf: dict[str, Any] | None = None) -> dict[str, Any]:
    """The RFC 8693 response body carrying a new Txn-Token, or an OAuthError."""
    if request.requested_token_type != TXN_TOKEN_TYPE:
        raise InvalidRequest(f"requested_token_type must be {TXN_TOKEN_TYPE}")
    domain = authorize_requester(client_id=client_id, auth_method=auth_method, audience=request.audience)
    if not request.scope or not request.scope.strip():
        raise InvalidRequest("scope is required")
    txn = request.subject_token_type == TXN_TOKEN_TYPE
    claims = _from_txn_token(request, domain) if txn else _from_access_token(request)
    granted, wanted = set(claims["scope"].split()), set(request.scope.split())
    # Never broader than the subject token's scope; an unknown scope is not unconstrained.
    if not granted or not wanted <= granted:
        raise InvalidScope("scope exceeds the subject token's", reason=f"{sorted(wanted - granted)} not granted")
    now = int(time.time())
    claims.update({
        "iss": app_settings.issuer,
        "iat": now,
        "aud": domain.audience,
        "exp": min(now + domain.lifetime, claims.get("exp", now + domain.lifetime)),
        "scope": " ".join(sorted(wanted)),
        "req_wl": client_id,
    })
    if cnf:
        claims["cnf"] = cnf
    token = active_key().sign(claims, typ=JWT_TYP)
    logger.info("txn-token %s issued to %s for %s", claims["txn"], client_id, domain.audience)
    return {
        "access_token": token,
        "issued_token_type": TXN_TOKEN_TYPE,
        "token_type": "N_A",  # RFC 8693 §2.2.1: not an access token
        "expires_in": claims["exp"] - now,
    }


def verify(token: str, *, audience: str, keys: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The claims of a valid Txn-Token for trust domain ``audience`` (signature,
    ``typ``, ``aud``, ``exp``), else :class:`InvalidToken`."""
    keys = keys if keys is not None else [key.public_jwk for key in signing_keys()]
    try:
        header = jose.unverified_header(token, max_bytes=MAX_TOKEN_BYTES)
        if header.get("typ") != JWT_TYP:
            raise jose.JOSEError("not a Txn-Token")
        key = jose.select_key(keys, kid=header.get("kid"), alg=header["alg"])
        _, claims = jose.verify_jws(token, key=jose.load_public_jwk(key), algorithms=jose.ASYMMETRIC_ALGORITHMS, max_bytes=MAX_TOKEN_BYTES)
    except jose.JOSEError as exc:
        raise InvalidToken("The Txn-Token is invalid.", reason=str(exc)) from exc
    if claims.get("aud") != audience:
        raise InvalidToken("The Txn-Token is not for this trust domain.", reason=f"aud {claims.get('aud')!r}")
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= time.time():
        raise InvalidToken("The Txn-Token has expired.")
    missing = [name for name in ("iat", "txn", "sub", "scope", "req_wl") if name not in claims]
    if missing:
        raise InvalidToken("The Txn-Token is invalid.", reason=f"missing {missing}")
    return claims
