"""``client_secret_jwt`` (OIDC Core §9): an assertion MACed with the client secret.

The MAC key is the UTF-8 octets of the secret (OIDC Core §10.1), so the secret must
be stored in clear: an Application with a hashed secret cannot use this method.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import identify_hasher

from ..conf import app_settings
from ..core import jose
from ..core.errors import InvalidClient
from .jwt_assertion import JWTAssertionMethod


class ClientSecretJWT(JWTAssertionMethod):
    name = "client_secret_jwt"

    def allowed_algorithms(self, profile: Any) -> set[str]:
        return set(app_settings.CLIENT_AUTH.HMAC_ALGORITHMS) & jose.HMAC_ALGORITHMS

    def verification_key(self, client: Any, profile: Any, header: dict[str, Any]) -> bytes:
        secret = client.client_secret or ""
        if client.client_type != "confidential" or not secret:
            raise InvalidClient(reason="client_secret_jwt needs a confidential client with a secret")  # OIDC Core §10.1
        try:
            identify_hasher(secret)
        except ValueError:
            return secret.encode("utf-8")
        raise InvalidClient(reason="client secret is stored hashed; client_secret_jwt cannot verify it")

    def metadata(self) -> dict[str, Any]:
        return {"token_endpoint_auth_signing_alg_values_supported": sorted(self.allowed_algorithms(None))}
