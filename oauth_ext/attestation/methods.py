"""``attest_jwt_client_auth`` and ``attest_jwt_client_auth_dpop`` (-11 §7, §8): client
authentication by attestation, with a PoP JWT or with a DPoP proof of the same key.

Both read the ``OAuth-Client-Attestation`` header; the client's registered method
decides which applies, and a request in the other mode is refused (§7: a PoP header
means the PoP JWT mode, a DPoP proof without one the combined mode).
"""

from __future__ import annotations

from typing import Any

from .. import context
from ..client_auth.registry import ClientAuthMethod, body_param
from ..conf import app_settings
from ..core import jose
from . import services
from .errors import InvalidClientAttestation


class AttestationMethod(ClientAuthMethod):
    credential = "client_attestation"
    #: The registered PoP method name (§8) this mode answers to.
    pop_method = ""

    def presented(self, request: Any) -> bool:
        return services.header_value(request, services.ATTESTATION_HEADER) is not None

    def identify(self, request: Any) -> str:
        _, claims = services.unverified_claims(services.header_value(request, services.ATTESTATION_HEADER) or "")
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise InvalidClientAttestation(reason="attestation has no sub")
        client_id = body_param(request, "client_id")
        if client_id is not None and client_id != sub:
            raise InvalidClientAttestation(reason="client_id differs from the attestation's sub")  # §7.5
        return sub

    def authenticate(self, request: Any, client: Any, profile: Any) -> None:
        instance = getattr(client, "oauth_ext_instance", None)
        attestation = services.verify_attestation(
            services.header_value(request, services.ATTESTATION_HEADER) or "",
            client_id=client.client_id, software_id=getattr(instance, "software_id", None) or None,
        )
        self.prove(request, attestation, client)
        context.of(request).attestation = attestation

    def prove(self, request: Any, attestation: services.Attestation, client: Any) -> None:
        raise NotImplementedError

    def metadata(self) -> dict[str, Any]:
        return {
            "client_attestation_signing_alg_values_supported": sorted(
                set(app_settings.ATTESTATION.SIGNING_ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS),
            "client_attestation_pop_signing_alg_values_supported": sorted(
                set(app_settings.ATTESTATION.POP_SIGNING_ALGORITHMS) & jose.ASYMMETRIC_ALGORITHMS),
        }


class AttestJWTClientAuth(AttestationMethod):
    """§5.1, §7.2: attestation + ``OAuth-Client-Attestation-PoP``."""

    name = "attest_jwt_client_auth"
    pop_method = "attestation_pop_jwt"

    def prove(self, request: Any, attestation: services.Attestation, client: Any) -> None:
        pop = services.header_value(request, services.POP_HEADER)
        if pop is None:
            raise InvalidClientAttestation(reason="attestation without OAuth-Client-Attestation-PoP")
        services.verify_pop(pop, attestation, client_id=client.client_id)


class AttestJWTClientAuthDPoP(AttestationMethod):
    """§5.2, §7.3: attestation + a DPoP proof of the instance key (combined mode).
    The proof then also binds the tokens, as any DPoP proof does."""

    name = "attest_jwt_client_auth_dpop"
    pop_method = "dpop_combined"

    def prove(self, request: Any, attestation: services.Attestation, client: Any) -> None:
        if services.header_value(request, services.POP_HEADER) is not None:  # §7.3 (1)
            raise InvalidClientAttestation(reason="client registered combined mode but sent a PoP JWT")
        context.of(request).dpop = services.verify_combined(request, attestation)
