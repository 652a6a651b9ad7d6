"""Write a new key pair as the files client developers and operators need."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from . import jose


def _self_signed_certificate(key: jose.PrivateKey, common_name: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
    )
    return builder.sign(key, None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256())


def write_key_files(directory: Path, name: str, *, alg: str = "ES256", kid: str | None = None,
                    p12_password: str = "") -> dict[str, Any]:
    """Create ``<name>.private.jwk.json`` (mode 0600), ``<name>.jwks.json`` and
    ``<name>.p12`` (key plus a self-signed certificate) in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    key = jose.generate_private_key(alg)
    private_jwk = jose.private_key_to_jwk(key, alg=alg, kid=kid)
    paths = {
        "private_jwk": directory / f"{name}.private.jwk.json",
        "jwks": directory / f"{name}.jwks.json",
        "p12": directory / f"{name}.p12",
    }
    encryption = (
        serialization.BestAvailableEncryption(p12_password.encode()) if p12_password else serialization.NoEncryption()
    )
    p12 = pkcs12.serialize_key_and_certificates(
        name.encode(), key, _self_signed_certificate(key, name), None, encryption
    )
    for kind, content in (("private_jwk", json.dumps(private_jwk, indent=2).encode()), ("p12", p12)):
        fd = os.open(paths[kind], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
    paths["jwks"].write_text(json.dumps({"keys": [jose.public_jwk(private_jwk)]}, indent=2))
    return {"kid": private_jwk["kid"], "alg": private_jwk["alg"], **{k: str(v) for k, v in paths.items()}}
