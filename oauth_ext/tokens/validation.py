"""Access-token validation for resource servers, in the mode a deployment chooses.

Every mode answers the same :class:`TokenInfo`, so the DPoP and scope checks on top
do not care where the answer came from.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import requests
from django.contrib.auth import get_user_model
from oauth2_provider.models import get_access_token_model

from ..conf import app_settings
from ..core import fetch, jose
from ..core.errors import InvalidToken
from ..core.keys import signing_keys
from ..status_list import client as status_list_client
from .claims import jwt_claims, token_type


@dataclass
class TokenInfo:
    """What a resource server knows about a valid access token."""

    token: str
    claims: dict[str, Any]
    scopes: frozenset[str] = field(default_factory=frozenset)
    user: Any = None

    @property
    def jkt(self) -> str | None:
        cnf = self.claims.get("cnf")
        return cnf.get("jkt") if isinstance(cnf, dict) else None

    @property
    def token_type(self) -> str:
        return token_type(self.claims)

    @property
    def scope(self) -> str:
        """Space-delimited, as DOT's AccessToken.scope (its permission classes read it)."""
        return " ".join(sorted(self.scopes))

    @property
    def username(self) -> str | None:
        """The resource owner's name: the local user's, else the introspected ``username``."""
        if self.user is not None:
            return self.user.get_username()
        name = self.claims.get("username")
        return name if isinstance(name, str) and name else None

    @property
    def client_id(self) -> str | None:
        return self.claims.get("client_id")

    def allow_scopes(self, scopes: Any) -> bool:
        return not scopes or set(scopes) <= self.scopes

    def is_expired(self) -> bool:
        return self.claims.get("exp", 0) <= time.time()

    def is_valid(self, scopes: Any = None) -> bool:
        """The interface of DOT's AccessToken, so DOT's DRF permission classes work."""
        return not self.is_expired() and self.allow_scopes(scopes)


def _from_database(token: str) -> TokenInfo:
    checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
    rows = get_access_token_model().objects.select_related("user").only("expires", "scope", "user").filter(token_checksum=checksum)[:1]
    stored = next(iter(rows), None)
    if stored is None or not stored.is_valid():
        raise InvalidToken("The access token is invalid or expired.", reason="unknown, revoked or expired token")
    claims = jwt_claims(token) or {"exp": int(stored.expires.timestamp())}
    return TokenInfo(token=token, claims=claims, scopes=frozenset(stored.scope.split()), user=stored.user)


def verification_keys() -> list[dict[str, Any]]:
    """The AS public keys: this site's, or those published at ``RESOURCE_SERVER.JWKS_URI``."""
    url = app_settings.RESOURCE_SERVER.JWKS_URI
    if not url:
        return [key.public_jwk for key in signing_keys()]
    try:
        return jose.validate_public_jwks(fetch.fetch_json(url))
    except (fetch.FetchError, jose.JOSEError) as exc:
        raise InvalidToken(reason=f"AS keys unavailable: {exc}") from exc


_verified: OrderedDict[tuple[str, tuple[str, ...]], dict[str, Any]] = OrderedDict()
_verified_lock = threading.Lock()
VERIFIED_CACHE_SIZE = 4096


def _verified_claims(token: str, keys: list[dict[str, Any]]) -> dict[str, Any]:
    """The claims of a JWT whose signature verifies with ``keys``.

    Verified signatures are remembered per token and key set (a token is presented
    again and again until it expires), so a repeat costs a hash, not a verify.
    """
    cache_key = (hashlib.sha256(token.encode("utf-8")).hexdigest(), tuple(sorted(jose.jwk_thumbprint(k) for k in keys)))
    with _verified_lock:
        claims = _verified.get(cache_key)
        if claims is not None:
            _verified.move_to_end(cache_key)
            return claims
    header = jose.unverified_header(token, max_bytes=16384)
    if header.get("typ") not in ("at+jwt", "application/at+jwt"):
        raise jose.JOSEError("not an RFC 9068 access token")
    key = jose.select_key(keys, kid=header.get("kid"), alg=header["alg"])
    _, claims = jose.verify_jws(token, key=jose.load_public_jwk(key), algorithms=jose.ASYMMETRIC_ALGORITHMS, max_bytes=16384)
    with _verified_lock:
        _verified[cache_key] = claims
        while len(_verified) > VERIFIED_CACHE_SIZE:
            _verified.popitem(last=False)
    return claims


def _check_audience(claims: dict[str, Any], audience: str | None) -> None:
    aud = claims.get("aud")
    if audience not in (aud if isinstance(aud, list) else [aud]):
        raise InvalidToken("The access token is not for this resource.", reason="token for another audience")


def _from_jwt(token: str, audience: str | None = None) -> TokenInfo:
    conf = app_settings.RESOURCE_SERVER
    keys = verification_keys()
    try:
        claims = _verified_claims(token, keys)
    except jose.JOSEError as exc:
        raise InvalidToken("The access token is invalid.", reason=str(exc)) from exc
    if claims.get("iss") != app_settings.issuer:
        raise InvalidToken("The access token is invalid.", reason="iss mismatch")
    _check_audience(claims, audience or conf.AUDIENCE or app_settings.issuer)
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= time.time():
        raise InvalidToken("The access token has expired.", reason="expired")
    try:
        if not status_list_client.is_valid(claims, keys=keys):  # Token Status List §8.3
            raise InvalidToken("The access token has been revoked.", reason="status list says revoked or suspended")
    except status_list_client.StatusUnknown as exc:
        raise InvalidToken("The access token's status cannot be established.", reason=str(exc)) from exc
    return TokenInfo(token=token, claims=claims, scopes=frozenset(str(claims.get("scope", "")).split()), user=_user(claims))


def _user(claims: dict[str, Any]) -> Any:
    if claims.get("sub") == claims.get("client_id"):
        return None
    sub = str(claims.get("sub", ""))
    return get_user_model().objects.filter(pk=sub).first() if sub.isdigit() else None


def _from_introspection(token: str) -> TokenInfo:
    conf = app_settings.RESOURCE_SERVER
    try:
        response = requests.post(
            conf.INTROSPECTION_URL,
            data={"token": token},
            auth=(conf.INTROSPECTION_CLIENT_ID, conf.INTROSPECTION_CLIENT_SECRET),
            headers={"Accept": "application/json"},
            timeout=5,
            allow_redirects=False,
        )
        body = response.json() if response.status_code == 200 else {}
    except (requests.RequestException, ValueError) as exc:
        raise InvalidToken(reason=f"introspection failed: {exc}") from exc
    if not isinstance(body, dict) or body.get("active") is not True:
        raise InvalidToken("The access token is invalid.", reason="introspection says inactive")
    return TokenInfo(token=token, claims=body, scopes=frozenset(str(body.get("scope", "")).split()))


MODES = {"database": _from_database, "jwt": _from_jwt, "introspection": _from_introspection}


def validate_access_token(token: str, *, audience: str | None = None) -> TokenInfo:
    """Validate ``token`` by ``RESOURCE_SERVER.TOKEN_VALIDATION``; raise InvalidToken.

    ``audience``: the resource asking, which the token's ``aud`` must name; one
    process serving several resources (IMAP and SMTP) names each per call. Without
    it, "jwt" mode requires ``RESOURCE_SERVER.AUDIENCE`` (or the issuer).
    """
    mode = app_settings.RESOURCE_SERVER.TOKEN_VALIDATION
    if mode == "jwt":
        return _from_jwt(token, audience)
    info = MODES[mode](token)
    if audience is not None:
        _check_audience(info.claims, audience)
    return info
