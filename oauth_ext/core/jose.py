"""JOSE on PyJWT + cryptography: JWKs, RFC 7638 thumbprints and JWS verification.

Deliberately free of Django so that :mod:`oauth_ext.client_sdk` can use it in client
apps. Verification always takes an explicit algorithm allow-list and an explicit
key: nothing here ever trusts ``none``, an HMAC algorithm keyed with a public key,
or a key carried in the token's own header.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
from typing import Any, TypeGuard

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from . import untrusted_json

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey

ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"}
)
HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
HEADER_KEY_MEMBERS = frozenset({"jwk", "jku", "x5u", "x5c"})
# RFC 7638 §3.2: the required members of each key type, in lexicographic order.
THUMBPRINT_MEMBERS = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x"), "oct": ("k", "kty")}
EC_CURVE_ALGORITHMS = {"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}
MIN_RSA_BITS = 2048


class JOSEError(Exception):
    """A JWK, JWKS or JWS that cannot be accepted. The message is for logs."""


class KeyNotFound(JOSEError):
    """No key in the set matches the token's ``kid`` (a refetch may help)."""


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(data: str) -> bytes:
    """Strict base64url: no padding, and only the canonical spelling, so that one
    value has one string (replay keys and identifiers rely on it)."""
    if not isinstance(data, str) or any(c in data for c in "+/= \n"):
        raise JOSEError("not base64url")
    try:
        decoded = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
    except (ValueError, TypeError) as exc:
        raise JOSEError("not base64url") from exc
    if b64url_encode(decoded) != data:
        raise JOSEError("not canonical base64url")
    return decoded


def jwk_thumbprint(jwk: dict[str, Any], hash_name: str = "sha256") -> str:
    """RFC 7638 JWK thumbprint, base64url without padding."""
    try:
        members = THUMBPRINT_MEMBERS[jwk["kty"]]
        canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    except (KeyError, TypeError) as exc:
        raise JOSEError("JWK lacks the members its kty requires") from exc
    return b64url_encode(hashlib.new(hash_name, canonical.encode("utf-8")).digest())


def load_public_jwk(jwk: Any) -> PublicKey:
    """A public key from a JWK, refusing private or symmetric material.

    Parsed keys are remembered: the same client keys and DPoP keys come back on
    every request.
    """
    if not isinstance(jwk, dict):
        raise JOSEError("JWK is not an object")
    try:
        canonical = json.dumps(jwk, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise JOSEError("JWK is not JSON") from exc
    return _load_public_jwk(canonical)


@functools.lru_cache(maxsize=1024)
def _load_public_jwk(canonical: str) -> PublicKey:
    jwk = json.loads(canonical)
    if PRIVATE_JWK_MEMBERS & jwk.keys() or jwk.get("kty") == "oct":
        raise JOSEError("JWK holds private or symmetric key material")
    kty = jwk.get("kty")
    key: PublicKey | PrivateKey
    try:
        if kty == "RSA":
            key = RSAAlgorithm.from_jwk(jwk)
            if key.key_size < MIN_RSA_BITS:
                raise JOSEError(f"RSA key shorter than {MIN_RSA_BITS} bits")
        elif kty == "EC":
            if jwk.get("crv") not in EC_CURVE_ALGORITHMS:
                raise JOSEError("unsupported EC curve")
            key = ECAlgorithm.from_jwk(jwk)
        elif kty == "OKP":
            key = OKPAlgorithm.from_jwk(jwk)
        else:
            raise JOSEError(f"unsupported kty {kty!r}")
    except JOSEError:
        raise
    except (jwt.exceptions.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise JOSEError(f"malformed {kty} JWK") from exc
    if not isinstance(key, PublicKey):
        raise JOSEError("JWK is not a public key")
    return key


def validate_public_jwks(jwks: Any, max_keys: int = 20) -> list[dict[str, Any]]:
    """The keys of a JWK Set, each checked to be a usable public key."""
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise JOSEError('JWKS must be an object with a "keys" array')
    keys = jwks["keys"]
    if not keys or len(keys) > max_keys:
        raise JOSEError(f"JWKS must hold between 1 and {max_keys} keys")
    for jwk in keys:
        load_public_jwk(jwk)
        if "kid" in jwk and not isinstance(jwk["kid"], str):
            raise JOSEError("kid must be a string")
    checked: list[dict[str, Any]] = keys
    return checked


def key_algorithm_family(jwk: dict[str, Any]) -> set[str]:
    """The JWS algorithms a public JWK can verify."""
    kty = jwk.get("kty")
    if kty == "RSA":
        return {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
    if kty == "EC":
        alg = EC_CURVE_ALGORITHMS.get(jwk.get("crv", ""))
        return {alg} if alg else set()
    if kty == "OKP":
        return {"EdDSA", "Ed25519"} if jwk.get("crv") == "Ed25519" else {"EdDSA"}
    return set()


def select_key(keys: list[dict[str, Any]], *, kid: str | None, alg: str) -> dict[str, Any]:
    """Pick the verification key for ``kid`` and ``alg`` (OIDC Core §10.1).

    Without a ``kid`` a key is chosen only when exactly one key of the set can
    verify ``alg``; a set with several candidates requires a ``kid``.
    """
    candidates = [
        k for k in keys
        if alg in key_algorithm_family(k)
        and k.get("use", "sig") == "sig"
        and k.get("alg", alg) == alg
    ]
    if kid is not None:
        matching = [k for k in candidates if k.get("kid") == kid]
        if not matching:
            raise KeyNotFound(f"no key with kid {kid!r} for {alg}")
        return matching[0]
    if len(candidates) != 1:
        raise KeyNotFound(f"no kid given and {len(candidates)} keys can verify {alg}")
    return candidates[0]


def is_numeric_date(value: Any) -> TypeGuard[int | float]:
    """RFC 7519 §2 NumericDate: a JSON number (``true`` is not one, though Python's bool is an int)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def unverified_header(token: Any, *, max_bytes: int) -> dict[str, Any]:
    """The JOSE header of a compact JWS, after size and shape checks."""
    if not isinstance(token, str) or not token:
        raise JOSEError("token is not a string")
    if len(token.encode("utf-8", "surrogatepass")) > max_bytes:
        raise JOSEError(f"token larger than {max_bytes} bytes")
    parts = token.split(".")
    if len(parts) != 3:
        raise JOSEError("not a compact JWS (three segments expected)")
    try:
        header = untrusted_json.loads(b64url_decode(parts[0]))
    except (JOSEError, ValueError, UnicodeDecodeError) as exc:
        raise JOSEError("header is not base64url JSON") from exc
    if not isinstance(header, dict):
        raise JOSEError("header is not a JSON object")
    if not isinstance(header.get("alg"), str):
        raise JOSEError("header has no alg")
    if "kid" in header and not isinstance(header["kid"], str):
        raise JOSEError("kid must be a string")
    if "crit" in header:
        raise JOSEError("critical header parameters are not supported")
    return header


def unverified(token: Any, *, max_bytes: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a compact JWS before its signature is checked: what
    picks the key (``iss``, ``sub``, ``kid``); nothing else may be trusted yet."""
    header = unverified_header(token, max_bytes=max_bytes)
    try:
        claims = untrusted_json.loads(b64url_decode(token.split(".")[1]))
    except (JOSEError, ValueError, UnicodeDecodeError) as exc:
        raise JOSEError("payload is not base64url JSON") from exc
    if not isinstance(claims, dict):
        raise JOSEError("payload is not a JSON object")
    return header, claims


def verify_jws(token: str, *, key: Any, algorithms: list[str] | set[str] | frozenset[str], max_bytes: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify a compact JWS and return ``(header, claims)``.

    Only the signature is checked here; callers check the claims against their
    own clock and rules. ``key`` is a public key object, or bytes for HMAC.
    """
    header = unverified_header(token, max_bytes=max_bytes)
    alg = header["alg"]
    if alg not in algorithms or alg == "none":
        raise JOSEError(f"algorithm {alg!r} not allowed")
    if alg in HMAC_ALGORITHMS and not isinstance(key, bytes):
        raise JOSEError("HMAC algorithm with a non-secret key")
    if alg not in HMAC_ALGORITHMS and isinstance(key, (bytes, str)):
        raise JOSEError("asymmetric algorithm with a secret key")
    signing_input, _, signature = token.rpartition(".")
    try:
        algorithm = jwt.get_algorithm_by_name(alg)
        valid = algorithm.verify(signing_input.encode("ascii"), algorithm.prepare_key(key), b64url_decode(signature))
    except (jwt.exceptions.PyJWTError, NotImplementedError, ValueError, TypeError, UnicodeEncodeError) as exc:
        raise JOSEError(f"signature verification failed: {exc}") from exc
    if not valid:
        raise JOSEError("signature verification failed")
    try:
        claims = untrusted_json.loads(b64url_decode(signing_input.split(".", 1)[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise JOSEError("payload is not JSON") from exc
    if not isinstance(claims, dict):
        raise JOSEError("payload is not a JSON object")
    return header, claims


def default_algorithm(jwk: dict[str, Any]) -> str:
    """The algorithm a key signs with when its JWK names none."""
    if jwk.get("alg"):
        named: str = jwk["alg"]
        return named
    if jwk.get("kty") == "EC":
        return EC_CURVE_ALGORITHMS[jwk["crv"]]
    if jwk.get("kty") == "OKP":
        return "EdDSA"
    return "RS256"


def generate_private_key(alg: str = "ES256") -> PrivateKey:
    """A fresh private key suitable for ``alg``."""
    if alg in ("ES256", "ES384", "ES512"):
        curve = {"ES256": ec.SECP256R1(), "ES384": ec.SECP384R1(), "ES512": ec.SECP521R1()}[alg]
        return ec.generate_private_key(curve)
    if alg in ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"):
        return rsa.generate_private_key(public_exponent=65537, key_size=3072)
    if alg in ("EdDSA", "Ed25519"):
        return ed25519.Ed25519PrivateKey.generate()
    raise JOSEError(f"cannot generate a key for {alg!r}")


def private_key_to_jwk(key: PrivateKey, *, alg: str | None = None, kid: str | None = None) -> dict[str, Any]:
    """The private JWK of ``key``, with ``kid`` defaulting to its RFC 7638 thumbprint."""
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = RSAAlgorithm.to_jwk(key, as_dict=True)
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        jwk = ECAlgorithm.to_jwk(key, as_dict=True)
    else:
        jwk = OKPAlgorithm.to_jwk(key, as_dict=True)
    jwk.pop("key_ops", None)
    jwk["alg"] = alg or default_algorithm(jwk)
    jwk["use"] = "sig"
    jwk["kid"] = kid or jwk_thumbprint(jwk)
    return jwk


def public_jwk(jwk: dict[str, Any]) -> dict[str, Any]:
    """The public half of a private JWK."""
    return {k: v for k, v in jwk.items() if k not in PRIVATE_JWK_MEMBERS}


def load_private_jwk(jwk: dict[str, Any]) -> PrivateKey:
    """A private key object from a private JWK."""
    loaders: dict[str, type[RSAAlgorithm] | type[ECAlgorithm] | type[OKPAlgorithm]] = {
        "RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}
    loader = loaders.get(jwk.get("kty", ""))
    if loader is None or "d" not in jwk:
        raise JOSEError("not a private RSA, EC or OKP JWK")
    try:
        key = loader.from_jwk(jwk)
    except (jwt.exceptions.PyJWTError, ValueError, TypeError, KeyError) as exc:
        raise JOSEError("malformed private JWK") from exc
    if not isinstance(key, PrivateKey):  # "d" makes it one
        raise JOSEError("not a private RSA, EC or OKP JWK")
    return key


def sign(claims: dict[str, Any], *, key: Any, alg: str, headers: dict[str, Any] | None = None) -> str:
    """A compact JWS over ``claims``."""
    return jwt.encode(claims, key, algorithm=alg, headers=headers)
