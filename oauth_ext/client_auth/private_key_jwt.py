"""``private_key_jwt`` (OIDC Core §9): an assertion signed with the client's key."""

from __future__ import annotations

from typing import Any

from ..client_instances import stateless
from ..clients.services import client_keys
from ..conf import app_settings
from ..core import jose
from ..core.errors import InvalidClient
from ..core.jwks import KeysUnavailable
from .jwt_assertion import JWTAssertionMethod


class PrivateKeyJWT(JWTAssertionMethod):
    name = "private_key_jwt"

    def allowed_algorithms(self, profile: Any) -> set[str]:
        return set(app_settings.CLIENT_AUTH.SIGNING_ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS

    def check_header_keys(self, client: Any, profile: Any, header: dict[str, Any]) -> None:
        """A ``jwk`` header passes only as a copy of a key the client registered; a
        stateless instance registers its key this way on first use, when the key is
        the one its client_id binds."""
        if "jwk" in header and not {"jku", "x5u", "x5c"} & header.keys():
            stateless.adopt_key(client, header["jwk"])
            registered = {jose.jwk_thumbprint(key) for key in (profile.jwks or {}).get("keys", [])}
            try:
                if jose.jwk_thumbprint(header["jwk"]) in registered:
                    return
            except jose.JOSEError:
                pass
        super().check_header_keys(client, profile, header)

    def verification_key(self, client: Any, profile: Any, header: dict[str, Any]) -> Any:
        try:
            return jose.load_public_jwk(client_keys(profile, kid=header.get("kid"), alg=header["alg"]))
        except (jose.JOSEError, KeysUnavailable) as exc:
            raise InvalidClient(reason=f"no usable client key: {exc}") from exc

    def metadata(self) -> dict[str, Any]:
        return {"token_endpoint_auth_signing_alg_values_supported": sorted(self.allowed_algorithms(None))}
