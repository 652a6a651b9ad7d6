"""JWT client assertions: RFC 7523 §2.2 and §3, OIDC Core §9, rfc7523bis §4.

Shared by ``private_key_jwt`` and ``client_secret_jwt``, which differ only in the
key that verifies the signature.
"""

from __future__ import annotations

import time
from typing import Any

from .. import context
from ..conf import app_settings
from ..core import jose, replay
from ..core.errors import InvalidClient, InvalidRequest
from ..core.issuer import endpoint_url
from ..core.time_claims import Clock, clock_skew, is_numeric_date
from .registry import ClientAuthMethod, body_param

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# draft-ietf-oauth-spiffe-client-auth-02 §3.1: a JWT-SVID, read by oauth_ext.spiffe.
SPIFFE_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-spiffe"
# rfc7523bis §4: accept untyped and the explicit type; refuse other explicit types
# (a DPoP proof or an attestation is never a client assertion).
ACCEPTED_TYPES = {None, "JWT", "jwt", "client-authentication+jwt", "application/client-authentication+jwt"}


def expected_audiences() -> set[str]:
    """rfc7523bis §4 (b): the issuer identifier; the token endpoint URL while
    ``ACCEPT_TOKEN_ENDPOINT_AUDIENCE`` is on."""
    issuer = app_settings.issuer
    if not issuer:
        raise InvalidClient(reason="no issuer identifier configured")
    audiences = {issuer}
    if app_settings.CLIENT_AUTH.ACCEPT_TOKEN_ENDPOINT_AUDIENCE and (url := endpoint_url("oauth2_provider:token")):
        audiences.add(url)
    return audiences


def check_claims(claims: dict[str, Any], *, client_id: str, now: float | None = None) -> None:
    """Every claim rule of OIDC Core §9 and rfc7523bis, against ``now``."""
    conf = app_settings.CLIENT_AUTH
    clock = Clock.of("CLIENT_AUTH", now)
    now = clock.now
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise InvalidClient(reason="iss and sub must both equal the client_id")  # OIDC Core §9
    aud = claims.get("aud")
    if not isinstance(aud, str):
        raise InvalidClient(reason="aud must be a single string, not an array")  # OIDC Core §9
    if aud not in expected_audiences():
        raise InvalidClient(reason=f"aud {aud!r} is not this server")  # rfc7523bis §4 (b)
    exp = claims.get("exp")
    if not is_numeric_date(exp):
        raise InvalidClient(reason="exp is required")  # RFC 7523 §3 (4)
    if clock.expired(exp):
        raise InvalidClient(reason="assertion expired")
    iat = claims.get("iat")
    if iat is not None and not is_numeric_date(iat):
        raise InvalidClient(reason="iat is not a number")
    if clock.in_future(iat):
        raise InvalidClient(reason="assertion issued in the future")
    if clock.in_future(claims.get("nbf")):
        raise InvalidClient(reason="assertion not yet valid")
    start = iat if iat is not None else now
    if exp - start > conf.ASSERTION_MAX_LIFETIME:
        raise InvalidClient(reason=f"assertion lifetime exceeds {conf.ASSERTION_MAX_LIFETIME}s")  # RFC 7523 §3 (4)
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > 256:
        raise InvalidClient(reason="jti is required")  # OIDC Core §9


def earliest_use(claims: dict[str, Any]) -> float:
    """The earliest moment an assertion with these (checked) claims could first have
    been accepted: what the replay store compares with its epoch."""
    conf = app_settings.CLIENT_AUTH
    bounds = [claims["exp"] - conf.ASSERTION_MAX_LIFETIME]  # without iat the lifetime counts from acceptance
    bounds += [claims[name] - clock_skew("CLIENT_AUTH") for name in ("iat", "nbf") if claims.get(name) is not None]
    return max(bounds)


class JWTAssertionMethod(ClientAuthMethod):
    """Common flow; subclasses supply the verification key and algorithms."""

    credential = "client_assertion"
    #: The client_assertion_type this method reads; the jwt-bearer methods also
    #: answer (with invalid_request) for types no method reads.
    assertion_type = ASSERTION_TYPE

    def presented(self, request: Any) -> bool:
        assertion_type = body_param(request, "client_assertion_type")
        if body_param(request, "client_assertion") is None and assertion_type is None:
            return False
        return assertion_type == self.assertion_type or (
            self.assertion_type == ASSERTION_TYPE and assertion_type != SPIFFE_ASSERTION_TYPE
        )

    def _assertion(self, request: Any) -> str:
        assertion_type = body_param(request, "client_assertion_type")
        assertion = body_param(request, "client_assertion")
        if assertion_type != self.assertion_type:
            raise InvalidRequest("client_assertion_type must be " + self.assertion_type, reason=f"client_assertion_type {assertion_type!r}")
        if not assertion:
            raise InvalidRequest("client_assertion is missing")
        return assertion

    def _unverified(self, request: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        cached = context.of(request).assertion
        if cached:
            return cached
        assertion = self._assertion(request)
        max_bytes = app_settings.CLIENT_AUTH.ASSERTION_MAX_BYTES
        try:
            header, claims = jose.unverified(assertion, max_bytes=max_bytes)
        except jose.JOSEError as exc:
            raise InvalidRequest("client_assertion is not a valid JWT", reason=str(exc)) from exc
        context.of(request).assertion = (header, claims)
        return header, claims

    def identify(self, request: Any) -> str:
        _, claims = self._unverified(request)
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise InvalidClient(reason="assertion has no sub")
        client_id = body_param(request, "client_id")
        if client_id is not None and client_id != sub:
            raise InvalidClient(reason="client_id parameter differs from the assertion's sub")  # RFC 7521 §4.2
        return sub

    def allowed_algorithms(self, profile: Any) -> set[str]:
        raise NotImplementedError

    def check_header_keys(self, client: Any, profile: Any, header: dict[str, Any]) -> None:
        """Keys in the assertion's own header are never what verifies it."""
        if header_keys := jose.HEADER_KEY_MEMBERS & header.keys():
            raise InvalidClient(reason=f"keys in the JWT header are not trusted: {sorted(header_keys)}")

    def verification_key(self, client: Any, profile: Any, header: dict[str, Any]) -> Any:
        raise NotImplementedError

    def authenticate(self, request: Any, client: Any, profile: Any, *, now: float | None = None) -> None:
        header, _ = self._unverified(request)
        typ = header.get("typ")
        if not (typ is None or isinstance(typ, str)) or typ not in ACCEPTED_TYPES:
            raise InvalidClient(reason=f"typ {header.get('typ')!r} is not a client assertion")
        self.check_header_keys(client, profile, header)
        allowed = self.allowed_algorithms(profile)
        if profile.token_endpoint_auth_signing_alg:
            allowed &= {profile.token_endpoint_auth_signing_alg}  # OIDC Registration
        if header["alg"] not in allowed:
            raise InvalidClient(reason=f"alg {header['alg']!r} not allowed for this client")
        key = self.verification_key(client, profile, header)
        try:
            _, claims = jose.verify_jws(
                self._assertion(request), key=key, algorithms=allowed,
                max_bytes=app_settings.CLIENT_AUTH.ASSERTION_MAX_BYTES,
            )
        except jose.JOSEError as exc:
            raise InvalidClient(reason=str(exc)) from exc
        check_claims(claims, client_id=client.client_id, now=now)
        ttl = claims["exp"] - (time.time() if now is None else now) + clock_skew("CLIENT_AUTH")
        try:
            replay.claim_once(f"client_assertion:{client.client_id}", claims["jti"], ttl=ttl,
                              not_before=earliest_use(claims))
        except replay.Replayed as exc:
            raise InvalidClient(reason="client assertion jti already used") from exc  # OIDC Core §9
