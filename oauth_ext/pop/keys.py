"""PoP keys: the client's asymmetric key from ``req_cnf``, or a symmetric key the AS
chooses and hands to the resource server inside the token, encrypted (RFC 7800 §3.3).

A symmetric key derives from the token's ``jti`` under a server secret, so the AS
can repeat it at introspection without storing it.
"""

from __future__ import annotations

import json
from typing import Any

from jwcrypto import jwe as jc_jwe
from jwcrypto import jwk as jc_jwk
from jwcrypto.common import JWException

from ..conf import app_settings
from ..core import jose, mac_tokens
from . import resources

SYMMETRIC_ALG = "HS256"


class PoPKeyError(Exception):
    """A PoP key cannot be parsed, encrypted or decrypted. The message is for logs."""


def parse_req_cnf(value: str) -> dict[str, Any]:
    """A ``req_cnf`` (base64url or plain JSON, RFC 7800 §3 syntax) as ``{"jwk": public
    JWK}`` or ``{"kid": key id}``: a key given, or one the client registered."""
    try:
        text = value if value.lstrip().startswith("{") else jose.b64url_decode(value).decode("utf-8")
        cnf = json.loads(text)
        if isinstance(cnf, dict) and "jwk" not in cnf and isinstance(cnf.get("kid"), str) and cnf["kid"]:
            return {"kid": cnf["kid"]}
        jwk = cnf["jwk"]
        jose.load_public_jwk(jwk)  # RFC 9201: symmetric or private material refused
    except (jose.JOSEError, ValueError, UnicodeDecodeError, KeyError, TypeError, RecursionError) as exc:
        raise PoPKeyError(f"req_cnf is not a cnf with a public jwk or a kid: {exc}") from exc
    return {"jwk": jose.public_jwk(jwk)}


def symmetric_key(jti: str) -> dict[str, Any]:
    """The symmetric PoP key of the token with this ``jti``."""
    k = mac_tokens.mac(mac_tokens.secret(app_settings.POP.KEY_SECRET, "oauth_ext.pop.key"), b"pop\x00" + jti.encode(), 32)
    return {"kty": "oct", "k": jose.b64url_encode(k), "alg": SYMMETRIC_ALG, "kid": jti}


def encrypt_for(resource: str, jwk: dict[str, Any]) -> str:
    """JWE of ``jwk`` to the configured key of ``resource``."""
    rs_key = resources.encryption_key(resource)
    if rs_key is None:
        raise PoPKeyError(f"no encryption key configured for resource {resource!r}")
    alg = "RSA-OAEP-256" if rs_key.get("kty") == "RSA" else "ECDH-ES+A256KW"
    header = {"alg": alg, "enc": "A256GCM", "cty": "jwk+json"}
    if rs_key.get("kid"):
        header["kid"] = rs_key["kid"]
    token = jc_jwe.JWE(json.dumps(jwk).encode(), protected=json.dumps(header))
    token.add_recipient(jc_jwk.JWK(**rs_key))
    return token.serialize(compact=True)


def decrypt(encrypted: str) -> dict[str, Any]:
    """The JWK inside a ``cnf.jwe``, read with this site's resource-server keys."""
    for private in app_settings.POP.RS_DECRYPTION_KEYS:
        token = jc_jwe.JWE()
        try:
            token.deserialize(encrypted, key=jc_jwk.JWK(**private))
            jwk = json.loads(token.payload)
        except (JWException, ValueError, TypeError):
            continue
        if isinstance(jwk, dict) and jwk.get("kty") == "oct":
            return jwk
    raise PoPKeyError("cnf.jwe cannot be decrypted with this resource server's keys")


def introspection_cnf(cnf: dict[str, Any], claims: dict[str, Any], caller: str | None) -> dict[str, Any]:
    """What introspection tells client ``caller`` about a token's key (RFC 9201 §5).

    Symmetric key material goes only to the resource server the token is for: a client
    listed in the ``introspection_clients`` of one of the token's audiences. Every other
    caller gets the key's RFC 7638 thumbprint (``jkt``); public keys are no secret.
    """
    others = {k: v for k, v in cnf.items() if k not in ("jwe", "jwk")}  # e.g. an mTLS x5t#S256
    jwk = symmetric_key(claims["jti"]) if "jwe" in cnf and isinstance(claims.get("jti"), str) else cnf.get("jwk")
    if not (isinstance(jwk, dict) and "k" in jwk):
        return cnf
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else audiences if isinstance(audiences, list) else []
    if caller is not None and any(caller in resources.introspection_clients(audience) for audience in audiences if isinstance(audience, str)):
        return {**others, "jwk": jwk}
    return {**others, "jkt": jose.jwk_thumbprint(jwk)}
