"""Stateless client instances: the client_id is itself a compact assertion by this
server, and the instance becomes a row only when it is first used.

``s.<payload>.<mac>``: the payload binds the instance template (the software and its
metadata), the instance's public key, and the issue time; the MAC is HMAC-SHA256
under a server secret, truncated to 128 bits. A client_id verifies for
``CLIENT_INSTANCES.STATELESS_MAX_AGE`` seconds from its issue time, so a revocation
(the instance row, kept by pruning until then) outlives it. It fits DOT's
100-character client_id column, so the row created on first use carries the same
client_id and every DOT flow works on it unchanged.

- Version 2, EC P-256 and Ed25519 keys: the payload carries the key itself (33-byte
  compressed point, or the 32-byte Ed25519 key), so the first use needs no more than
  a plain RFC 7523 assertion; the key is recovered from the client_id.
- Version 1, other keys (RSA): the payload carries the key's SHA-256 thumbprint; the
  key arrives with the first client assertion (its ``jwk`` header), accepted only when
  its thumbprint is the bound one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
import time
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac
from oauth2_provider.models import get_application_model

from ..clients.models import ClientProfile
from ..conf import app_settings
from ..core import jose
from ..core.errors import InvalidClient
from .models import ClientInstance, InstanceTemplate

PREFIX = "s."
VERSION = 1
VERSION_KEY = 2
_PAYLOAD = struct.Struct(">BII32s")  # version, template id, issued at, key thumbprint
_KEYED = struct.Struct(">BIIB")  # version, template id, issued at, key type; then the key
KEY_TYPES = {1: ("EC", "P-256", 33, "ES256"), 2: ("OKP", "Ed25519", 32, "EdDSA")}  # type -> kty, crv, bytes, alg


def _mac(payload: bytes) -> bytes:
    key = salted_hmac("oauth_ext.client_instances.stateless", "key", secret=settings.SECRET_KEY, algorithm="sha256").digest()
    return hmac.new(key, payload, hashlib.sha256).digest()[:16]


def template_for(publisher: Any, metadata: dict[str, Any]) -> InstanceTemplate:
    """The shared template of this software variant (written once per variant)."""
    canonical = json.dumps({"publisher": publisher.pk, **metadata}, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    template = InstanceTemplate.objects.filter(digest=digest).first()
    if template is None:
        try:
            with transaction.atomic():
                template = InstanceTemplate.objects.create(publisher=publisher, digest=digest, metadata=metadata)
        except IntegrityError:
            template = InstanceTemplate.objects.get(digest=digest)
    return template


def _key_bytes(jwk: dict[str, Any]) -> tuple[int, bytes] | None:
    """``(key type, bytes)`` for a key the client_id can carry, else None."""
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        key = jose.load_public_jwk(jwk)
        return 1, key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return 2, jose.b64url_decode(jwk["x"])
    return None


def _jwk(key_type: int, data: bytes) -> dict[str, Any]:
    """The public JWK of carried key bytes; ValueError for bytes that are no key."""
    kty, crv, size, alg = KEY_TYPES[key_type]
    if len(data) != size:
        raise ValueError("key of the wrong length")
    if kty == "EC":
        numbers = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data).public_numbers()
        jwk = {"kty": kty, "crv": crv, "x": jose.b64url_encode(numbers.x.to_bytes(32, "big")),
               "y": jose.b64url_encode(numbers.y.to_bytes(32, "big"))}
    else:
        jwk = {"kty": kty, "crv": crv, "x": jose.b64url_encode(data)}
        jose.load_public_jwk(jwk)
    # The kid clients give such keys by default (RFC 7638 thumbprint), as our signers do.
    return {**jwk, "alg": alg, "use": "sig", "kid": jose.jwk_thumbprint(jwk)}


def _encode(payload: bytes) -> str:
    return f"{PREFIX}{jose.b64url_encode(payload)}.{jose.b64url_encode(_mac(payload))}"


def issue_client_id(template: InstanceTemplate, jwk: dict[str, Any], *, now: float | None = None) -> str:
    issued_at = int(time.time() if now is None else now)
    carried = _key_bytes(jwk)
    if carried is not None:
        return _encode(_KEYED.pack(VERSION_KEY, template.pk, issued_at, carried[0]) + carried[1])
    jkt = jose.b64url_decode(jose.jwk_thumbprint(jwk))
    return _encode(_PAYLOAD.pack(VERSION, template.pk, issued_at, jkt))


def is_stateless(client_id: Any) -> bool:
    return isinstance(client_id, str) and client_id.startswith(PREFIX)


def verifies_until(issued_at: int) -> float:
    """When a client_id issued at ``issued_at`` stops verifying (``STATELESS_MAX_AGE``)."""
    return issued_at + app_settings.CLIENT_INSTANCES.STATELESS_MAX_AGE


def _parse(client_id: str) -> tuple[int, int, str, dict[str, Any] | None]:
    """``(template id, issued at, thumbprint, carried key or None)``; InvalidClient for a
    tampered or foreign client_id, or one older than ``STATELESS_MAX_AGE``."""
    jwk = None
    try:
        body, mac = client_id[len(PREFIX):].split(".")
        payload = jose.b64url_decode(body)
        # Only the canonical encoding: base64url has spare bits, and a second spelling
        # of a revoked client_id must not become a second, unrevoked instance.
        valid = hmac.compare_digest(jose.b64url_decode(mac), _mac(payload)) and client_id == _encode(payload)
        if valid and payload[:1] == bytes([VERSION_KEY]):
            _, template_id, issued_at, key_type = _KEYED.unpack(payload[:_KEYED.size])
            jwk = _jwk(key_type, payload[_KEYED.size:])
            jkt = jose.b64url_decode(jose.jwk_thumbprint(jwk))
        else:
            version, template_id, issued_at, jkt = _PAYLOAD.unpack(payload)
            valid = valid and version == VERSION
    except (ValueError, KeyError, struct.error, jose.JOSEError):
        valid = False
    if not valid:
        raise InvalidClient(reason="stateless client_id fails its MAC")
    if verifies_until(issued_at) <= time.time():
        raise InvalidClient(reason="stateless client_id is older than STATELESS_MAX_AGE")
    return template_id, issued_at, jose.b64url_encode(jkt), jwk


def decode(client_id: str) -> tuple[int, int, str]:
    """``(template id, issued at, thumbprint)``; InvalidClient for a tampered, foreign
    or expired client_id."""
    return _parse(client_id)[:3]


def bound_jwk(client_id: str) -> dict[str, Any] | None:
    """The public key a version 2 client_id carries (None for version 1)."""
    return _parse(client_id)[3]


@transaction.atomic
def materialize(client_id: str) -> Any:
    """The Application of a stateless instance, created on its first use."""
    template_id, issued_at, _, jwk = _parse(client_id)
    Application = get_application_model()
    existing = Application.objects.select_related("oauth_ext_profile", "oauth_ext_instance").filter(client_id=client_id).first()
    if existing is not None:
        return existing
    template = InstanceTemplate.objects.select_related("publisher").filter(pk=template_id).first()
    if template is None or not template.publisher.enabled:
        raise InvalidClient(reason="stateless instance of an unknown template or a disabled publisher")
    meta = template.metadata
    try:
        with transaction.atomic():
            application = Application.objects.create(
                client_id=client_id, client_secret=make_password(None), hash_client_secret=False,  # unusable, no hash cost
                name=meta.get("client_name", "")[:255],
                client_type=Application.CLIENT_CONFIDENTIAL, redirect_uris=" ".join(meta.get("redirect_uris", [])),
                authorization_grant_type=meta["dot_grant_type"], algorithm="",
            )
            ClientProfile.objects.create(application=application, token_endpoint_auth_method="private_key_jwt",
                                         jwks={"keys": [jwk]} if jwk else None)
            ClientInstance.objects.create(
                application=application, publisher=template.publisher, stateless=True, scope=meta.get("scope", []),
                software_id=meta.get("software_id", ""), software_version=meta.get("software_version", ""),
                client_name=meta.get("client_name", ""), platform=meta.get("platform", ""),
            )
    except IntegrityError:  # a concurrent first use created it
        pass
    return Application.objects.select_related("oauth_ext_profile", "oauth_ext_instance").get(client_id=client_id)


def adopt_key(application: Any, header_jwk: Any) -> None:
    """Record the key of a stateless instance on first use, if it is the bound one."""
    instance = getattr(application, "oauth_ext_instance", None)
    profile = application.oauth_ext_profile
    if instance is None or not instance.stateless or profile.jwks:
        return
    _, _, jkt = decode(application.client_id)
    try:
        jose.load_public_jwk(header_jwk)
        matches = jose.jwk_thumbprint(header_jwk) == jkt
    except jose.JOSEError:
        matches = False
    if not matches:
        raise InvalidClient(reason="the assertion's jwk is not the key this client_id binds")
    profile.jwks = {"keys": [jose.public_jwk(header_jwk)]}
    profile.save(update_fields=["jwks", "updated_at"])
