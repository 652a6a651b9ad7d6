"""SPIFFE bundles in their JWKS form (SPIFFE Trust Domain and Bundle §4): JWT-SVID
keys (``use`` ``jwt-svid``) and X.509 authorities (``use`` ``x509-svid``, one
certificate in ``x5c``); members with another or no ``use`` are ignored."""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from ..core import jose

logger = logging.getLogger(__name__)
MAX_KEYS = 100


class BundleError(Exception):
    """A bundle that cannot be used. The message is for logs and the admin."""


@dataclass(frozen=True)
class Bundle:
    jwt_keys: list[dict[str, Any]]
    x509_authorities: list[x509.Certificate]


def parse(document: Any) -> Bundle:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise BundleError('a bundle is an object with a "keys" array')
    if len(document["keys"]) > MAX_KEYS:
        raise BundleError(f"more than {MAX_KEYS} keys")
    jwt_keys, authorities = [], []
    for jwk in document["keys"]:
        use = jwk.get("use") if isinstance(jwk, dict) else None
        try:
            if use == "jwt-svid":
                jose.load_public_jwk(jwk)
                # Stripped of use so that key selection treats it as a signature key.
                jwt_keys.append({k: v for k, v in jwk.items() if k != "use"})
            elif use == "x509-svid":
                x5c = jwk.get("x5c")
                if not (isinstance(x5c, list) and len(x5c) == 1 and isinstance(x5c[0], str)):
                    raise BundleError("an x509-svid key holds exactly one certificate in x5c")
                authorities.append(x509.load_der_x509_certificate(base64.b64decode(x5c[0], validate=True)))
        except (jose.JOSEError, BundleError, ValueError, binascii.Error) as exc:
            logger.warning("bundle key skipped: %s", exc)
    if not jwt_keys and not authorities:
        raise BundleError("no usable jwt-svid or x509-svid key")
    return Bundle(jwt_keys=jwt_keys, x509_authorities=authorities)
