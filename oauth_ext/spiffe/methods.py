"""``spiffe_jwt`` (-02 §3.1): a JWT-SVID as the client assertion; ``spiffe_x509`` (§3.2):
an X.509-SVID as the mutual-TLS certificate. Either SPIFFE ID must match the client's
registered ``spiffe_id``."""

from __future__ import annotations

from typing import Any

from ..client_auth.jwt_assertion import SPIFFE_ASSERTION_TYPE, JWTAssertionMethod
from ..client_auth.registry import body_param
from ..clients.models import ClientProfile
from ..core.errors import InvalidClient
from ..mtls.methods import CertificateMethod
from . import ids, services


class SpiffeJWT(JWTAssertionMethod):
    name = "spiffe_jwt"
    assertion_type = SPIFFE_ASSERTION_TYPE

    def identify(self, request: Any) -> str:
        """The ``client_id`` parameter, else the client registered with exactly this SPIFFE ID."""
        client_id = body_param(request, "client_id")
        if client_id is not None:
            return client_id
        _, claims = self._unverified(request)
        sub = claims.get("sub")
        if ids.trust_domain(sub) is None:
            raise InvalidClient(reason="JWT-SVID sub is not a SPIFFE ID")
        found = ClientProfile.objects.filter(spiffe_id=sub).values_list("application__client_id", flat=True)[:2]
        if len(found) != 1:
            raise InvalidClient(reason=f"no single client registered for {sub!r}")
        return found[0]

    def authenticate(self, request: Any, client: Any, profile: Any, *, now: float | None = None) -> None:
        claims = services.verify_jwt_svid(self._assertion(request), now=now)
        if not ids.matches(profile.spiffe_id, claims["sub"]):  # §3.1 (5), §5.1
            raise InvalidClient(reason=f"SPIFFE ID {claims['sub']!r} is not {profile.spiffe_id!r}")


class SpiffeX509(CertificateMethod):
    """``spiffe_x509`` (-02 §3.2): an X.509-SVID as the mutual-TLS client certificate."""

    name = "spiffe_x509"

    def check(self, certificate: Any, client: Any, profile: Any, request: Any) -> None:
        spiffe_id = services.verify_x509_svid(certificate)
        client_id = body_param(request, "client_id")
        if ids.trust_domain(client_id) is not None and client_id != spiffe_id:
            raise InvalidClient(reason="client_id is not the certificate's SPIFFE ID")  # §3.2
        if not ids.matches(profile.spiffe_id, spiffe_id):  # (5)
            raise InvalidClient(reason=f"SPIFFE ID {spiffe_id!r} is not {profile.spiffe_id!r}")
