"""X.509 test certificates: authorities, leaves (X.509-SVIDs, PKI client certificates),
self-signed ones, and the header a TLS-terminating proxy forwards."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

HEADER = "X-SSL-Client-Cert"
META = "HTTP_X_SSL_CLIENT_CERT"


@dataclass
class Issued:
    certificate: x509.Certificate
    key: Any


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"), x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue(common_name: str = "client", *, issuer: Issued | None = None, uris: list[str] = (), dns: list[str] = (),
          ca: bool = False, digital_signature: bool = True, days: int = 30) -> Issued:
    """A certificate signed by ``issuer`` (self-signed without one)."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer.certificate.subject if issuer else _name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=digital_signature, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                     encipher_only=False, decipher_only=False), critical=True)
    )
    names = [x509.UniformResourceIdentifier(u) for u in uris] + [x509.DNSName(d) for d in dns]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Issued(certificate, key)


def forwarded(certificate: x509.Certificate) -> dict[str, str]:
    """The header as nginx sends it ($ssl_client_escaped_cert: URL-encoded PEM)."""
    return {META: quote(certificate.public_bytes(Encoding.PEM).decode())}
