"""``tls_client_auth`` and ``self_signed_tls_client_auth`` (RFC 8705 §2): the client
certificate, forwarded by a trusted proxy, authenticates the client named by the
``client_id`` parameter."""

from __future__ import annotations

import ipaddress
from typing import Any

from cryptography import x509

from .. import context
from ..client_auth.registry import ClientAuthMethod, body_param
from ..core import jwks as key_sets
from ..core.errors import InvalidClient
from . import certificates


class CertificateMethod(ClientAuthMethod):
    credential = "tls_client_certificate"

    def presented(self, request: Any) -> bool:
        """A certificate with a ``client_id`` whose client registered this method: a
        certificate alone may just bind tokens of a client authenticating otherwise."""
        if certificates.client_certificate(request) is None:
            return False
        client_id = body_param(request, "client_id")
        if client_id is None:
            return False
        cached = context.of(request).certificate_method
        if cached is None:
            from ..clients.services import get_profile, load_client

            client = load_client(client_id)
            profile = get_profile(client) if client is not None else None
            cached = context.of(request).certificate_method = profile.token_endpoint_auth_method if profile else ""
        return cached == self.name

    def identify(self, request: Any) -> str:
        return body_param(request, "client_id") or ""  # RFC 8705 §2: client_id is required

    def authenticate(self, request: Any, client: Any, profile: Any) -> None:
        certificate = certificates.client_certificate(request)
        if certificate is None:  # presented() saw one
            raise InvalidClient(reason="no client certificate")
        self.check(certificate, client, profile, request)
        context.of(request).client_certificate = certificate

    def check(self, certificate: x509.Certificate, client: Any, profile: Any, request: Any) -> None:
        raise NotImplementedError


def _san(certificate: x509.Certificate, kind: type) -> list[Any]:
    try:
        return certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(kind)
    except x509.ExtensionNotFound:
        return []


class TLSClientAuth(CertificateMethod):
    """§2.1: PKI; the proxy validated the chain, the registered subject DN or SAN must match."""

    name = "tls_client_auth"

    def check(self, certificate: x509.Certificate, client: Any, profile: Any, request: Any) -> None:
        if profile.tls_client_auth_subject_dn:
            try:
                expected = x509.Name.from_rfc4514_string(profile.tls_client_auth_subject_dn)
            except ValueError as exc:
                raise InvalidClient(reason=f"registered subject DN unreadable: {exc}") from exc
            ok = certificate.subject == expected or certificate.subject.rfc4514_string() == expected.rfc4514_string()
        elif profile.tls_client_auth_san_dns:
            ok = profile.tls_client_auth_san_dns.lower() in [v.lower() for v in _san(certificate, x509.DNSName)]
        elif profile.tls_client_auth_san_uri:
            ok = profile.tls_client_auth_san_uri in _san(certificate, x509.UniformResourceIdentifier)
        elif profile.tls_client_auth_san_ip:
            ok = ipaddress.ip_address(profile.tls_client_auth_san_ip) in _san(certificate, x509.IPAddress)  # binary compare
        elif profile.tls_client_auth_san_email:
            ok = profile.tls_client_auth_san_email in _san(certificate, x509.RFC822Name)
        else:
            ok = False
        if not ok:
            raise InvalidClient(reason=f"certificate does not match the registration of {client.client_id!r}")


class SelfSignedTLSClientAuth(CertificateMethod):
    """§2.2: the certificate itself must be one the client registered (``x5c`` in its JWKS)."""

    name = "self_signed_tls_client_auth"

    def check(self, certificate: x509.Certificate, client: Any, profile: Any, request: Any) -> None:
        try:
            keys = key_sets.all_keys(jwks=profile.jwks, jwks_uri=profile.jwks_uri)
        except key_sets.KeysUnavailable as exc:
            raise InvalidClient(reason=f"client keys unavailable: {exc}") from exc
        presented = certificates.der_b64(certificate)
        if not any(isinstance(k.get("x5c"), list) and k["x5c"][:1] == [presented] for k in keys):
            raise InvalidClient(reason=f"certificate is not registered by {client.client_id!r}")
